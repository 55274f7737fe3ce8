"""``/health``: JSON for monitors — status, triple count, build id and time (of the build the store holds:
on an external engine, asked of the engine, so a monitor sees the engine go away)."""

from __future__ import annotations

from flask import Blueprint, jsonify

from graph.errors import StoreError
from webapp import snapshot

bp = Blueprint("health", __name__)


@bp.get("/health")
def health():
    try:
        state = snapshot().store.health()
    except StoreError as e:
        state = {"status": "unavailable", "message": str(e)}
    if state.get("status") != "ok":
        response = jsonify({"status": "unavailable", "message": state.get("message") or state.get("error")})
        response.status_code = 503
        return response
    return jsonify({key: state.get(key) for key in ("status", "triples", "build_id", "built_at")})
