"""``/queries``: the named-query library on the web (issue 3, being built)."""

from flask import Blueprint

bp = Blueprint("queries", __name__)
