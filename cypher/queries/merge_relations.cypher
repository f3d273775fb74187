// Relations of one job: native relationships typed by their canonical label, evidence unioned.
UNWIND $relations AS r
MATCH (a:Entity {id: r.source_id})
MATCH (b:Entity {id: r.target_id})
MERGE (a)-[x:$(r.type) {id: r.id}]->(b)
  ON CREATE SET x.raw_label = r.raw_label, x.label = r.label, x.confidence = r.confidence,
                x.evidence = r.message_ids, x.first_seen = datetime(), x.job_id = $job_id,
                x.extractor = $extractor
  ON MATCH SET x.evidence = x.evidence + [i IN r.message_ids WHERE NOT i IN x.evidence],
               x.confidence = CASE WHEN r.confidence > x.confidence THEN r.confidence
                                   ELSE x.confidence END
SET x.last_seen = datetime()
