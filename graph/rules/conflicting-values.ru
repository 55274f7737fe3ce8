# Two sources (or a source and the reasoner) give a subject different values of a property the ontology
# marks dv:expectsOneValue: the subject is marked dv:hasConflictingValuesFor that property, so that the
# conflicts named query starts from the few marked subjects instead of counting every value of every such
# property in the graph (0.7 s at 1M triples on a loaded machine).
#
# The union of the graphs is a set: COUNT(DISTINCT ?value) over every graph counts what the default graph
# holds once. The marker says nothing a one-valued property could clash with (no axioms on it), so the
# OWL rules never read it. Rule-file conventions: see repeal-ends-force.ru.
INSERT { GRAPH <inferred> { ?subject dv:hasConflictingValuesFor ?property } }
WHERE {
  {
    SELECT ?subject ?property WHERE {
      GRAPH ?axioms { ?property dv:expectsOneValue true }
      GRAPH ?g { ?subject ?property ?value }
    }
    GROUP BY ?subject ?property
    HAVING (COUNT(DISTINCT ?value) > 1)
  }
  FILTER NOT EXISTS { GRAPH ?h { ?subject dv:hasConflictingValuesFor ?property } }
}
