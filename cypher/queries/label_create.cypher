// Propose a label: canonical when nothing matched ($target null), else an alias of $target.
// MERGE on the deterministic id, so two jobs proposing the same label at once make one node;
// the loser of that race finds the winner's node and takes its mapping.
// The target is followed to its canonical label in case a person aliased it meanwhile.
// single_valued (app.graph.registry.SINGLE_VALUED): by name, or inherited from the canonical
// label an alias maps onto.
OPTIONAL MATCH (m:SchemaLabel {id: $target})
OPTIONAL MATCH (m)-[:CANONICAL]->(mc:SchemaLabel)
WITH coalesce(mc, m) AS t
MERGE (s:SchemaLabel {id: $id})
  ON CREATE SET s.kind = $kind, s.label = $label, s.lemma = $lemma, s.embedding = $embedding,
                s.matched_by = $matched_by, s.score = $score, s.created_at = datetime(),
                s.status = CASE WHEN t IS NULL THEN 'canonical' ELSE 'alias' END,
                s.single_valued = $single_valued OR coalesce(t.single_valued, false)
WITH s, t
FOREACH (_ IN CASE WHEN t IS NOT NULL AND s.status = 'alias'
                        AND NOT EXISTS { (s)-[:CANONICAL]->() } THEN [1] ELSE [] END |
  MERGE (s)-[:CANONICAL]->(t))
WITH s
OPTIONAL MATCH (s)-[:CANONICAL]->(c:SchemaLabel)
RETURN coalesce(c.label, s.label) AS canonical, s.matched_by AS matched_by, s.score AS score
