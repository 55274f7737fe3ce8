# A repeal ends the force of the repealed document on the day the repealing one enters into force
# (or, when that date is not known, on the day it is dated), unless some graph already states an end.
#
# Keyed on eli:repeals, which the OWL rules entail from dv:replaces and any other subproperty.
# Rule-file conventions (graph/reason.py prepends the prologue): relative IRIs resolve against
# <{base}graph/>, so <inferred> is the inferred graph; the dv: prefix is predeclared. Read every
# graph with GRAPH ?g, write only into <inferred>, and never re-derive a triple that exists.
PREFIX eli: <http://data.europa.eu/eli/ontology#>

INSERT { GRAPH <inferred> { ?old eli:date_no_longer_in_force ?end } }
WHERE {
  GRAPH ?g1 { ?new eli:repeals ?old }
  FILTER (!isLiteral(?old))
  {
    GRAPH ?g2 { ?new eli:first_date_entry_in_force ?end }
  } UNION {
    GRAPH ?g3 { ?new eli:date_document ?end }
    FILTER NOT EXISTS { GRAPH ?g4 { ?new eli:first_date_entry_in_force ?anyStart } }
  }
  FILTER NOT EXISTS { GRAPH ?g5 { ?old eli:date_no_longer_in_force ?anyEnd } }
}
