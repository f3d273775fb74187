// One keyset page of relations, as one list in one record (see export_entities.cypher).
// Neo4j has no index on a relationship property across types (docs/adr/0008), so the walk is
// anchored on active source entities in id order and sorted by (source id, relation id): the
// planner only sorts within one entity's relationships (PartialTop).
MATCH (a:Entity) WHERE a.id >= $after_source AND NOT a:Merged
WITH a ORDER BY a.id
MATCH (a)-[r]->(b:Entity)
WHERE r.id IS NOT NULL AND type(r) <> 'MERGED_INTO' AND NOT b:Merged
  AND (a.id > $after_source OR r.id > $after_id)
WITH a, r, b ORDER BY a.id, r.id LIMIT $limit
RETURN collect({
  id: r.id, type: type(r), label: r.label, raw_label: r.raw_label, source_id: a.id,
  target_id: b.id, confidence: r.confidence, evidence: coalesce(r.evidence, []),
  first_seen: r.first_seen, last_seen: r.last_seen, job_id: r.job_id, extractor: r.extractor,
  valid_from: r.valid_from, valid_to: r.valid_to, valid_to_source: r.valid_to_source,
  event_date: r.event_date, first_said: r.first_said, last_said: r.last_said,
  superseded_by: r.superseded_by, supersedes: r.supersedes
}) AS rows
