// Entities of one job: MERGE by id. An id that was merged away since resolve (a user merge
// racing this write) lands on its survivor, so nothing is written to a merged entity.
// Every name this job used that the entity does not carry yet becomes an alias.
UNWIND $entities AS e
MERGE (m:Entity {id: e.id})
  ON CREATE SET m.name = e.name, m.normalized_name = e.normalized_name, m.type = e.type,
                m.aliases = [], m.created_at = datetime(), m.first_source_id = $source_id,
                m:$(e.label)
WITH m, e
OPTIONAL MATCH (m)-[:MERGED_INTO]->(s:Entity)
WITH coalesce(s, m) AS n, e
SET n.aliases = reduce(acc = coalesce(n.aliases, []), a IN e.aliases + [e.name] |
      CASE WHEN a IN acc OR a = n.name THEN acc ELSE acc + a END),
    n.updated_at = datetime()
WITH n, e
UNWIND e.message_ids AS mid
MATCH (msg:Message {id: mid})
MERGE (n)-[:MENTIONED_IN]->(msg)
