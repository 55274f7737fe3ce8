"""``/ontology``: the ontology's documentation in each language, an anchor for each term, the graph by
content negotiation."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, SKOS, URIRef

from graph import settings

REPO = Path(__file__).resolve().parents[2]
ONTOLOGY = REPO / "ontology" / "danvan.ttl"
TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)
RDF_TYPES = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
             "application/rdf+xml": "xml"}


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY, format="turtle")


def _terms(ontology: rdflib.Graph) -> set[str]:
    ns = settings.CANONICAL_BASE + "ontology#"
    return {str(s)[len(ns):] for t in TERM_TYPES for s in ontology.subjects(RDF.type, t) if str(s).startswith(ns)}


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.ids += [v for k, v in attrs if k == "id"]


def _ids(html: str) -> list[str]:
    parser = _Ids()
    parser.feed(html)
    return parser.ids


def _literal(g: rdflib.Graph, s, p, lang: str) -> str:
    return next(str(o) for o in g.objects(s, p) if o.language == lang)


def _page(client, lang: str) -> str:
    r = client.get(f"/ontology?lang={lang}", headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.mimetype == "text/html"
    return r.get_data(as_text=True)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_class_reads_in_the_page_language(client, ontology, visible_text, lang):
    other = "en" if lang == "vi" else "vi"
    cls = URIRef(settings.CANONICAL_BASE + "ontology#MassMobilizationBoard")
    html = _page(client, lang)
    article = html[html.index('id="MassMobilizationBoard"'):]
    article = visible_text(article[:article.index("</article>")])
    assert _literal(ontology, cls, RDFS.label, lang) in article
    assert _literal(ontology, cls, SKOS.definition, lang) in article
    assert _literal(ontology, cls, SKOS.definition, other) not in visible_text(html)
    # its parent by label, its standard alignment by prefixed name
    parent = URIRef(settings.CANONICAL_BASE + "ontology#PartyBoard")
    assert _literal(ontology, parent, RDFS.label, lang) in article


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_raw_iri_where_a_person_reads(client, visible_text, lang):
    text = visible_text(_page(client, lang))
    assert "http://" not in text and "https://" not in text


def test_every_class_and_property_has_an_anchor(client, ontology):
    ids = _ids(_page(client, "vi"))
    assert len(ids) == len(set(ids)), "an anchor is used twice"
    terms = _terms(ontology)
    assert len(terms) > 100
    assert sorted(terms - set(ids)) == []


def test_alignments_and_shapes_are_shown(client, visible_text):
    html = _page(client, "en")
    article = html[html.index('id="Document"'):]
    article = article[:article.index("</article>")]
    assert "eli:LegalResource" in visible_text(article)
    assert 'href="http://data.europa.eu/eli/ontology#LegalResource"' in article
    shape = html[html.index('id="shape-PostShape"'):]
    shape = visible_text(shape[:shape.index("</article>")])
    assert "A post has exactly one holder." in shape and "each source" in shape


def test_term_iris_link_to_their_anchor(app):
    from webapp.urls import term_href

    with app.test_request_context("/"):
        assert term_href(settings.ontology_namespace() + "Document") == "/ontology#Document"
        assert term_href(settings.ontology_namespace()[:-1]) == "/ontology"


@pytest.mark.parametrize("media", list(RDF_TYPES))
def test_content_negotiation_gives_the_ontology_graph(client, ontology, media):
    r = client.get("/ontology", headers={"Accept": media})
    assert r.status_code == 200 and r.mimetype == media
    served = rdflib.Graph().parse(data=r.data, format=RDF_TYPES[media])
    missing = [t for t in ontology if not any(isinstance(x, rdflib.BNode) for x in t) and t not in served]
    assert missing == []


@pytest.mark.parametrize("suffix,media", [("ttl", "text/turtle"), ("nt", "application/n-triples"),
                                          ("jsonld", "application/ld+json"), ("rdf", "application/rdf+xml")])
def test_suffixes(client, suffix, media):
    r = client.get(f"/ontology.{suffix}")
    assert r.status_code == 200 and r.mimetype == media
    served = rdflib.Graph().parse(data=r.data, format=RDF_TYPES[media])
    assert (URIRef(settings.CANONICAL_BASE + "ontology#Document"), RDF.type, OWL.Class) in served


def test_html_names_its_alternates(client):
    r = client.get("/ontology", headers={"Accept": "text/html"})
    assert "Accept" in r.headers["Vary"]
    assert '</ontology.ttl>; rel="alternate"; type="text/turtle"' in r.headers["Link"]


def test_unknown_formats_are_refused(client):
    assert client.get("/ontology?format=csv").status_code == 406
    assert client.get("/ontology.csv").status_code == 404


def test_linked_from_every_page_and_the_home_page(client):
    html = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    nav = html[html.index("<nav"):html.index("</nav>")]
    assert 'href="/ontology"' in nav
    footer = html[html.index('<footer'):]
    assert 'href="/ontology"' in footer and 'href="/.well-known/void"' in footer
