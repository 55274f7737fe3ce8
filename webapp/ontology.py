"""``/ontology``: the ontology's documentation for people, and the ontology itself for machines.

Every term ``{base}ontology#X`` resolves here: the page has an anchor ``#X`` for each class, property
and individual, with its label, definition, place in the hierarchy and alignments to the standard
vocabularies, in the page's language. The relations between classes (the picture in docs/ontology.md)
are a table, and the SHACL shapes are listed with what each checks and its message.

The documentation reads the ontology graph of the live build (what the store and /sparql hold) and the
packaged shapes; ``Accept`` (or a ``.ttl`` ``.nt`` ``.jsonld`` ``.rdf`` suffix) gives the ontology graph
as RDF instead. Both are computed once per build.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import rdflib
from flask import Blueprint, Response, render_template
from rdflib import RDF, RDFS, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, SH, SKOS

from graph import resources, settings
from graph import terms as ox
from graph.load import Packaged, parse_file
from graph.namespaces import prefixes, rdflib_graph, to_rdflib
from webapp import snapshot
from webapp.collation import vi_key
from webapp.conneg import HTML, RDF_FORMATS, choose
from webapp.entity import compact
from webapp.errors import Refused
from webapp.i18n import current_lang, pick
from webapp.storeholder import Snapshot
from webapp.urls import SUFFIXES, browse_url, ontology_url, term_href

bp = Blueprint("ontology", __name__)

OFFERED = [HTML, "turtle", "ntriples", "jsonld", "rdfxml"]
PROPERTY_KINDS = {OWL.ObjectProperty: "object", OWL.DatatypeProperty: "datatype",
                  OWL.AnnotationProperty: "annotation", RDF.Property: "property"}
# SHACL placeholders ({?var}, {$this}) name query variables in English: a reader sees an ellipsis.
_PLACEHOLDER = re.compile(r"\{[?$][A-Za-z_][A-Za-z0-9_]*\}")

STRINGS = {
    "vi": {"title": "Bản thể học", "version": "Phiên bản", "licence": "Giấy phép", "formats": "Tải về",
           "contents": "Mục lục", "hierarchy": "Cây lớp", "classes": "Lớp", "properties": "Thuộc tính",
           "individuals": "Cá thể", "relations": "Sơ đồ quan hệ giữa các lớp", "shapes": "Ràng buộc SHACL",
           "vocabularies": "Bảng phân loại", "document_types": "Loại văn bản", "levels": "Cấp",
           "subclass_of": "Lớp cha", "subclasses": "Lớp con", "alignment": "Tương ứng chuẩn",
           "equivalent": "tương đương", "domain": "Miền", "range": "Miền giá trị",
           "subproperty_of": "Thuộc tính cha", "inverse_of": "Ngược với", "kind": "Loại",
           "one_value": "Mỗi thực thể chỉ có một giá trị (nguồn nêu khác nhau là mâu thuẫn)",
           "object": "thuộc tính quan hệ", "datatype": "thuộc tính dữ liệu", "annotation": "thuộc tính chú thích",
           "property": "thuộc tính", "class": "lớp", "individual": "cá thể", "type": "Thuộc lớp",
           "from": "Lớp", "via": "Thuộc tính", "to": "Tới lớp",
           "relations_note": "Mỗi dòng là một thuộc tính quan hệ, từ miền tới miền giá trị của nó; "
                             "cây lớp ở trên cho quan hệ lớp cha – lớp con.",
           "shape": "Ràng buộc", "targets": "Áp dụng cho", "scope": "Phạm vi", "severity": "Mức",
           "violation": "vi phạm", "warning": "cảnh báo", "checks": "Kiểm tra", "message": "Thông báo",
           "subjects_of": "chủ thể của",
           "shapes_note": "Mỗi ràng buộc được kiểm tra khi dựng đồ thị; vi phạm làm bản dựng thất bại, "
                          "cảnh báo được in ra. Dấu … là chỗ thông báo điền giá trị cụ thể.",
           "exactly": "đúng {n} giá trị", "at_least": "ít nhất {n} giá trị", "at_most": "nhiều nhất {n} giá trị",
           "datatype_is": "kiểu {x}", "class_is": "là {x}", "iri": "là một IRI", "pattern": "khớp mẫu",
           "min": "≥ {n}", "langs": "ngôn ngữ {x}", "unique_lang": "mỗi ngôn ngữ một giá trị",
           "whole": "cả thực thể", "query": "truy vấn SPARQL"},
    "en": {"title": "Ontology", "version": "Version", "licence": "Licence", "formats": "Download",
           "contents": "Contents", "hierarchy": "Class hierarchy", "classes": "Classes", "properties": "Properties",
           "individuals": "Individuals", "relations": "Relations between classes", "shapes": "SHACL shapes",
           "vocabularies": "Vocabularies", "document_types": "Document types", "levels": "Levels",
           "subclass_of": "Subclass of", "subclasses": "Subclasses", "alignment": "Standard terms",
           "equivalent": "equivalent", "domain": "Domain", "range": "Range",
           "subproperty_of": "Subproperty of", "inverse_of": "Inverse of", "kind": "Kind",
           "one_value": "Each thing has one value (sources that differ are a conflict)",
           "object": "object property", "datatype": "datatype property", "annotation": "annotation property",
           "property": "property", "class": "class", "individual": "individual", "type": "Instance of",
           "from": "Class", "via": "Property", "to": "To class",
           "relations_note": "Each row is an object property, from its domain to its range; the class "
                             "hierarchy above gives the subclass relations.",
           "shape": "Shape", "targets": "Applies to", "scope": "Scope", "severity": "Severity",
           "violation": "violation", "warning": "warning", "checks": "Checks", "message": "Message",
           "subjects_of": "subjects of",
           "shapes_note": "Every shape is checked when the graph is built; a violation fails the build, "
                          "a warning is printed. An ellipsis … is where the message gives the actual values.",
           "exactly": "exactly {n} value(s)", "at_least": "at least {n} value(s)", "at_most": "at most {n} value(s)",
           "datatype_is": "of type {x}", "class_is": "a {x}", "iri": "an IRI", "pattern": "matches the pattern",
           "min": "≥ {n}", "langs": "languages {x}", "unique_lang": "one value per language",
           "whole": "the whole thing", "query": "SPARQL query"},
}


_XSD = "http://www.w3.org/2001/XMLSchema#"
# the datatypes the shapes require, in words (a reader of the shapes needs the kind of value, not its IRI)
DATATYPE_NAMES = {
    _XSD + "date": {"vi": "ngày (năm-tháng-ngày)", "en": "calendar date"},
    _XSD + "dateTime": {"vi": "thời điểm", "en": "date and time"},
    _XSD + "gYear": {"vi": "năm", "en": "year"},
    _XSD + "integer": {"vi": "số nguyên", "en": "integer"},
    _XSD + "decimal": {"vi": "số thập phân", "en": "decimal number"},
    _XSD + "boolean": {"vi": "đúng/sai", "en": "true/false"},
    _XSD + "string": {"vi": "chuỗi ký tự", "en": "text"},
    _XSD + "anyURI": {"vi": "địa chỉ web", "en": "web address"},
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString": {"vi": "văn bản có ghi ngôn ngữ",
                                                              "en": "language-tagged text"},
}


@dataclass
class Term:
    iri: str
    local: str
    kind: str  # "class", "object", "datatype", "annotation", "property" or "individual"
    labels: dict[str, str] = field(default_factory=dict)
    definitions: dict[str, str] = field(default_factory=dict)
    parents: list[str] = field(default_factory=list)  # subClassOf / subPropertyOf
    equivalents: list[str] = field(default_factory=list)
    inverses: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    ranges: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    one_value: bool = False


def _by_lang(graph: rdflib.Graph, s: URIRef, p: URIRef) -> dict[str, str]:
    out: dict[str, str] = {}
    for o in graph.objects(s, p):
        if isinstance(o, rdflib.Literal):
            out.setdefault(o.language or "", str(o))
    return out


def _iris(graph: rdflib.Graph, s: URIRef, p: URIRef) -> list[str]:
    return sorted(str(o) for o in graph.objects(s, p) if isinstance(o, URIRef))


def _model(snap: Snapshot) -> dict:
    """The ontology graph of the build as terms, plus its header and the parsed shapes."""
    graph = rdflib_graph(snap.store, [settings.ontology_graph()])
    ns = settings.ontology_namespace()
    dv = rdflib.Namespace(ns)
    terms: dict[str, Term] = {}
    for s, _, t in graph.triples((None, RDF.type, None)):
        if not (isinstance(s, URIRef) and str(s).startswith(ns)):
            continue
        if t == OWL.Class:
            kind = "class"
        elif t in PROPERTY_KINDS:
            kind = PROPERTY_KINDS[t]
        else:
            kind = "individual"
        known = terms.get(str(s))
        if known is not None and known.kind != "individual":
            continue  # a class or property also typed otherwise stays what it is
        terms[str(s)] = Term(str(s), str(s)[len(ns):], kind)
    for term in terms.values():
        s = URIRef(term.iri)
        term.labels = _by_lang(graph, s, RDFS.label)
        term.definitions = _by_lang(graph, s, SKOS.definition)
        parent = RDFS.subClassOf if term.kind == "class" else RDFS.subPropertyOf
        term.parents = _iris(graph, s, parent)
        term.equivalents = _iris(graph, s, OWL.equivalentClass) + _iris(graph, s, OWL.equivalentProperty)
        term.inverses = sorted(set(_iris(graph, s, OWL.inverseOf)) | {str(x) for x in graph.subjects(OWL.inverseOf, s)
                                                                     if isinstance(x, URIRef)})
        term.domains = _iris(graph, s, RDFS.domain)
        term.ranges = _iris(graph, s, RDFS.range)
        if term.kind == "individual":
            term.types = [t for t in _iris(graph, s, RDF.type) if t != str(OWL.NamedIndividual)]
        term.one_value = any(bool(o.toPython()) for o in graph.objects(s, dv.expectsOneValue)
                             if isinstance(o, rdflib.Literal))
    onto = URIRef(settings.base_iri() + "ontology")
    header = {"labels": _by_lang(graph, onto, RDFS.label), "definitions": _by_lang(graph, onto, SKOS.definition),
              "version": str(graph.value(onto, OWL.versionInfo) or "")}
    return {"terms": terms, "header": header, "shapes": _shapes()}


def _shapes() -> rdflib.Graph:
    shapes = rdflib.Graph()
    for t in parse_file(Packaged(resources.shapes_file(), "ontology")):
        shapes.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return shapes


class View:
    """The model seen in one language: names, links and sentences for the template."""

    def __init__(self, model: dict, lang: str):
        self.model, self.lang, self.t = model, lang, STRINGS[lang]
        self.terms: dict[str, Term] = model["terms"]
        self.ns = settings.ontology_namespace()

    def text(self, values: dict[str, str]) -> str:
        other = "en" if self.lang == "vi" else "vi"
        return values.get(self.lang) or values.get("") or values.get(other) or ""

    def ref(self, iri: str) -> dict:
        """A link to a term: ours by its label to its anchor, a standard one by its prefixed name."""
        term = self.terms.get(iri)
        if term is not None:
            return {"name": self.text(term.labels) or term.local, "href": "#" + term.local, "ours": True}
        return {"name": compact(iri), "href": term_href(iri), "ours": False}

    def _ours(self, iris: list[str]) -> list[dict]:
        return [self.ref(i) for i in iris if i in self.terms]

    def _standard(self, iris: list[str]) -> list[dict]:
        return [self.ref(i) for i in iris if i not in self.terms]

    def entry(self, term: Term, children: dict[str, list[str]]) -> dict:
        return {
            "anchor": term.local, "curie": compact(term.iri), "kind": self.t[term.kind],
            "label": self.text(term.labels) or term.local, "definition": self.text(term.definitions),
            "parents": self._ours(term.parents), "children": self._ours(children.get(term.iri, [])),
            "alignment": self._standard(term.parents) + [dict(r, name=f"{r['name']} ({self.t['equivalent']})")
                                                         for r in map(self.ref, term.equivalents)],
            "inverses": [self.ref(i) for i in term.inverses], "domains": [self.ref(i) for i in term.domains],
            "ranges": [self.ref(i) for i in term.ranges], "types": [self.ref(i) for i in term.types],
            "one_value": term.one_value,
        }

    def sort_key(self, term: Term):
        return vi_key(self.text(term.labels) or term.local)

    def page(self) -> dict:
        terms = sorted(self.terms.values(), key=self.sort_key)
        children: dict[str, list[str]] = defaultdict(list)
        for term in terms:
            for parent in term.parents:
                if parent in self.terms:
                    children[parent].append(term.iri)
        classes = [t for t in terms if t.kind == "class"]
        properties = [t for t in terms if t.kind in ("object", "datatype", "annotation", "property")]
        individuals = [t for t in terms if t.kind == "individual"]
        roots = [t.iri for t in classes if not any(p in self.terms for p in t.parents)]

        def tree(iri: str, seen: frozenset) -> dict:
            kids = [tree(k, seen | {iri}) for k in children.get(iri, []) if k not in seen]
            return {**self.ref(iri), "children": kids}

        edges = sorted(((d, prop, r) for prop in properties if prop.kind == "object"
                        for d in prop.domains if d in self.terms for r in prop.ranges if r in self.terms),
                       key=lambda e: (self.sort_key(self.terms[e[0]]), self.sort_key(e[1])))
        relations = [{"from": self.ref(d), "via": self.ref(prop.iri), "to": self.ref(r)} for d, prop, r in edges]
        header = self.model["header"]
        return {
            "label": self.text(header["labels"]), "definition": self.text(header["definitions"]),
            "version": header["version"], "tree": [tree(r, frozenset()) for r in roots],
            "classes": [self.entry(t, children) for t in classes],
            "properties": [self.entry(t, children) for t in properties],
            "individuals": [self.entry(t, children) for t in individuals],
            "relations": relations, "shapes": self.shapes(),
        }

    # ------------------------------------------------------------------ shapes

    def message(self, graph: rdflib.Graph, node) -> str:
        return _PLACEHOLDER.sub("…", self.text(_by_lang(graph, node, SH.message)))

    def constraints(self, graph: rdflib.Graph, node) -> list[str]:
        """What a property shape requires, in words (for shapes without a message of their own)."""
        t, out = self.t, []
        low, high = graph.value(node, SH.minCount), graph.value(node, SH.maxCount)
        if low is not None and high is not None and int(low) == int(high):
            out.append(t["exactly"].format(n=int(low)))
        else:
            if low is not None:
                out.append(t["at_least"].format(n=int(low)))
            if high is not None:
                out.append(t["at_most"].format(n=int(high)))
        if (datatype := graph.value(node, SH.datatype)) is not None:
            name = DATATYPE_NAMES.get(str(datatype), {}).get(self.lang) or self.ref(str(datatype))["name"]
            out.append(t["datatype_is"].format(x=name))
        for cls in graph.objects(node, SH["class"]):
            out.append(t["class_is"].format(x=self.ref(str(cls))["name"]))
        if graph.value(node, SH.nodeKind) == SH.IRI:
            out.append(t["iri"])
        if (low_value := graph.value(node, SH.minInclusive)) is not None:
            out.append(t["min"].format(n=low_value))
        if (langs := graph.value(node, SH.languageIn)) is not None:
            out.append(t["langs"].format(x=", ".join(str(x) for x in Collection(graph, langs))))
        if graph.value(node, SH.uniqueLang) is not None and bool(graph.value(node, SH.uniqueLang).toPython()):
            out.append(t["unique_lang"])
        return out

    def shapes(self) -> list[dict]:
        graph: rdflib.Graph = self.model["shapes"]
        out = []
        for shape in sorted(set(graph.subjects(RDF.type, SH.NodeShape)), key=str):
            scope = graph.value(shape, URIRef(self.ns + "validationScope"))
            warning = graph.value(shape, SH.severity) == SH.Warning
            targets = [self.ref(str(c)) for c in graph.objects(shape, SH.targetClass)]
            targets += [dict(self.ref(str(p)), name=f"{self.t['subjects_of']} {self.ref(str(p))['name']}")
                        for p in graph.objects(shape, SH.targetSubjectsOf)]
            checks = []
            if (own := self.message(graph, shape)):
                checks.append({"path": None, "rules": [], "pattern": None, "message": own})
            for prop in graph.objects(shape, SH.property):
                path = graph.value(prop, SH.path)
                checks.append({"path": self.ref(str(path)) if isinstance(path, URIRef) else None,
                               "rules": self.constraints(graph, prop),
                               "pattern": str(graph.value(prop, SH.pattern) or "") or None,
                               "message": self.message(graph, prop)})
            for sparql in graph.objects(shape, SH.sparql):
                checks.append({"path": None, "rules": [self.t["query"]], "pattern": None,
                               "message": self.message(graph, sparql)})
            out.append({"anchor": "shape-" + str(shape).rsplit("#", 1)[-1], "each_source": scope == URIRef(
                            self.ns + "EachSource"),
                        "name": str(shape).rsplit("#", 1)[-1], "targets": targets,
                        "scope": self.ref(str(scope)) if scope is not None else None,
                        "severity": self.t["warning" if warning else "violation"], "checks": checks})
        out.sort(key=lambda s: not s["each_source"])  # per-source checks first, as the build runs them
        return out


@bp.get("/ontology")
def document():
    return _respond(choose(OFFERED, default=HTML))


@bp.get("/ontology.<ext>")
def document_as(ext: str):
    if ext not in SUFFIXES:
        raise Refused(404, f"The ontology is served as /ontology.{', /ontology.'.join(SUFFIXES)}, not .{ext}.")
    return _respond(SUFFIXES[ext])


def _respond(fmt: str | None) -> Response:
    if fmt not in OFFERED:
        raise Refused(406 if fmt else 400, f"The ontology is available as {', '.join(OFFERED)}, not {fmt!r}.")
    snap = snapshot()
    if fmt == HTML:
        lang = current_lang()
        model = snap.cached("ontology.model", lambda: _model(snap))
        page = snap.cached(f"ontology.page.{lang}", lambda: View(model, lang).page())
        body = render_template("ontology.html", o=page, t=pick(STRINGS), browse_url=browse_url,
                               rdf_links=[(RDF_FORMATS[f][0], ontology_url(f)) for f in RDF_FORMATS])
        response = Response(body, mimetype="text/html")
        response.headers["Link"] = ", ".join(
            f'<{ontology_url(name)}>; rel="alternate"; type="{RDF_FORMATS[name][0]}"' for name in RDF_FORMATS)
    else:
        media, rdf_format = RDF_FORMATS[fmt]
        graph = ox.NamedNode(settings.ontology_graph())
        triples = [q.triple for q in snap.store.quads_for_pattern(None, None, None, graph)]
        response = Response(ox.serialize(triples, format=rdf_format, prefixes=prefixes()), mimetype=media)
    response.headers["Vary"] = "Accept"
    return response
