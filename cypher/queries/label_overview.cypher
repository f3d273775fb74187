// The registry: each canonical label (of one kind, or all) with its aliases and derived usage.
// Usage is counted, never stored: facts through the Fact.field index, relationships and active
// entities (only they carry the type label) from Neo4j's count store.
MATCH (s:SchemaLabel)
WHERE s.status = 'canonical' AND ($kind IS NULL OR s.kind = $kind)
CALL (s) {
  OPTIONAL MATCH (a:SchemaLabel)-[:CANONICAL]->(s)
  WITH a ORDER BY a.label
  RETURN collect(a {.label, .matched_by, .score, .created_at}) AS aliases
}
RETURN s {.kind, .label, .matched_by, .score, .created_at} AS label, aliases
ORDER BY s.kind, s.label
