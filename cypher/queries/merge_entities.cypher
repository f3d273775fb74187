// Entities of one job: MERGE by deterministic id, keep every alias (and the name this job used,
// when it matched an existing entity through an alias), link the citing messages.
UNWIND $entities AS e
MERGE (n:Entity {id: e.id})
  ON CREATE SET n.name = e.name, n.normalized_name = e.normalized_name, n.type = e.type,
                n.aliases = e.aliases, n.created_at = datetime(), n.first_source_id = $source_id
  ON MATCH SET n.aliases = reduce(acc = coalesce(n.aliases, []), a IN e.aliases + [e.name] |
                 CASE WHEN a IN acc OR a = n.name THEN acc ELSE acc + a END)
SET n.updated_at = datetime()
SET n:$(e.label)
WITH n, e
UNWIND e.message_ids AS mid
MATCH (m:Message {id: mid})
MERGE (n)-[:MENTIONED_IN]->(m)
