// Load exported relations: MERGE by id between their two entities, typed by the (checked) type.
// A relation with a missing end is skipped (the importer reports how many).
// Ends that were merged away land on their survivors; a relation the graph already has, by id
// on its source, is kept as it is.
UNWIND $rows AS row
MATCH (a0:Entity {id: row.source_id})
MATCH (b0:Entity {id: row.target_id})
OPTIONAL MATCH (a0)-[:MERGED_INTO]->(sa:Entity)
OPTIONAL MATCH (b0)-[:MERGED_INTO]->(sb:Entity)
WITH row, coalesce(sa, a0) AS a, coalesce(sb, b0) AS b
WHERE a <> b AND NOT EXISTS { MATCH (a)-[r]-() WHERE r.id = row.id }
CREATE (a)-[x:$(row.type) {id: row.id}]->(b)
SET x.label = row.label, x.raw_label = row.raw_label, x.confidence = row.confidence,
    x.evidence = row.evidence, x.first_seen = datetime(row.first_seen),
    x.last_seen = datetime(row.last_seen), x.job_id = row.job_id, x.extractor = row.extractor,
    x.valid_from = row.valid_from, x.valid_to = row.valid_to,
    x.valid_to_source = row.valid_to_source, x.event_date = row.event_date,
    x.first_said = datetime(row.first_said), x.last_said = datetime(row.last_said),
    x.superseded_by = row.superseded_by, x.supersedes = row.supersedes
RETURN count(x) AS written
