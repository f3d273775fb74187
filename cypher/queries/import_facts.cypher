// Load exported facts: MERGE by id under their entity, FROM links to the messages that exist.
// A fact whose entity is missing is skipped (the importer reports how many).
UNWIND $rows AS row
MATCH (e:Entity {id: row.entity_id})
MERGE (x:Fact {id: row.id})
SET x.field = row.field, x.raw_field = row.raw_field, x.value = row.value,
    x.confidence = row.confidence, x.entity_id = e.id, x.job_id = row.job_id,
    x.extractor = row.extractor, x.created_at = coalesce(datetime(row.created_at), datetime())
MERGE (e)-[:HAS_FACT]->(x)
WITH x, row
CALL (x, row) {
  UNWIND row.message_ids AS mid
  MATCH (m:Message {id: mid})
  MERGE (x)-[:FROM]->(m)
}
RETURN count(x) AS written
