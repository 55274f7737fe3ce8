"""Issue 11's "done means", with the real extractor: `danvan review` (the console script, no stub) on a
free loopback port; a reviewer signs in, pastes one of the team's own held-out texts with its URL,
publisher, date and headline, reads the facts in Vietnamese with their evidence highlighted, rejects one,
edits one, accepts the rest and publishes — then the public app over the store that publication built
shows the new event, its speakers with their posts and the document it disseminated, each citing the new
article, in Vietnamese and English, with no raw IRI or property name anywhere a person reads."""

from __future__ import annotations

import re
from pathlib import Path

from webapp.review import candidate as cand

HELDOUT = Path(__file__).resolve().parents[1] / "fixtures" / "ingest" / "heldout"
DV = "https://w3id.org/danvan/ontology#"
ID = "https://w3id.org/danvan/id/"
RAW_NAME = re.compile(r"\b[a-z]+:[A-Za-z]|https?://")  # as tests/webapp/test_entity_reading.py
META = {"url": "https://bao-thu-nghiem.example/thai-binh-truc-tuyen-chi-thi-08", "publisher": "Báo Thử Nghiệm",
        "date": "2026-04-18", "headline": "Thái Bình quán triệt Chỉ thị 08-CT/TU tới 286 điểm cầu"}


def path_of(iri: str) -> str:
    return "/id/" + iri[len(ID):]


def paste(client, text: str, **meta: str):
    csrf = client.csrf("/review/new")
    return client.post("/review/new", {"csrf_token": csrf, "text": text, **meta})


def facts_by_predicate(folder: Path, slug: str) -> dict[str, list]:
    out: dict[str, list] = {}
    for f in cand.read(folder / slug / "candidate.ttl").facts:
        out.setdefault(f.triple.predicate.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1], []).append(f)
    return out


def test_paste_review_publish_with_the_real_extractor(real_review_server, real_client, visible_text):
    server, client = real_review_server, real_client
    client.login()
    text = (HELDOUT / "h2-thai-binh-truc-tuyen.txt").read_text(encoding="utf-8")
    r = paste(client, text, **META)
    assert r.status_code == 303, r.text[:500]
    slug = r.headers["Location"].rsplit("/", 1)[1]
    assert re.fullmatch(r"005-[0-9a-f]{16}", slug)  # the curated sources are 000–004

    # a second article pasted before the first is published takes the next number, not 005 again
    other = paste(client, (HELDOUT / "h1-gia-lam-so-ket.txt").read_text(encoding="utf-8"), date="2022-11-10")
    assert re.fullmatch(r"/review/items/006-[0-9a-f]{16}", other.headers["Location"])
    assert paste(client, text, **META).headers["Location"] == f"/review/items/{slug}"  # the same article: its own

    item = f"/review/items/{slug}"
    page = client.get(item).text
    seen = visible_text(page)
    # facts in Vietnamese sentences, by name, never IRIs or property names
    assert "Mai Văn Quang phát biểu tại" in seen and "Vũ Thị Hồng chủ trì" in seen, seen[:3000]
    assert "w3id.org" not in seen and "dv:" not in seen
    english = visible_text(client.get(item + "?lang=en").text)
    assert "Mai Văn Quang spoke at" in english
    # each name's evidence highlighted in the article
    marked = " ".join(re.findall(r"<mark[^>]*>(?:<span[^>]*></span>)*([^<]*)</mark>", page))
    for words in ("Vũ Thị Hồng", "Mai Văn Quang", "08-CT/TU"):
        assert words in marked, (words, marked)

    facts = facts_by_predicate(server.folder, slug)
    (part_of_day,) = facts["partOfDay"]
    (points,) = facts["grassrootsConnectionPointCount"]
    event = points.triple.subject.value
    (disseminated,) = facts["disseminates"]
    document = disseminated.triple.object.value
    speakers = {f.triple.object.value for f in facts["speaker"]}
    assert len(speakers) == 2

    def decide(key: str, action: str, **extra):
        return client.post(f"{item}/facts/{key}", {"csrf_token": client.csrf(item), "action": action, **extra})

    assert decide(part_of_day.key, "reject").status_code == 303
    assert decide(points.key, "edit", value="290").status_code == 303
    assert client.post(f"{item}/accept-undecided", {"csrf_token": client.csrf(item)}).status_code == 303
    assert client.post(f"{item}/publish", {"csrf_token": client.csrf(item)}).status_code == 303
    page = client.get(item).text
    assert "Đã ghi" in page, visible_text(page)[-2000:]

    written = (server.sources / f"{slug}.ttl").read_text(encoding="utf-8")
    assert "dv:partOfDay" not in written and "dv:grassrootsConnectionPointCount 290" in written
    assert 'dv:reviewedBy "Nguyễn Thị Lan"' in written

    from webapp import create_app

    public = create_app({"DANVAN_STORE": str(server.store)}).test_client()
    source_path = f"/id/source/{slug}"

    def get(path: str, lang: str) -> str:
        r = public.get(path, query_string={"lang": lang})
        assert r.status_code == 200, (path, lang, r.status_code)
        return r.get_data(as_text=True)

    for lang, stated, speak in (("vi", "đoạn 2", "Mai Văn Quang"), ("en", "paragraph 2", "Mai Văn Quang")):
        event_page = visible_text(get(path_of(event), lang))
        assert speak in event_page and "Vũ Thị Hồng" in event_page and "08-CT/TU" in event_page
        assert META["headline"] in event_page and "290" in event_page  # cites the article; the edited value
        for person in speakers:
            person_page = visible_text(get(path_of(person), lang))
            assert META["headline"] in person_page, (person, lang)
        mai = visible_text(get("/id/person/mai-van-quang", lang))
        assert ("Phó Chủ tịch" if lang == "vi" else "Vice Chair") in mai
        doc_page = visible_text(get(path_of(document), lang))
        assert META["headline"] in doc_page
        # the source page: each fact once, where the article states it; no evidence node of its own
        html = get(source_path, lang)
        source_page = visible_text(html)
        assert META["headline"] in source_page
        cells = [visible_text(c) for c in re.findall(r'<td class="evidence">(.*?)</td>', html)]
        assert any(c.startswith(stated + " (") for c in cells) and len(cells) == len(re.findall(r'<tr class="fact"', html))
        edited = next(r for r in re.findall(r'<tr class="fact".*?</tr>', html, re.S) if ">290<" in r)
        assert visible_text(edited).endswith(("đoạn 1 (độ tin cậy 0,80)", "paragraph 1 (confidence 0.80)"))
        rows = re.findall(r'<tr class="fact"', html)
        assert len(rows) == int(re.search(r'class="kind-section source-facts" data-count="(\d+)"', html).group(1))
        assert not re.search(r'href="/id/evidence/', html)

    # every page the new source links to, in both languages: names, never IRIs or property names
    html = get(source_path, "vi")
    linked = sorted({h for h in re.findall(r'href="(/id/[^"#?]+)"', html) if not h.endswith((".ttl", ".nt", ".jsonld", ".rdf"))})
    assert path_of(event) in linked and path_of(document) in linked
    for path in [source_path, *linked]:
        for lang in ("vi", "en"):
            text = visible_text(get(path, lang))
            raw = [text[max(0, m.start() - 30):m.end() + 30] for m in RAW_NAME.finditer(text)]
            assert raw == [], (path, lang, raw[:3])

    # an evidence IRI resolves: to its source's page, at the fact
    r = public.get(f"/id/evidence/{slug}-1")
    assert r.status_code == 303 and r.headers["Location"].split("#")[0].endswith(source_path)
    # evidence is no entity of its own: not browsed, not found
    assert public.get("/browse/evidence").status_code == 404
    hits = public.get("/search.json", query_string={"q": "Thái Bình"}).get_json()
    assert hits and "/id/evidence/" not in str(hits)
