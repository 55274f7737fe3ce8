"""`danvan review` driven over HTTP: who may use it, CSRF, and the way from a pasted article to a
reviewed source in the graph — accepted facts in, rejected ones out, edits and re-links applied, the
public site citing the new article; and a failed build that leaves the sources folder and the live store
as they were."""

from __future__ import annotations

import re

import pyoxigraph as ox
import requests

from webapp.review import candidate as cand

DV = "https://w3id.org/danvan/ontology#"
ID = "https://w3id.org/danvan/id/"


def paste(client, stub) -> requests.Response:
    csrf = client.csrf("/review/new")
    return client.post("/review/new", {"csrf_token": csrf, "text": stub.ARTICLE, "url": stub.URL,
                                       "publisher": stub.PUBLISHER, "date": stub.DATE, "headline": stub.HEADLINE})


def keys_by_predicate(review_server, stub) -> dict[str, str]:
    c = cand.read(review_server.folder / stub.SLUG / "candidate.ttl")
    return {f.triple.predicate.value.rsplit("#", 1)[-1]: f.key for f in c.facts}


def decide(client, stub, key: str, action: str, **extra) -> requests.Response:
    page = f"/review/items/{stub.SLUG}"
    return client.post(f"{page}/facts/{key}", {"csrf_token": client.csrf(page), "action": action, **extra})


def test_refuses_to_start_without_a_token(run_danvan, clean_env, tmp_path):
    r = run_danvan("review", "--dir", tmp_path / "f", "--port", "1")
    assert r.returncode == 2 and "DANVAN_REVIEW_TOKEN" in r.stderr
    r = run_danvan("review", "--dir", tmp_path / "f", "--port", "1", env=clean_env(DANVAN_REVIEW_TOKEN="short"))
    assert r.returncode == 2 and "at least 16" in r.stderr


def test_starts_on_the_packaged_sources_folder_by_default(tmp_path, launch_review):
    from graph.resources import sources_folder

    base, log = launch_review(tmp_path, "--dir", str(tmp_path / "f"), "--store", str(tmp_path / "s"))
    assert requests.get(base + "/review/login", timeout=10).status_code == 200
    assert f"sources {sources_folder()}," in log.read_text(encoding="utf-8")


def test_unauthenticated_requests_are_refused(review_server, client, stub):
    for path in ("/review/", "/review/new", f"/review/items/{stub.SLUG}"):
        r = client.get(path)
        assert r.status_code == 303 and r.headers["Location"].startswith("/review/login"), path
    r = client.post("/review/new", {"csrf_token": client.csrf("/review/login"), "text": stub.ARTICLE})
    assert r.status_code == 403
    assert not (review_server.folder / stub.SLUG).exists()


def test_wrong_token_is_refused_and_grants_nothing(client):
    r = client.login(token="not-the-token-at-all")
    assert r.status_code == 403
    assert "không đúng" in r.text
    assert client.get("/review/").status_code == 303


def test_session_cookie_flags(client):
    r = client.login()
    assert r.status_code == 303
    cookie = next(h for h in r.raw.headers.getlist("Set-Cookie") if h.startswith("__Host-danvan-review="))
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"secure", "httponly", "samesite=strict", "path=/"} <= flags
    assert client.get("/review/").status_code == 200


def test_posts_need_the_csrf_token_and_this_origin(review_server, client, stub):
    client.login()
    form = {"text": stub.ARTICLE, "url": stub.URL, "date": stub.DATE}
    assert client.post("/review/new", form).status_code == 403  # no token
    assert client.post("/review/new", {**form, "csrf_token": "forged"}).status_code == 403
    good = {**form, "csrf_token": client.csrf("/review/new")}
    assert client.post("/review/new", good, headers={"Origin": "https://elsewhere.example"}).status_code == 403
    assert not (review_server.folder / stub.SLUG).exists()
    # a request naming another host (DNS rebinding) is refused before anything runs
    r = requests.get(review_server.base + "/review/login", headers={"Host": "attacker.example"}, timeout=30)
    assert r.status_code == 400


def test_bad_article_input_is_refused_with_a_message(client):
    client.login()
    csrf = client.csrf("/review/new")
    r = client.post("/review/new", {"csrf_token": csrf, "text": "  ", "date": "6/11/2026", "url": "ftp://x"})
    assert r.status_code == 400
    for message in ("Cần nhập nội dung bài", "YYYY-MM-DD", "http://"):
        assert message in r.text


def test_paste_review_publish_and_the_public_site(review_server, client, stub, visible_text):
    client.login()
    r = paste(client, stub)
    assert r.status_code == 303 and r.headers["Location"] == f"/review/items/{stub.SLUG}"
    assert (review_server.folder / stub.SLUG / "article.txt").read_text(encoding="utf-8") == stub.ARTICLE
    page = client.get(f"/review/items/{stub.SLUG}").text
    text = visible_text(page)
    # facts as Vietnamese sentences with labels, never IRIs or property names
    assert "Trần Thị Mai phát biểu tại Hội nghị quán triệt Quyết định 23-QĐ/TW tại huyện Bình Chánh" in text
    assert "diễn ra ngày 05/11/2026" in text
    assert "w3id.org" not in text and "dv:" not in text
    # each fact's evidence highlighted in the article at its offsets
    marks = re.findall(r'<mark data-facts="([^"]+)">(?:<span class="anchor" id="ev-\w+"></span>)*([^<]*)</mark>', page)
    marked = {words for _, words in marks}
    for words in ("Sáng 5/11/2026", "Trần Thị Mai", "Quyết định số 23-QĐ/TW", "ngày 31/7/2021"):
        assert any(words in m for m in marked), words
    # the conflict with the graph's date for 23-QĐ/TW is shown before accepting
    keys = keys_by_predicate(review_server, stub)
    fact = re.search(rf'<li id="fact-{keys["dateIssued"]}".*?</li>', page, re.S).group(0)
    assert "Mâu thuẫn với đồ thị" in fact and "30/07/2021" in fact
    # the organizer's link offers the alternative by its name
    assert "Ban Dân vận Thành ủy Thành phố Hồ Chí Minh" in text
    english = visible_text(client.get(f"/review/items/{stub.SLUG}?lang=en").text)
    assert "Trần Thị Mai spoke at" in english and "Conflicts with the graph" in english

    for predicate in ("type", "startDate", "disseminates", "location", "speaker", "holder", "role", "postIn"):
        assert decide(client, stub, keys[predicate], "accept").status_code == 303
    assert decide(client, stub, keys["dateIssued"], "reject").status_code == 303
    assert decide(client, stub, keys["attendeeCount"], "edit", value="mười lăm").status_code == 303  # refused
    assert decide(client, stub, keys["attendeeCount"], "edit", value="150").status_code == 303
    assert decide(client, stub, keys["organizer"], "accept").status_code == 303
    item = f"/review/items/{stub.SLUG}"
    r = client.post(f"{item}/links", {"csrf_token": client.csrf(item), "entity": ID + "organization/ban-dan-van--huyen-cu-chi--thanh-pho-ho-chi-minh",
                                      "target": ID + "organization/ban-dan-van--thanh-pho-ho-chi-minh"})
    assert r.status_code == 303
    before = (review_server.store.resolve())
    r = client.post(f"{item}/publish", {"csrf_token": client.csrf(item)})
    assert r.status_code == 303
    page = client.get(item).text
    assert "Đã ghi" in page, page
    assert review_server.store.resolve() != before  # a new build is live

    written = review_server.sources / f"{stub.SLUG}.ttl"
    g = {(t.subject.value, t.predicate.value, t.object.value) for t in
         ox.parse(written.read_bytes(), format=ox.RdfFormat.TURTLE)}
    source = ID + "source/" + stub.SLUG
    event = ID + "event/2026-11-05-quan-triet-qd-23-binh-chanh"
    assert (source, DV + "reviewedBy", "Nguyễn Thị Lan") in g
    assert any(s == source and p == DV + "reviewedAt" for s, p, _ in g)
    candidate_sha = __import__("hashlib").sha256((review_server.folder / stub.SLUG / "candidate.ttl").read_bytes()).hexdigest()
    assert (source, DV + "candidateSha256", candidate_sha) in g
    assert (event, DV + "attendeeCount", "150") in g  # edited
    assert (event, DV + "organizer", ID + "organization/ban-dan-van--thanh-pho-ho-chi-minh") in g  # re-linked
    assert not any(o == ID + "organization/ban-dan-van--huyen-cu-chi--thanh-pho-ho-chi-minh" for _, _, o in g)
    assert not any(p == DV + "dateIssued" for _, p, _ in g)  # rejected, with its evidence
    evidence = {s for s, p, o in g if p == DV + "evidenceFor"}
    assert len(evidence) == 10  # the accepted facts' evidence stays
    assert (event, DV + "speaker", ID + "person/tran-thi-mai") in g

    # the public site, over the store the review built, shows the event and its speaker citing the article
    from webapp import create_app

    public = create_app({"DANVAN_STORE": str(review_server.store)}).test_client()
    html = public.get("/id/event/2026-11-05-quan-triet-qd-23-binh-chanh").get_data(as_text=True)
    seen = visible_text(html)
    assert "Trần Thị Mai" in seen and stub.HEADLINE in seen and "Ban Dân vận Thành ủy Thành phố Hồ Chí Minh" in seen
    person = visible_text(public.get("/id/person/tran-thi-mai").get_data(as_text=True))
    assert "Phó Bí thư" in person and "Huyện ủy Bình Chánh" in person and stub.HEADLINE in person


def test_a_failed_build_keeps_the_sources_and_the_live_store(review_server, client, stub, visible_text):
    client.login()
    assert paste(client, stub).status_code == 303  # a fresh paste: earlier decisions are gone
    keys = keys_by_predicate(review_server, stub)
    for predicate in ("type", "startDate", "holder", "postIn"):
        decide(client, stub, keys[predicate], "accept")
    decide(client, stub, keys["role"], "reject")  # a post without its role does not conform
    sources_before = {p.name: p.read_bytes() for p in review_server.sources.glob("*.ttl")}
    live_before = review_server.store.resolve()
    item = f"/review/items/{stub.SLUG}"
    assert client.post(f"{item}/publish", {"csrf_token": client.csrf(item)}).status_code == 303
    page = client.get(item).text
    report = visible_text(re.search(r'<ul class="report">(.*?)</ul>', page, re.S).group(1))
    assert "Bản dựng không đạt" in page
    # the violation first, in Vietnamese, naming the post and the reviewed source's file
    assert report.startswith("Vi phạm")
    assert "post/tran-thi-mai--pho-bi-thu--huyen-uy-binh-chanh: Chức vụ có đúng một chức danh" in report.split("Cảnh báo")[0]
    assert f"{stub.SLUG}.ttl" in report and "Violation" not in report
    assert {p.name: p.read_bytes() for p in review_server.sources.glob("*.ttl")} == sources_before
    assert review_server.store.resolve() == live_before


def test_the_public_site_has_no_review_surface(store_dir, stub):
    from webapp import create_app

    public = create_app({"DANVAN_STORE": str(store_dir)}).test_client()
    for path in ("/review/", "/review/login", f"/review/items/{stub.SLUG}", "/review/static/review.css"):
        assert public.get(path).status_code == 404, path
    assert public.post("/review/login", data={"token": "x"}).status_code in (404, 405)


def test_accepting_the_rest_leaves_decided_facts_alone(review_server, client, stub):
    client.login()
    assert paste(client, stub).status_code == 303
    keys = keys_by_predicate(review_server, stub)
    decide(client, stub, keys["dateIssued"], "reject")
    item = f"/review/items/{stub.SLUG}"
    assert client.post(f"{item}/accept-undecided", {"csrf_token": client.csrf(item)}).status_code == 303
    import json

    status = json.loads((review_server.folder / stub.SLUG / "state.json").read_text(encoding="utf-8"))["decisions"]["status"]
    assert status.pop(keys["dateIssued"]) == "rejected"
    assert set(status.values()) == {"accepted"} and len(status) == len(stub.FACTS) - 1
