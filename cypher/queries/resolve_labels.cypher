// Map normalised raw labels to canonical ones, creating a canonical label for each new one.
UNWIND $labels AS l
MERGE (s:SchemaLabel {id: l.id})
  ON CREATE SET s.kind = $kind, s.label = l.label, s.status = 'canonical', s.usage = 0,
                s.created_at = datetime()
WITH l, s
OPTIONAL MATCH (s)-[:CANONICAL]->(c:SchemaLabel)
RETURN l.label AS label, coalesce(c.label, s.label) AS canonical
