"""``/search``: diacritics-insensitive search over labels and document numbers (issue 4, being built)."""

from flask import Blueprint

bp = Blueprint("search", __name__)
