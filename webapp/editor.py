"""The SPARQL query editor's configuration and assets (issue 3, being built)."""

from flask import Blueprint

bp = Blueprint("editor", __name__)
