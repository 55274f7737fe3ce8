"""The review pages. Every page but the login form needs a signed-in reviewer; every POST passes
:func:`webapp.review.auth.check_post`."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from graph.errors import DanvanError, StoreError
from webapp.i18n import current_lang, pick
from webapp.review import auth, publish, reading
from webapp.review import candidate as cand
from webapp.review.extract import extract

bp = Blueprint("review", __name__, url_prefix="/review")

MAX_ARTICLE = 200_000  # characters: a news article is a few thousand
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

STRINGS = {
    "vi": {
        "title": "Rà soát dữ kiện", "signin": "Đăng nhập", "name": "Tên người rà soát", "token": "Mã rà soát",
        "signout": "Đăng xuất", "bad_login": "Tên hoặc mã rà soát không đúng.", "items": "Bài đang rà soát",
        "none": "Chưa có bài nào.", "new": "Dán bài mới", "text": "Nội dung bài (văn bản thuần)", "url": "Địa chỉ bài",
        "publisher": "Cơ quan đăng", "date": "Ngày đăng (YYYY-MM-DD)", "headline": "Tiêu đề", "run": "Trích dữ kiện",
        "facts": "Dữ kiện đề xuất", "article": "Bài báo", "accept": "Chấp nhận", "reject": "Bác bỏ", "edit": "Sửa giá trị",
        "accepted": "đã chấp nhận", "rejected": "đã bác bỏ", "undecided": "chưa quyết định", "edited": "đã sửa",
        "confidence": "độ tin cậy", "paragraph": "đoạn", "evidence": "Bằng chứng", "conflict": "Mâu thuẫn với đồ thị",
        "says": "nêu", "entities": "Thực thể được liên kết", "score": "điểm liên kết", "choose": "Chọn thực thể",
        "keep": "giữ", "publish": "Ghi nguồn đã rà soát và dựng lại đồ thị",
        "publish_note": "Chỉ các dữ kiện đã chấp nhận được ghi; {n} dữ kiện chưa quyết định sẽ bị bỏ qua.",
        "published": "Đã ghi {path} và dựng bản {build} ({triples} bộ ba, {facts} dữ kiện).",
        "failed": "Bản dựng không đạt, nguồn chưa được ghi; trang công khai vẫn phục vụ bản dựng trước.",
        "bad_value": "Giá trị không hợp lệ cho dữ kiện này.", "missing": "Cần nhập nội dung bài.",
        "too_long": "Bài quá dài.", "bad_date": "Ngày phải có dạng YYYY-MM-DD.", "bad_url": "Địa chỉ phải bắt đầu bằng http:// hoặc https://.",
        "mismatch": "Bài trong thư mục không khớp mã băm mà bản đề xuất ghi: vị trí bằng chứng có thể lệch.",
        "applies": "Áp dụng cho mọi dữ kiện nhắc tới thực thể này.", "linked": "liên kết hiện tại",
        "reviewer": "Người rà soát", "back": "Danh sách bài", "accept_rest": "Chấp nhận mọi dữ kiện chưa quyết định",
        "violation": "Vi phạm", "warning": "Cảnh báo", "info": "Thông tin",
    },
    "en": {
        "title": "Fact review", "signin": "Sign in", "name": "Reviewer's name", "token": "Reviewer token",
        "signout": "Sign out", "bad_login": "Wrong name or reviewer token.", "items": "Articles under review",
        "none": "No article yet.", "new": "Paste a new article", "text": "Article text (plain text)", "url": "Article URL",
        "publisher": "Publisher", "date": "Date published (YYYY-MM-DD)", "headline": "Headline", "run": "Extract facts",
        "facts": "Candidate facts", "article": "Article", "accept": "Accept", "reject": "Reject", "edit": "Edit value",
        "accepted": "accepted", "rejected": "rejected", "undecided": "undecided", "edited": "edited",
        "confidence": "confidence", "paragraph": "paragraph", "evidence": "Evidence", "conflict": "Conflicts with the graph",
        "says": "says", "entities": "Linked entities", "score": "link score", "choose": "Choose entity",
        "keep": "keep", "publish": "Write the reviewed source and rebuild the graph",
        "publish_note": "Only accepted facts are written; {n} undecided fact(s) will be left out.",
        "published": "Wrote {path} and built {build} ({triples} triples, {facts} facts).",
        "failed": "The build failed, the source was not written; the public site still serves the previous build.",
        "bad_value": "That value does not fit this fact.", "missing": "The article text is required.",
        "too_long": "The article is too long.", "bad_date": "The date must read YYYY-MM-DD.", "bad_url": "The URL must start with http:// or https://.",
        "mismatch": "The article in the folder does not match the hash the candidate records: evidence offsets may be off.",
        "applies": "Applies to every fact that mentions this entity.", "linked": "current link",
        "reviewer": "Reviewer", "back": "Articles", "accept_rest": "Accept every undecided fact",
        "violation": "Violation", "warning": "Warning", "info": "Info",
    },
}


def folder():
    return current_app.extensions["review.folder"]


def live_store():
    try:
        return current_app.extensions["danvan.store"].get().store
    except StoreError:
        return None  # no build yet: facts are still shown, without conflicts or names from the graph


@bp.before_request
def guard():
    if request.method == "POST":
        auth.check_post()
    if request.endpoint not in ("review.login",) and auth.reviewer() is None:
        if request.method == "POST":
            abort(403, description="sign in first")
        return redirect(url_for("review.login", next=request.full_path if request.args else request.path), 303)


@bp.app_context_processor
def _globals():
    return {"t": pick(STRINGS), "csrf_token": auth.csrf_token, "reviewer": auth.reviewer()}


@bp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        client = request.remote_addr or "unknown"
        throttle = current_app.extensions["review.throttle"]
        if throttle.blocked(client):
            abort(429, description="too many failed sign-ins; wait a few minutes")
        name = unicodedata.normalize("NFC", request.form.get("name", "").strip())[:200]
        given = request.form.get("token", "")
        if name and auth.token_matches(given, current_app.extensions["review.token"]):
            auth.sign_in(name)
            target = request.args.get("next", "")
            return redirect(target if target.startswith("/review/") else url_for("review.index"), 303)
        throttle.failed(client)
        error = pick(STRINGS)["bad_login"]
    return render_template("review/login.html", error=error), 403 if error else 200


@bp.post("/logout")
def logout():
    auth.sign_out()
    return redirect(url_for("review.login"), 303)


@bp.get("/")
def index():
    items = []
    for item in folder().items():
        try:
            c = item.candidate()
        except DanvanError:
            continue
        d = item.decisions()
        items.append({"slug": item.slug, "headline": _headline(c), "facts": len(c.facts),
                      "decided": sum(1 for f in c.facts if f.key in d.status),
                      "published": item.state().get("published")})
    return render_template("review/index.html", items=items)


@bp.route("/new", methods=["GET", "POST"])
def new():
    t = pick(STRINGS)
    form = {k: request.form.get(k, "").strip() for k in ("url", "publisher", "date", "headline")}
    if request.method == "GET":
        return render_template("review/new.html", form=form, errors=[])
    text = unicodedata.normalize("NFC", request.form.get("text", "").replace("\r\n", "\n")).strip("\n")
    errors = []
    if not text.strip():
        errors.append(t["missing"])
    if len(text) > MAX_ARTICLE:
        errors.append(t["too_long"])
    if form["date"] and not _DATE.match(form["date"]):
        errors.append(t["bad_date"])
    if form["url"] and not form["url"].startswith(("http://", "https://")):
        errors.append(t["bad_url"])
    if not errors:
        meta = {k: v or None for k, v in form.items()}
        sources = Path(current_app.config["DANVAN_SOURCES"])
        try:
            item = folder().add(text, lambda article, number: extract(article, sources, number, **meta), sources)
        except DanvanError as e:
            errors.append(str(e))
        else:
            return redirect(url_for("review.item", slug=item.slug), 303)
    return render_template("review/new.html", form=form, errors=errors, text=text), 400


def _item_or_404(slug: str):
    item = folder().item(slug)
    if item is None:
        abort(404)
    return item


def _headline(c: cand.Candidate) -> str:
    heads = [t.object.value for t in c.triples if t.subject.value == c.source and t.predicate.value == cand.dv("headline")]
    return heads[0] if heads else c.slug


@bp.get("/items/<slug>")
def item(slug: str):
    it = _item_or_404(slug)
    c = it.candidate()
    d = it.decisions()
    state = it.state()
    text = it.article()
    live = live_store()
    choices = c.link_choices()
    extra = {alt for alts in choices.values() for alt, _ in alts} | set(d.links.values())
    name = reading.Namer(c, live, current_lang(), extra)
    effective = {f.key: cand.effective(f, d) for f in c.facts}
    clashes = reading.conflicts(live, c, effective, name)
    scores = c.link_scores()
    facts = [{
        "key": f.key, "sentence": reading.sentence(effective[f.key], name), "status": d.status.get(f.key),
        "edited": f.key in d.values, "literal": isinstance(f.triple.object, cand.ox.Literal),
        "value": d.values.get(f.key, f.triple.object.value if isinstance(f.triple.object, cand.ox.Literal) else ""),
        "confidence": f.confidence, "conflicts": clashes.get(f.key, []),
        "evidence": [{"paragraph": e.paragraph, "quote": reading.quote(text, e), "start": e.start} for e in f.evidence],
    } for f in c.facts]
    entities = [{
        "iri": iri, "name": name(iri), "score": scores.get(iri), "chosen": d.links.get(iri, iri),
        "options": [(iri, name(iri))] + [(alt, name(alt)) for alt, _ in alts],
    } for iri, alts in choices.items()]
    return render_template("review/item.html", slug=slug, headline=_headline(c), facts=facts, entities=entities,
                           paragraphs=reading.highlighted(text, c.facts), mismatch=not it.article_matches(c),
                           undecided=sum(1 for f in c.facts if f.key not in d.status), state=state,
                           error=request.args.get("error"))


@bp.post("/items/<slug>/facts/<key>")
def decide(slug: str, key: str):
    it = _item_or_404(slug)
    c = it.candidate()
    fact = next((f for f in c.facts if f.key == key), None)
    if fact is None:
        abort(404)
    action = request.form.get("action")
    if action not in ("accept", "reject", "edit"):
        abort(400, description="action must be accept, reject or edit")
    value = None
    if action == "edit":
        if not isinstance(fact.triple.object, cand.ox.Literal):
            abort(400, description="only a value (not a link) is edited; choose another entity instead")
        try:
            value = cand.edited_literal(fact.triple.object, request.form.get("value", "")).value
        except cand.BadValue:
            return redirect(url_for("review.item", slug=slug, error="bad_value", _anchor=f"fact-{key}"), 303)

    def change(state: dict) -> None:
        decisions = state.setdefault("decisions", {})
        status, values = decisions.setdefault("status", {}), decisions.setdefault("values", {})
        status[key] = "rejected" if action == "reject" else "accepted"
        if value is not None:
            values[key] = value

    folder().update(it, change)
    return redirect(url_for("review.item", slug=slug, _anchor=f"fact-{key}"), 303)


@bp.post("/items/<slug>/accept-undecided")
def accept_undecided(slug: str):
    """Accept every fact not decided yet (long candidates: reject the wrong ones, then accept the rest)."""
    it = _item_or_404(slug)
    keys = [f.key for f in it.candidate().facts]

    def change(state: dict) -> None:
        status = state.setdefault("decisions", {}).setdefault("status", {})
        for key in keys:
            status.setdefault(key, "accepted")

    folder().update(it, change)
    return redirect(url_for("review.item", slug=slug, _anchor="outcome"), 303)


@bp.post("/items/<slug>/links")
def relink(slug: str):
    it = _item_or_404(slug)
    c = it.candidate()
    entity, target = request.form.get("entity", ""), request.form.get("target", "")
    offered = c.link_choices()
    if entity not in offered or target not in {entity, *(a for a, _ in offered[entity])}:
        abort(400, description="choose one of the entities offered")

    def change(state: dict) -> None:
        links = state.setdefault("decisions", {}).setdefault("links", {})
        if target == entity:
            links.pop(entity, None)
        else:
            links[entity] = target

    folder().update(it, change)
    return redirect(url_for("review.item", slug=slug, _anchor="entities"), 303)


@bp.post("/items/<slug>/publish")
def publish_item(slug: str):
    it = _item_or_404(slug)
    c = it.candidate()
    outcome = publish.publish(c, it.decisions(), auth.reviewer(), Path(current_app.config["DANVAN_SOURCES"]),
                              Path(current_app.config["DANVAN_STORE"]), current_lang())

    def change(state: dict) -> None:
        if outcome.ok:
            state["published"] = {"path": str(outcome.path), "build": outcome.build_id, "triples": outcome.triples,
                                  "facts": outcome.facts, "by": auth.reviewer()}
            state.pop("report", None)
        else:
            state["report"] = outcome.report

    folder().update(it, change)
    return redirect(url_for("review.item", slug=slug, _anchor="outcome"), 303)
