"""``/.well-known/void``: the dataset's VoID description, and ``/dumps/{file}``: the dumps it points to.

The description is built from what the build recorded in ``build.json`` (:mod:`graph.dumps`: counts,
partitions, each graph's size, the dumps' sizes and checksums), so a request never counts the store.
RDF clients get Turtle by default (any RDF format by ``Accept`` or ``format=``), browsers an HTML page.
The dumps are the build's own files, served as they are: ``application/gzip``, no
``Content-Encoding`` (a client that saves one gets the ``.gz`` file), ``ETag`` = their SHA-256.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, send_file

from graph import dumps as build_dumps
from graph import settings
from graph import terms as ox
from graph.namespaces import prefixes
from webapp import snapshot
from webapp.conneg import FORMAT_TITLES, HTML, RDF_FORMATS, negotiate
from webapp.describe import labels
from webapp.entity import compact as _compact
from webapp.errors import Refused
from webapp.i18n import current_lang, pick
from webapp.storeholder import Snapshot
from webapp.urls import dump_url, ontology_url, sparql_url, term_href, void_url

bp = Blueprint("void", __name__)

OFFERED = [HTML, "turtle", "ntriples", "jsonld", "rdfxml"]
# The data is open (CC BY 4.0); the code is Apache-2.0 (pyproject.toml).
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
LICENCE_NAME = "CC BY 4.0"

VOID = "http://rdfs.org/ns/void#"
DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
SPDX = "http://spdx.org/rdf/terms#"
FORMATS = "http://www.w3.org/ns/formats/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
HEADLINE = "https://schema.org/headline"
# the W3C format IRI of each dump's content
FORMAT_IRIS = {"nquads": "N-Quads", "trig": "TriG"}
GZIP = "application/gzip"

TITLE = {"vi": "Dân vận KG — đồ thị tri thức về công tác dân vận",
         "en": "Dân vận KG — a knowledge graph of Vietnam's mass-mobilization work"}
DESCRIPTION = {
    "vi": "Tổ chức, cán bộ, chức vụ, văn bản của Đảng và Nhà nước, sự kiện và nguồn tin của công tác dân vận; "
          "mỗi dữ kiện nằm trong đồ thị có tên của nguồn nêu ra nó.",
    "en": "The organizations, officials, posts, Party and State documents, events and news sources of "
          "mass-mobilization work; each fact sits in the named graph of the source that states it.",
}
GRAPH_TITLES = {
    "ontology": {"vi": "Bản thể học và các bảng phân loại", "en": "The ontology and its vocabularies"},
    "inferred": {"vi": "Các suy diễn OWL 2 RL", "en": "OWL 2 RL entailments"},
}

STRINGS = {
    "vi": {"title": "Mô tả bộ dữ liệu (VoID)", "licence": "Giấy phép dữ liệu", "built": "Bản dựng",
           "counts": "Số liệu", "triples": "Bộ ba (đồ thị mặc định, hợp của mọi đồ thị)",
           "entities": "Thực thể (chủ thể trong không gian định danh)", "classes": "Lớp",
           "properties": "Thuộc tính", "subjects": "Chủ thể khác nhau", "objects": "Đối tượng khác nhau",
           "dumps": "Tải toàn bộ dữ liệu", "file": "Tệp", "format": "Định dạng", "size": "Kích thước",
           "quads": "Bộ bốn", "triples_short": "Bộ ba", "checksum": "SHA-256", "dumps_note":
           "Tệp nén gzip; giữ nguyên các đồ thị có tên, không gồm đồ thị mặc định (hợp suy ra từ chúng).",
           "subsets": "Các tập con (mỗi nguồn một đồ thị có tên)", "subset": "Tập con", "source": "Nguồn",
           "class_partition": "Theo lớp", "property_partition": "Theo thuộc tính", "class": "Lớp",
           "property": "Thuộc tính", "instances": "Số thực thể", "access": "Truy cập",
           "endpoint": "Điểm truy vấn SPARQL", "ontology": "Bản thể học", "as_rdf": "Mô tả này dạng RDF",
           "uri_space": "Không gian định danh", "bytes": "byte", "no_stats":
           "Bản dựng này chưa có số liệu VoID: chạy lại danvan build."},
    "en": {"title": "Dataset description (VoID)", "licence": "Data licence", "built": "Build",
           "counts": "Counts", "triples": "Triples (the default graph, the union of every graph)",
           "entities": "Entities (subjects in the identifier space)", "classes": "Classes",
           "properties": "Properties", "subjects": "Distinct subjects", "objects": "Distinct objects",
           "dumps": "Download the whole dataset", "file": "File", "format": "Format", "size": "Size",
           "quads": "Quads", "triples_short": "Triples", "checksum": "SHA-256", "dumps_note":
           "Gzip-compressed; the named graphs are kept, the default graph (their derived union) is left out.",
           "subsets": "Subsets (one named graph per source)", "subset": "Subset", "source": "Source",
           "class_partition": "By class", "property_partition": "By property", "class": "Class",
           "property": "Property", "instances": "Entities", "access": "Access",
           "endpoint": "SPARQL endpoint", "ontology": "Ontology", "as_rdf": "This description as RDF",
           "uri_space": "Identifier space", "bytes": "bytes", "no_stats":
           "This build has no VoID counts yet: run danvan build again."},
}


@bp.app_context_processor
def _licence():
    return {"data_licence": {"url": LICENCE, "name": LICENCE_NAME}}


def dumps_of(snap: Snapshot) -> list[dict]:
    """The build's dumps as build.json records them (empty for a build made before dumps existed)."""
    return [d for d in snap.info.get("dumps", []) if d.get("file") in build_dumps.FILES]


@bp.get("/dumps/<filename>")
def dump(filename: str):
    snap = snapshot()
    entry = next((d for d in dumps_of(snap) if d["file"] == filename), None)
    if entry is None:
        known = ", ".join(build_dumps.FILES)
        raise Refused(404, f"There is no dump called {filename!r}; the dumps are {known} (a build made before "
                           "dumps existed has none: run danvan build).")
    path = build_dumps.dumps_dir(snap.build) / entry["file"]
    if not path.is_file():
        raise Refused(404, f"The dump {filename} of this build is missing: run danvan build again.")
    response = send_file(path, mimetype=GZIP, as_attachment=True, download_name=entry["file"],
                         etag=entry["sha256"], conditional=True, max_age=0)
    response.headers["Cache-Control"] = "public, max-age=0, must-revalidate"
    return response


@bp.get("/.well-known/void")
def description():
    fmt = negotiate(OFFERED, default="turtle")
    if fmt is None:
        raise Refused(406, f"The VoID description is available as {', '.join(OFFERED)}.")
    snap = snapshot()
    if fmt == HTML:
        response = Response(_page(snap), mimetype="text/html")
    else:
        media, rdf_format = RDF_FORMATS[fmt]
        response = Response(ox.serialize(triples(snap), format=rdf_format, prefixes=_prefixes()), mimetype=media)
    response.headers["Vary"] = "Accept"
    return response


def _prefixes() -> dict[str, str]:
    return {**prefixes(), "void": VOID, "dcat": DCAT, "spdx": SPDX}


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _int(n: int) -> ox.Literal:
    return ox.Literal(str(int(n)), datatype=_n(XSD + "integer"))


def dataset_iri() -> str:
    return void_url(external=True) + "#dataset"


def _headlines(snap: Snapshot) -> dict[str, list[ox.Literal]]:
    def compute():
        out: dict[str, list[ox.Literal]] = {}
        for q in snap.store.quads_for_pattern(None, _n(HEADLINE), None, ox.DefaultGraph()):
            if isinstance(q.object, ox.Literal):
                out.setdefault(q.subject.value, []).append(q.object)
        return out

    return snap.cached("void.headlines", compute)


def _graph_title(graph: str, snap: Snapshot, lang: str | None = None) -> list[ox.Literal]:
    """A graph's titles: a source's headline(s), or ours for the ontology and inferred graphs."""
    for key, graph_iri in (("ontology", settings.ontology_graph()), ("inferred", settings.inferred_graph())):
        if graph == graph_iri:
            return [ox.Literal(t, language=code) for code, t in GRAPH_TITLES[key].items() if lang in (None, code)]
    return _headlines(snap).get(graph, [])


def _subset_iri(i: int) -> ox.NamedNode:
    return _n(f"{void_url(external=True)}#subset-{i + 1}")


def triples(snap: Snapshot) -> list[ox.Triple]:
    """The VoID description of the live build."""
    info = snap.info
    stats = info.get("statistics")
    ds = _n(dataset_iri())
    void, dct = (lambda local: _n(VOID + local)), (lambda local: _n(DCT + local))
    out = [ox.Triple(ds, RDF_TYPE, void("Dataset"))]
    out += [ox.Triple(ds, dct("title"), ox.Literal(t, language=code)) for code, t in TITLE.items()]
    out += [ox.Triple(ds, dct("description"), ox.Literal(t, language=code)) for code, t in DESCRIPTION.items()]
    out += [ox.Triple(ds, dct("license"), _n(LICENCE)),
            ox.Triple(ds, void("sparqlEndpoint"), _n(sparql_url(external=True))),
            ox.Triple(ds, void("uriSpace"), ox.Literal(settings.base_iri() + "id/")),
            ox.Triple(ds, void("vocabulary"), _n(settings.ontology_namespace())),
            ox.Triple(ds, _n("http://www.w3.org/2000/01/rdf-schema#seeAlso"), _n(ontology_url(external=True)))]
    if info.get("built_at"):
        out.append(ox.Triple(ds, dct("modified"), ox.Literal(str(info["built_at"]), datatype=_n(XSD + "dateTime"))))
    for d in dumps_of(snap):
        url = _n(dump_url(d["file"], external=True))
        checksum = ox.BlankNode()
        out += [ox.Triple(ds, void("dataDump"), url),
                ox.Triple(url, dct("format"), ox.Literal(d["media_type"])),
                ox.Triple(url, void("feature"), _n(FORMATS + FORMAT_IRIS[d["format"]])),
                ox.Triple(url, _n(DCAT + "mediaType"), ox.Literal(GZIP)),
                ox.Triple(url, _n(DCAT + "byteSize"), _int(d["bytes"])),
                ox.Triple(url, _n(SPDX + "checksum"), checksum),
                ox.Triple(checksum, _n(SPDX + "algorithm"), _n(SPDX + "checksumAlgorithm_sha256")),
                ox.Triple(checksum, _n(SPDX + "checksumValue"), ox.Literal(d["sha256"], datatype=_n(XSD + "hexBinary")))]
    if not stats:
        return out
    vocabularies = _vocabularies(stats)
    out += [ox.Triple(ds, void("vocabulary"), _n(ns)) for ns in vocabularies if ns != settings.ontology_namespace()]
    out += [ox.Triple(ds, void("triples"), _int(stats["triples"])),
            ox.Triple(ds, void("entities"), _int(stats["entities"])),
            ox.Triple(ds, void("classes"), _int(len(stats["classes"]))),
            ox.Triple(ds, void("properties"), _int(len(stats["properties"]))),
            ox.Triple(ds, void("distinctSubjects"), _int(stats["distinct_subjects"])),
            ox.Triple(ds, void("distinctObjects"), _int(stats["distinct_objects"]))]
    for c in stats["classes"]:
        node = ox.BlankNode()
        out += [ox.Triple(ds, void("classPartition"), node), ox.Triple(node, void("class"), _n(c["class"])),
                ox.Triple(node, void("entities"), _int(c["entities"]))]
    for p in stats["properties"]:
        node = ox.BlankNode()
        out += [ox.Triple(ds, void("propertyPartition"), node), ox.Triple(node, void("property"), _n(p["property"])),
                ox.Triple(node, void("triples"), _int(p["triples"]))]
    for i, g in enumerate(stats["graphs"]):
        subset = _subset_iri(i)
        out += [ox.Triple(ds, void("subset"), subset), ox.Triple(subset, RDF_TYPE, void("Dataset")),
                ox.Triple(subset, dct("source"), _n(g["graph"])), ox.Triple(subset, void("triples"), _int(g["triples"])),
                ox.Triple(subset, dct("license"), _n(LICENCE))]
        out += [ox.Triple(subset, dct("title"), t) for t in _graph_title(g["graph"], snap)]
    return out


def _vocabularies(stats: dict) -> list[str]:
    """The namespaces (of the known prefixes) that the data's classes and properties come from."""
    used = [c["class"] for c in stats["classes"]] + [p["property"] for p in stats["properties"]]
    return sorted({ns for ns in prefixes().values() if any(t.startswith(ns) for t in used)})


def _page(snap: Snapshot) -> str:
    lang = current_lang()
    stats = snap.info.get("statistics")
    terms: list[dict] = []
    names: dict[str, str] = {}
    if stats:
        iris = {c["class"] for c in stats["classes"]} | {p["property"] for p in stats["properties"]}
        names = snap.cached(f"void.labels.{lang}", lambda: labels(snap.store, iris, lang))
    ours = settings.ontology_namespace()

    def term(iri: str) -> dict:
        # our own terms link to their anchor on /ontology; standard terms show as prefixed names
        local = iri[len(ours):] if iri.startswith(ours) else None
        return {"name": names.get(iri) or _compact(iri), "curie": _compact(iri),
                "href": ontology_url(term=local) if local else term_href(iri)}

    subsets = []
    if stats:
        for g in stats["graphs"]:
            titles = _graph_title(g["graph"], snap, lang) or _graph_title(g["graph"], snap)
            href = {settings.ontology_graph(): ontology_url(), settings.inferred_graph(): None}.get(
                g["graph"], term_href(g["graph"]))
            subsets.append({"title": titles[0].value if titles else _compact(g["graph"]),
                            "href": href, "triples": g["triples"]})
        terms = [{**term(c["class"]), "count": c["entities"]} for c in stats["classes"]]
    properties = [{**term(p["property"]), "count": p["triples"]} for p in (stats or {}).get("properties", [])]
    dumps = [{**d, "url": dump_url(d["file"]), "format_name": FORMAT_TITLES[d["format"]]} for d in dumps_of(snap)]
    return render_template("void.html", t=pick(STRINGS), title=TITLE[lang], description=DESCRIPTION[lang],
                           stats=stats, info=snap.info, dumps=dumps, subsets=subsets, classes=terms,
                           properties=properties, licence={"url": LICENCE, "name": LICENCE_NAME},
                           rdf_links=[(RDF_FORMATS[f][0], void_url(f)) for f in RDF_FORMATS],
                           uri_space=settings.base_iri() + "id/")
