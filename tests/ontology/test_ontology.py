"""The ontology parses, stays inside the OWL 2 RL subset the build reasons with, and documents every term."""

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from graph import resources

DV = rdflib.Namespace("https://w3id.org/danvan/ontology#")

# Axioms the rule-based fast path implements (all inside OWL 2 RL). Anything else from the OWL
# vocabulary, e.g. FunctionalProperty, sameAs, restrictions, would silently escape the fast path.
ALLOWED_OWL = {
    OWL.Ontology, OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
    OWL.NamedIndividual, OWL.inverseOf, OWL.equivalentClass, OWL.equivalentProperty,
    OWL.SymmetricProperty, OWL.TransitiveProperty, OWL.versionInfo, OWL.versionIRI, OWL.imports,
}

MISSING_DOCS = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?term ?missing WHERE {
  VALUES ?kind { owl:Class owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty rdf:Property }
  ?term a ?kind .
  FILTER STRSTARTS(STR(?term), "https://w3id.org/danvan/ontology#")
  VALUES ?missing { "rdfs:label@vi" "rdfs:label@en" "skos:definition" }
  FILTER (
    (?missing = "rdfs:label@vi" && NOT EXISTS { ?term rdfs:label ?vi . FILTER (LANG(?vi) = "vi") })
    || (?missing = "rdfs:label@en" && NOT EXISTS { ?term rdfs:label ?en . FILTER (LANG(?en) = "en") })
    || (?missing = "skos:definition" && NOT EXISTS { ?term skos:definition ?d })
  )
}
"""


def ontology() -> rdflib.Graph:
    g = rdflib.Graph()
    for path in resources.ontology_files():
        g.parse(data=path.read_text(encoding="utf-8"), format="turtle")
    return g


def missing_docs(g: rdflib.Graph) -> set[tuple[str, str]]:
    return {(str(r.term), str(r.missing)) for r in g.query(MISSING_DOCS)}


def test_ontology_declares_itself_with_a_version():
    g = ontology()
    onto = rdflib.URIRef("https://w3id.org/danvan/ontology")
    assert (onto, RDF.type, OWL.Ontology) in g
    assert g.value(onto, OWL.versionInfo) is not None


def test_only_owl_rl_constructs_the_fast_path_implements():
    g = ontology()
    used = {t for t in g.predicates() if str(t).startswith(str(OWL))}
    used |= {o for o in g.objects(None, RDF.type) if str(o).startswith(str(OWL))}
    assert used <= ALLOWED_OWL, used - ALLOWED_OWL
    assert not list(g.subjects(RDF.type, OWL.Restriction))
    # class expressions must be named: no blank nodes as superclasses or property ranges
    assert not [o for o in g.objects(None, RDFS.subClassOf) if isinstance(o, rdflib.BNode)]
    assert not [o for o in g.objects(None, RDFS.range) if isinstance(o, rdflib.BNode)]


def test_every_term_has_both_labels_and_a_definition():
    g = ontology()
    assert len(set(g.subjects(RDF.type, OWL.Class))) > 30
    assert missing_docs(g) == set()


def test_the_documentation_check_catches_a_missing_label():
    g = ontology()
    g.remove((DV.Post, RDFS.label, rdflib.Literal("chức vụ", lang="vi")))
    g.remove((DV.issuedBy, SKOS.definition, None))
    assert missing_docs(g) == {(str(DV.Post), "rdfs:label@vi"), (str(DV.issuedBy), "skos:definition")}


def test_document_types_and_levels_have_notations_and_both_labels():
    g = ontology()
    for cls, expected in ((DV.DocumentType, {"QĐ", "QĐi", "CT", "NQ", "KL", "KH", "HD", "ĐA", "QC", "CTr", "CTrHĐ", "TB"}),
                          (DV.AdministrativeLevel, {"TW", "TU", "HU", "ĐU", "CB"})):
        concepts = set(g.subjects(RDF.type, cls))
        notations = {str(g.value(c, SKOS.notation)) for c in concepts}
        assert expected <= notations
        for c in concepts:
            langs = {l.language for l in g.objects(c, SKOS.prefLabel)}
            assert {"vi", "en"} <= langs, c
            assert g.value(c, SKOS.definition) is not None, c


def test_standard_alignments_of_the_design_are_declared():
    g = ontology()
    eli = rdflib.Namespace("http://data.europa.eu/eli/ontology#")
    org = rdflib.Namespace("http://www.w3.org/ns/org#")
    schema = rdflib.Namespace("https://schema.org/")
    foaf = rdflib.Namespace("http://xmlns.com/foaf/0.1/")
    dct = rdflib.Namespace("http://purl.org/dc/terms/")
    expected_sub_property = [
        (DV.documentNumber, eli.id_local), (DV.title, eli.title), (DV.dateIssued, eli.date_document),
        (DV.issuedBy, eli.passed_by), (DV.documentType, eli.type_document), (DV.replaces, eli.repeals),
        (DV.replaces, dct.replaces), (DV.basedOn, eli.based_on), (DV.entryIntoForce, eli.first_date_entry_in_force),
        (DV.endOfValidity, eli.date_no_longer_in_force), (DV.subOrganizationOf, org.subOrganizationOf),
        (DV.fullName, foaf.name), (DV.holder, org.member), (DV.postIn, org.organization), (DV.role, org.role),
        (DV.startDate, schema.startDate), (DV.organizer, schema.organizer), (DV.speaker, schema.performer),
        (DV.attendee, schema.attendee), (DV.location, schema.location), (DV.headline, schema.headline),
        (DV.publisher, schema.publisher), (DV.author, schema.author), (DV.datePublished, schema.datePublished),
    ]
    for ours, theirs in expected_sub_property:
        assert (ours, RDFS.subPropertyOf, theirs) in g, (ours, theirs)
    for ours, theirs in [(DV.Document, eli.LegalResource), (DV.Organization, org.Organization),
                         (DV.Person, foaf.Person), (DV.Post, org.Membership), (DV.Event, schema.Event),
                         (DV.NewsArticleSource, schema.NewsArticle), (DV.Role, org.Role)]:
        assert (ours, RDFS.subClassOf, theirs) in g, (ours, theirs)
    for a, b in [(eli.repeals, eli.repealed_by), (dct.replaces, dct.isReplacedBy),
                 (eli.based_on, eli.basis_for), (org.subOrganizationOf, org.hasSubOrganization)]:
        assert (a, OWL.inverseOf, b) in g
