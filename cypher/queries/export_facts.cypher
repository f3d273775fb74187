// One keyset page of facts in id order (fact_id index), each with its entity and cited messages,
// as one list in one record (see export_entities.cypher).
MATCH (f:Fact) WHERE f.id > $after
WITH f ORDER BY f.id LIMIT $limit
RETURN collect({
  id: f.id,
  entity_id: coalesce(head(COLLECT { MATCH (e:Entity)-[:HAS_FACT]->(f) RETURN e.id }), f.entity_id),
  field: f.field, raw_field: f.raw_field, value: f.value, confidence: f.confidence,
  message_ids: COLLECT { MATCH (f)-[:FROM]->(m:Message) RETURN m.id ORDER BY m.id },
  job_id: f.job_id, extractor: f.extractor, created_at: f.created_at,
  valid_from: f.valid_from, valid_to: f.valid_to, valid_to_source: f.valid_to_source,
  event_date: f.event_date, first_said: f.first_said, last_said: f.last_said,
  superseded_by: head(COLLECT { MATCH (f)-[:SUPERSEDED_BY]->(n:Fact) RETURN n.id })
}) AS rows
