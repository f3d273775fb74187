// Lemma step: the canonical label behind the oldest label of this kind with the same lemma,
// through the (kind, lemma) range index.
MATCH (s:SchemaLabel {kind: $kind, lemma: $lemma})
OPTIONAL MATCH (s)-[:CANONICAL]->(c:SchemaLabel)
WITH coalesce(c, s) AS target
RETURN target.id AS id, target.label AS label
ORDER BY target.created_at, target.id
LIMIT 1
