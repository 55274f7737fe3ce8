"""``/browse/{kind}``: lists with counts and facets, and the organization tree (issue 4, being built)."""

from flask import Blueprint

bp = Blueprint("browse", __name__)
