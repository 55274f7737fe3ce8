"""A real headless Chromium (Debian's, driven by Playwright) walks the site as a reader would:
search "nguyen huu hiep" → his page (posts, with their sources) → an event he spoke at → the document
it surveyed → its replacement chain → the replacing decision; then the same in English. Screenshots
are kept in tests/artifacts/walk-*.png. Also: the keyboard reaches the skip link first, and a phone-wide
window needs no sideways scrolling.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

WORDS = {
    "vi": {"nav": ["Trang chủ", "Duyệt", "Truy vấn mẫu"], "chain": "Chuỗi thay thế", "post": "Trưởng ban",
           "event": re.compile(r"^Khảo sát thực hiện Quy chế công tác dân vận tại huyện Củ Chi")},
    "en": {"nav": ["Home", "Browse", "Queries"], "chain": "Replacement chain", "post": "Head",
           "event": re.compile(r"^Survey of the mass-mobilization rules in Cu Chi")},
}


@pytest.fixture(scope="module")
def browser(chromium):
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(chromium), args=ARGS, headless=True)
        yield b
        b.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"walk-{name}.png"
    path.unlink(missing_ok=True)
    page.screenshot(path=str(path), full_page=True)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 5_000


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_walk_from_search_to_the_replacing_decision(server, browser, lang, headlines):
    words = WORDS[lang]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    try:
        # 1. search, in the language asked (the choice is remembered for the rest of the walk)
        page.goto(f"{server}/search?q=nguyen+huu+hiep" + ("&lang=en" if lang == "en" else ""))
        expect(page.locator("html")).to_have_attribute("lang", lang)
        nav = page.locator("header nav")
        for word in words["nav"]:
            expect(nav.get_by_role("link", name=word, exact=True)).to_be_visible()
        shot(page, f"{lang}-1-search")
        main = page.locator("main")
        main.get_by_role("link", name="Nguyễn Hữu Hiệp", exact=True).first.click()

        # 2. his page: his posts, each with the source that states it
        page.wait_for_url(re.compile(r"/id/person/nguyen-huu-hiep(\?|$)"))
        expect(page.locator("h1")).to_contain_text("Nguyễn Hữu Hiệp")
        expect(main.get_by_role("link", name=words["post"], exact=True).first).to_be_visible()
        expect(main.get_by_text(headlines["003"]).first).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", lang)
        shot(page, f"{lang}-2-person")

        # 3. an event he spoke at: the Củ Chi survey
        main.get_by_role("link", name=words["event"]).first.click()
        page.wait_for_url(re.compile(r"/id/event/2024-03-19-khao-sat-dan-van-cu-chi(\?|$)"))
        expect(main.get_by_role("link", name="Nguyễn Hữu Hiệp", exact=True).first).to_be_visible()
        shot(page, f"{lang}-3-event")

        # 4. the document it surveyed, with its replacement chain
        main.get_by_role("link", name="290-QĐ/TW", exact=True).first.click()
        page.wait_for_url(re.compile(r"/id/document/qd-290-tw-2010(\?|$)"))
        expect(page.locator("h1")).to_contain_text("290-QĐ/TW")
        expect(main.get_by_text(words["chain"], exact=True).first).to_be_visible()
        replacing = main.get_by_role("link", name="23-QĐ/TW", exact=True).first
        expect(replacing).to_be_visible()
        shot(page, f"{lang}-4-document-chain")

        # 5. the replacing decision, whose chain leads back to 290-QĐ/TW
        replacing.click()
        page.wait_for_url(re.compile(r"/id/document/qd-23-tw-2021(\?|$)"))
        expect(page.locator("h1")).to_contain_text("23-QĐ/TW")
        expect(main.get_by_text(words["chain"], exact=True).first).to_be_visible()
        expect(main.get_by_role("link", name="290-QĐ/TW", exact=True).first).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", lang)
        shot(page, f"{lang}-5-replacing-decision")
        assert not errors, errors  # no CSP violation or script error on the way
    finally:
        context.close()


def test_keyboard_reaches_the_skip_link_first_and_the_facets(server, browser):
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(f"{server}/browse/document")
        page.keyboard.press("Tab")
        focused = page.evaluate("() => [document.activeElement.tagName, document.activeElement.getAttribute('href')]")
        assert focused == ["A", "#content"]
        expect(page.locator(".skip-link")).to_be_in_viewport()
        page.keyboard.press("Enter")
        assert page.url.endswith("#content")
        # tabbing on from the main content reaches a facet link, and Enter follows it
        for _ in range(40):
            page.keyboard.press("Tab")
            href = page.evaluate("() => document.activeElement.getAttribute('href')")
            if href == "/browse/document?type=qd":
                break
        else:
            pytest.fail("the QĐ facet link is not reachable with Tab")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/browse/document\?type=qd$"))
        expect(page.locator("ul.listing li")).to_have_count(5)
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/", "/browse/document", "/browse/organization/tree"])
def test_phone_width_needs_no_sideways_scrolling(server, browser, path):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        page.goto(server + path)
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], widths
        if path == "/browse/document":
            # one column: the facets sit above the results, not beside them
            facets = page.locator("aside.facets").bounding_box()
            results = page.locator("section.results").bounding_box()
            assert results["y"] >= facets["y"] + facets["height"] - 1
            shot(page, "phone-browse")
    finally:
        context.close()
