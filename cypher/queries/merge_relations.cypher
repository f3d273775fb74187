// Relations of one job: native relationships typed by their canonical label, evidence unioned.
// Ends that were merged away land on their survivors; a relation that would join an entity to
// itself is dropped (it only arises from a merge, which keeps such relations in its record).
UNWIND $relations AS r
MATCH (a0:Entity {id: r.source_id})
MATCH (b0:Entity {id: r.target_id})
OPTIONAL MATCH (a0)-[:MERGED_INTO]->(sa:Entity)
OPTIONAL MATCH (b0)-[:MERGED_INTO]->(sb:Entity)
WITH r, coalesce(sa, a0) AS a, coalesce(sb, b0) AS b
WHERE a <> b
MERGE (a)-[x:$(r.type) {id: r.id}]->(b)
  ON CREATE SET x.raw_label = r.raw_label, x.label = r.label, x.confidence = r.confidence,
                x.evidence = r.message_ids, x.first_seen = datetime(), x.job_id = $job_id,
                x.extractor = $extractor
  ON MATCH SET x.evidence = x.evidence + [i IN r.message_ids WHERE NOT i IN x.evidence],
               x.confidence = CASE WHEN r.confidence > x.confidence THEN r.confidence
                                   ELSE x.confidence END
SET x.last_seen = datetime()
