// Load exported entities: MERGE by id, the type label (computed and checked by the importer)
// beside :Entity, and MENTIONED_IN links to the messages that exist.
UNWIND $rows AS row
MERGE (n:Entity {id: row.id})
SET n.type = row.type, n.name = row.name, n.normalized_name = row.normalized_name,
    n.aliases = row.aliases, n.summary = row.summary,
    n.created_at = coalesce(datetime(row.created_at), n.created_at, datetime()),
    n.updated_at = coalesce(datetime(row.updated_at), datetime()),
    n.first_source_id = row.first_source_id
SET n:$(row.label)
WITH n, row
CALL (n, row) {
  UNWIND row.message_ids AS mid
  MATCH (m:Message {id: mid})
  MERGE (n)-[:MENTIONED_IN]->(m)
}
RETURN count(n) AS written
