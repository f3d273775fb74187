// Load exported entities: MERGE by id, the type label (computed and checked by the importer)
// beside :Entity, and MENTIONED_IN links to the messages that exist.
// An entity the graph already has is kept as it is (an import never overwrites; a merged one
// stays merged), and its mentions go to its survivor.
UNWIND $rows AS row
MERGE (m0:Entity {id: row.id})
  ON CREATE SET m0.type = row.type, m0.name = row.name, m0.normalized_name = row.normalized_name,
                m0.aliases = row.aliases, m0.summary = row.summary,
                m0.created_at = coalesce(datetime(row.created_at), datetime()),
                m0.updated_at = coalesce(datetime(row.updated_at), datetime()),
                m0.first_source_id = row.first_source_id, m0:$(row.label)
WITH m0, row
OPTIONAL MATCH (m0)-[:MERGED_INTO]->(s:Entity)
WITH coalesce(s, m0) AS n, row
CALL (n, row) {
  UNWIND row.message_ids AS mid
  MATCH (m:Message {id: mid})
  MERGE (n)-[:MENTIONED_IN]->(m)
}
RETURN count(n) AS written
