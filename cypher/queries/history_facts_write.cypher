// One chain of facts: each links to its next newer value only, and carries the derived valid_to
// (valid_to_source 'superseded') or none; a stated valid_to stays (app.graph.history).
UNWIND $rows AS row
MATCH (x:Fact {id: row.id})
CALL (x, row) {
  MATCH (x)-[old:SUPERSEDED_BY]->(n:Fact)
  WHERE row.next IS NULL OR n.id <> row.next
  DELETE old
}
CALL (x, row) {
  WITH x, row WHERE row.next IS NOT NULL
  MATCH (n:Fact {id: row.next})
  MERGE (x)-[:SUPERSEDED_BY]->(n)
}
WITH x, row, x.valid_to_source = 'superseded' AS derived
SET x.valid_to = CASE WHEN row.derive THEN row.valid_to WHEN derived THEN null
                      ELSE x.valid_to END,
    x.valid_to_source = CASE WHEN row.derive THEN 'superseded' WHEN derived THEN null
                             ELSE x.valid_to_source END
