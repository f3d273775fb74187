// Exact step of stabilisation: the canonical label of each label already in the registry,
// found by its deterministic id (the uniqueness constraint's index).
UNWIND $ids AS id
MATCH (s:SchemaLabel {id: id})
OPTIONAL MATCH (s)-[:CANONICAL]->(c:SchemaLabel)
RETURN s.label AS label, coalesce(c.label, s.label) AS canonical
