"""``/health``: JSON for monitors — status, triple count, build id and time."""

from __future__ import annotations

from flask import Blueprint, jsonify

from graph.errors import StoreError
from webapp import snapshot

bp = Blueprint("health", __name__)


@bp.get("/health")
def health():
    try:
        info = snapshot().info
    except StoreError as e:
        response = jsonify({"status": "unavailable", "message": str(e)})
        response.status_code = 503
        return response
    return jsonify({
        "status": "ok",
        "triples": info.get("triples"),
        "build_id": info.get("build_id"),
        "built_at": info.get("built_at"),
    })
