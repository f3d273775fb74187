// Load exported facts: MERGE by id under their entity, FROM links to the messages that exist.
// A fact whose entity is missing is skipped (the importer reports how many).
// A fact the graph already has stays where it is (a merge may have moved it). SUPERSEDED_BY
// links are made once every fact is loaded (import_fact_links.cypher).
UNWIND $rows AS row
MATCH (e0:Entity {id: row.entity_id})
OPTIONAL MATCH (e0)-[:MERGED_INTO]->(s:Entity)
WITH row, coalesce(s, e0) AS e
MERGE (x:Fact {id: row.id})
  ON CREATE SET x.field = row.field, x.raw_field = row.raw_field, x.value = row.value,
                x.confidence = row.confidence, x.entity_id = e.id, x.job_id = row.job_id,
                x.extractor = row.extractor,
                x.created_at = coalesce(datetime(row.created_at), datetime()),
                x.valid_from = row.valid_from, x.valid_to = row.valid_to,
                x.valid_to_source = row.valid_to_source, x.event_date = row.event_date,
                x.first_said = datetime(row.first_said), x.last_said = datetime(row.last_said)
WITH x, e, row
CALL (x, e) {
  WITH x, e WHERE NOT ()-[:HAS_FACT]->(x)
  MERGE (e)-[:HAS_FACT]->(x)
}
WITH x, row
CALL (x, row) {
  UNWIND row.message_ids AS mid
  MATCH (m:Message {id: mid})
  MERGE (x)-[:FROM]->(m)
}
RETURN count(x) AS written
