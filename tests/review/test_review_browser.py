"""A staff member's way through the review surface in a real browser (Debian's Chromium, driven by
playwright): sign in, paste an article, read the facts with their evidence highlighted, accept, reject,
edit, pick another organization, publish — then the public site shows the new event citing the article."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import sync_playwright

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
TOKEN = "review-token-for-tests-7c1d2e9f"
ID = "https://w3id.org/danvan/id/"


def fact(page, words: str):
    """The fact whose sentence contains ``words``."""
    return page.locator("li.fact", has=page.locator("p.sentence", has_text=words))


def test_review_in_chromium(review_server, chromium, stub, visible_text):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(review_server.base + "/review/")
            assert page.url.startswith(review_server.base + "/review/login")
            page.fill("input[name=name]", "Lê Văn Bình")
            page.fill("input[name=token]", "wrong-token-wrong-token")
            page.click("button[type=submit]")
            assert "không đúng" in page.locator("p.error").inner_text()
            page.fill("input[name=name]", "Lê Văn Bình")
            page.fill("input[name=token]", TOKEN)
            page.click("form.login button[type=submit]")
            assert page.url == review_server.base + "/review/"

            page.click("a.button")
            page.fill("input[name=headline]", stub.HEADLINE)
            page.fill("input[name=publisher]", stub.PUBLISHER)
            page.fill("input[name=date]", stub.DATE)
            page.fill("input[name=url]", stub.URL)
            page.fill("textarea[name=text]", stub.ARTICLE)
            page.click("form.paste button[type=submit]")
            assert page.url == f"{review_server.base}/review/items/{stub.SLUG}"
            assert page.locator("li.fact").count() == len(stub.FACTS)
            assert page.locator("section.article mark").count() >= len(stub.FACTS) - 2  # overlapping spans merge
            assert "Trần Thị Mai" in page.locator("section.article mark").all_inner_texts()
            assert "Mâu thuẫn với đồ thị" in fact(page, "ban hành ngày").inner_text()
            # the evidence of a fact is a link to its highlight in the article
            fact(page, "phát biểu tại").locator("blockquote a").click()
            assert page.locator("mark:has(.anchor:target)").inner_text() == "Trần Thị Mai"

            for words in ("là hội nghị", "diễn ra ngày", "quán triệt, triển khai", "diễn ra tại", "phát biểu tại",
                          "giữ chức vụ", "có chức danh", "Chức vụ Phó Bí thư, Huyện ủy Bình Chánh thuộc",
                          "tổ chức"):
                fact(page, words).locator("button[value=accept]").click()
                assert "đã chấp nhận" in fact(page, words).locator(".status").inner_text(), words
            fact(page, "ban hành ngày").locator("button[value=reject]").click()
            assert "đã bác bỏ" in fact(page, "ban hành ngày").locator(".status").inner_text()
            row = fact(page, "người dự")
            row.locator("input[name=value]").fill("150")
            row.locator("button[value=edit]").click()
            assert "150 người dự" in fact(page, "người dự").locator("p.sentence").inner_text()
            entity = page.locator("ul.entities li", has_text="Ban Dân vận Huyện ủy Củ Chi")
            entity.locator(f"input[value='{ID}organization/ban-dan-van--thanh-pho-ho-chi-minh']").check()
            entity.locator("button").click()
            assert "do Ban Dân vận Thành ủy Thành phố Hồ Chí Minh tổ chức" in page.locator("ol.facts").inner_text()

            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            shot = ARTIFACTS / "review.png"
            shot.unlink(missing_ok=True)
            page.screenshot(path=str(shot), full_page=True)
            assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

            page.click("button.publish")
            assert "Đã ghi" in page.locator("p.ok").inner_text()
            page.goto(f"{review_server.base}/review/items/{stub.SLUG}?lang=en")
            assert "Trần Thị Mai spoke at" in page.locator("ol.facts").inner_text()
            assert errors == []
        finally:
            browser.close()

    written = (review_server.sources / f"{stub.SLUG}.ttl").read_text(encoding="utf-8")
    assert 'dv:reviewedBy "Lê Văn Bình"' in written and "dv:dateIssued" not in written

    from webapp import create_app

    public = create_app({"DANVAN_STORE": str(review_server.store)}).test_client()
    seen = visible_text(public.get("/id/event/2026-11-05-quan-triet-qd-23-binh-chanh").get_data(as_text=True))
    assert "Trần Thị Mai" in seen and stub.HEADLINE in seen and "23-QĐ/TW" in seen
