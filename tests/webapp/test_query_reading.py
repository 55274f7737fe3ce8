"""Named-query results read as a reference work: headings from each query's ``#+ column`` lines in the
page's language, entities by name, dates as dates, the query's own words translated, and the editor link
bound to the form's values."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pyoxigraph as ox
import pytest

from graph import named_queries

HTML = {"Accept": "text/html"}
QUERIES = sorted(named_queries.all_queries())


def _results_text(html: str, visible_text) -> str:
    start = html.index('<section class="results">')
    return visible_text(html[start:html.index("</section>", start)])


@pytest.mark.parametrize("name", QUERIES)
def test_every_column_has_a_heading_in_both_languages(store, name):
    q = named_queries.get(name)
    results = store.query(q.text, substitutions={v: t for v, t in named_queries.bind(q, {}).items()})
    variables = [v.value for v in results.variables]
    missing = [v for v in variables if set(q.columns.get(v, {})) != {"vi", "en"}]
    assert not missing, f"{name}: no '#+ column' heading for {missing}"


@pytest.mark.parametrize("name", QUERIES)
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_result_pages_show_no_variable_names_iris_or_datatypes(client, visible_text, name, lang):
    q = named_queries.get(name)
    r = client.get(f"/queries/{name}?lang={lang}", headers=HTML)
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    headings = re.findall(r"<th>(.*?)</th>", html)
    assert headings, f"{name}: the default parameters should give rows"
    in_this_language = {labels[lang] for labels in q.columns.values()}
    assert all(h in in_this_language for h in headings), headings
    text = _results_text(html, visible_text)
    assert "https://" not in text and "http://" not in text
    assert "xsd:" not in text and "^^" not in text and not re.search(r"@(vi|en)\b", text)
    if lang == "vi":
        for english in ("successor", "predecessor", "spoke at", "values disagree"):
            assert english not in text


def test_translated_words_follow_the_page_language(client, visible_text):
    vi = _results_text(client.get("/queries/person-timeline", headers=HTML).get_data(as_text=True), visible_text)
    en = _results_text(client.get("/queries/person-timeline?lang=en", headers=HTML).get_data(as_text=True),
                       visible_text)
    assert "chức vụ" in vi and "phát biểu tại" in vi
    assert "post" in en and "spoke at" in en and "chức vụ" not in en
    # posts are named by role and organization, not by their IRI's slug
    assert "nguyen-huu-hiep--" not in vi and "trưởng ban" in vi.lower()


@pytest.mark.parametrize("name", [n for n in QUERIES if named_queries.get(n).parameters])
def test_editor_text_binds_the_values_with_the_same_answers(store, name):
    """The editor's text (a VALUES block) answers exactly what the form's substitution answers."""
    q = named_queries.get(name)
    bindings = named_queries.bind(q, {})
    substituted = _rows(store.query(q.text, substitutions=dict(bindings)))
    assert substituted, f"{name}: the default parameters should give rows"
    assert _rows(store.query(named_queries.with_values(q, bindings))) == substituted


def _rows(results) -> list[tuple]:
    names = [v.value for v in results.variables]
    return sorted(tuple(str(s[n]) if s[n] is not None else "" for n in names) for s in results)


def test_editor_link_carries_the_asked_value(client):
    doc = "https://w3id.org/danvan/id/document/qd-23-tw-2021"
    r = client.get("/queries/replacement-chain?" + urlencode({"document": doc}), headers=HTML)
    link = re.search(r'<a href="(/sparql\?[^"]+)">', r.get_data(as_text=True)).group(1).replace("&amp;", "&")
    text = parse_qs(urlsplit(link).query)["query"][0]
    assert f"VALUES (?document) {{ (<{doc}>) }}" in text
    assert ox.Store().query(text) is not None  # it parses as a query


def test_iri_parameters_show_the_chosen_name(client):
    r = client.get("/queries/replacement-chain", headers=HTML)
    html = r.get_data(as_text=True)
    chosen = re.search(r'<output id="param-document-chosen"[^>]*>(.*?)</output>', html).group(1)
    assert chosen == "290-QĐ/TW"
    assert 'data-suggest="/search.json"' in html and "data-pick" in html
