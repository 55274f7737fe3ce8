"""``/``: what the graph holds, per kind, with links into it."""

from __future__ import annotations

from flask import Blueprint, render_template

from webapp import snapshot
from webapp.describe import entities_by_kind, labels

bp = Blueprint("home", __name__)

SHOWN_PER_KIND = 40


@bp.get("/")
def index():
    snap = snapshot()
    groups = snap.cached("entities_by_kind", lambda: entities_by_kind(snap.store))
    shown = {kind: iris[:SHOWN_PER_KIND] for kind, iris in groups.items()}
    names = labels(snap.store, {i for iris in shown.values() for i in iris})
    kinds = [
        {"kind": kind, "count": len(groups[kind]),
         "entities": sorted(({"iri": i, "label": names.get(i)} for i in iris),
                            key=lambda e: (e["label"] is None, (e["label"] or e["iri"]).casefold()))}
        for kind, iris in shown.items()
    ]
    return render_template("home.html", kinds=kinds, info=snap.info, shown_per_kind=SHOWN_PER_KIND)
