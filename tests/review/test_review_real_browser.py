"""Issue 11's "done means" in a real browser (Debian's Chromium, driven by playwright) with the real
extractor: a reviewer pastes one of the team's development texts, reads its facts with their evidence
highlighted, rejects one, accepts the rest, publishes; then, on the public site (served on loopback over
the store that publication built), the new event shows its speakers and the documents it disseminated,
and the pages cite the new article."""

from __future__ import annotations

import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from webapp.review import candidate as cand

ARTICLE = Path(__file__).resolve().parents[1] / "fixtures" / "ingest" / "dev" / "01-bac-ninh-quan-triet.txt"
TOKEN = "review-token-for-tests-7c1d2e9f"
ID = "https://w3id.org/danvan/id/"
DV = "https://w3id.org/danvan/ontology#"
HEADLINE = "Bắc Ninh quán triệt Quy chế công tác dân vận"


def test_staff_review_an_article_and_find_it_on_the_public_site(real_review_server, chromium):
    from webapp import create_app

    server = real_review_server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(server.base + "/review/")
            page.fill("input[name=name]", "Lê Văn Bình")
            page.fill("input[name=token]", TOKEN)
            page.click("form.login button[type=submit]")
            page.click("a.button")
            page.fill("input[name=headline]", HEADLINE)
            page.fill("input[name=publisher]", "Báo Thử Nghiệm")
            page.fill("input[name=date]", "2022-06-14")
            page.fill("input[name=url]", "https://bao-thu-nghiem.example/bac-ninh-quan-triet")
            page.fill("textarea[name=text]", ARTICLE.read_text(encoding="utf-8"))
            page.click("form.paste button[type=submit]")
            slug = page.url.rsplit("/", 1)[1]
            assert page.url == f"{server.base}/review/items/{slug}" and slug.startswith("005-")

            c = cand.read(server.folder / slug / "candidate.ttl")
            assert page.locator("li.fact").count() == len(c.facts)
            marks = page.locator("section.article mark").all_inner_texts()
            assert any("Trần Thị Mai" in m for m in marks) and any("15-QC/TU" in m for m in marks), marks
            speaker = page.locator("li.fact", has=page.locator("p.sentence", has_text="Trần Thị Mai phát biểu tại"))
            assert speaker.count() == 1
            speaker.locator("blockquote a").first.click()  # the evidence links to its highlight in the article
            assert "Trần Thị Mai" in page.locator("mark:has(.anchor:target)").inner_text()
            part_of_day = page.locator("li.fact", has=page.locator("p.sentence", has_text="buổi sáng"))
            assert part_of_day.count() == 1, page.locator("ol.facts").inner_text()
            part_of_day.locator("button[value=reject]").click()
            page.click("button.accept-rest")
            page.click("button.publish")
            assert "Đã ghi" in page.locator("p.ok").inner_text()
            assert errors == []

            event = next(f.triple.subject.value for f in c.facts if f.triple.predicate.value == DV + "speaker")
            public = make_server("127.0.0.1", 0, create_app({"DANVAN_STORE": str(server.store)}), threaded=True)
            thread = threading.Thread(target=public.serve_forever, daemon=True)
            thread.start()
            try:
                site = f"http://127.0.0.1:{public.server_port}"
                page.goto(f"{site}/id/{event[len(ID):]}")
                body = page.locator("main").inner_text()
                for words in ("Trần Thị Mai", "Nguyễn Văn Thành", "15-QC/TU", "23-QĐ/TW", HEADLINE):
                    assert words in body, words
                page.click(f"main a:has-text('{HEADLINE}')")  # the citation leads to the new source
                assert page.url.startswith(f"{site}/id/source/{slug}")
                assert "đoạn 3" in page.locator("table.facts").inner_text()
                page.goto(f"{site}/id/person/tran-thi-mai?lang=en")
                body = page.locator("main").inner_text()
                assert "Deputy Head" in body and HEADLINE in body, body[:2000]
                assert "w3id.org" not in body
                assert errors == []
            finally:
                public.shutdown()
                thread.join(timeout=10)
        finally:
            browser.close()
