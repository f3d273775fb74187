// History links of imported facts (ADR 0017): each names the newer value that superseded it.
// A link whose facts are missing is skipped, and a fact keeps at most one newer value.
UNWIND $rows AS row
MATCH (x:Fact {id: row.id})
MATCH (n:Fact {id: row.next})
WHERE NOT EXISTS { (x)-[:SUPERSEDED_BY]->(:Fact) }
MERGE (x)-[:SUPERSEDED_BY]->(n)
