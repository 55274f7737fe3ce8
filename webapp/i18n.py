"""The page language: Vietnamese by default, English by ``?lang=en``; the choice is remembered in a
cookie. Every page and label lookup asks :func:`current_lang`; views keep their own interface strings
per language (a dict ``{"vi": {...}, "en": {...}}``) and pick them with :func:`pick`."""

from __future__ import annotations

from flask import Flask, Response, g, request

LANGS = ("vi", "en")
DEFAULT = "vi"
COOKIE = "lang"
_YEAR = 365 * 24 * 3600


def current_lang() -> str:
    if "lang" not in g:
        asked = request.args.get("lang")
        g.lang = asked if asked in LANGS else (request.cookies.get(COOKIE) if request.cookies.get(COOKIE) in LANGS else DEFAULT)
    return g.lang


def other_lang() -> str:
    return "en" if current_lang() == "vi" else "vi"


def pick(strings: dict[str, dict[str, str]]) -> dict[str, str]:
    return strings[current_lang()]


def number(n) -> str:
    """A count as the page's language writes it: 75.416 in Vietnamese, 75,416 in English."""
    if not isinstance(n, int) or isinstance(n, bool):
        return str(n)
    text = f"{n:,}"
    return text.replace(",", ".") if current_lang() == "vi" else text


def _remember(response: Response) -> Response:
    asked = request.args.get("lang")
    if asked in LANGS and request.cookies.get(COOKIE) != asked:
        response.set_cookie(COOKIE, asked, max_age=_YEAR, samesite="Lax", httponly=True)
    response.headers.setdefault("Content-Language", current_lang())
    vary = response.headers.get("Vary", "")
    if "Cookie" not in vary:
        response.headers["Vary"] = f"{vary}, Cookie" if vary else "Cookie"
    return response


def register(app: Flask) -> None:
    app.after_request(_remember)
    app.jinja_env.globals.update(current_lang=current_lang, other_lang=other_lang)
    app.jinja_env.filters["number"] = number
