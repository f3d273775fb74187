// Load exported relations: MERGE by id between their two entities, typed by the (checked) type.
// A relation with a missing end is skipped (the importer reports how many).
UNWIND $rows AS row
MATCH (a:Entity {id: row.source_id})
MATCH (b:Entity {id: row.target_id})
MERGE (a)-[x:$(row.type) {id: row.id}]->(b)
SET x.label = row.label, x.raw_label = row.raw_label, x.confidence = row.confidence,
    x.evidence = row.evidence, x.first_seen = datetime(row.first_seen),
    x.last_seen = datetime(row.last_seen), x.job_id = row.job_id, x.extractor = row.extractor
RETURN count(x) AS written
