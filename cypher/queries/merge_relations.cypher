// Relations of one job: native relationships typed by their canonical label, evidence unioned.
// Ends that were merged away land on their survivors; a relation that would join an entity to
// itself is dropped (it only arises from a merge, which keeps such relations in its record).
// Time works as for facts (merge_facts.cypher): earliest valid_from and event_date, latest
// valid_to (a stated one beats a derived one), first_said / last_said over the cited messages.
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
SET x.last_seen = datetime(),
    x.valid_from = CASE WHEN x.valid_from IS NULL OR r.valid_from < x.valid_from
                        THEN coalesce(r.valid_from, x.valid_from) ELSE x.valid_from END,
    x.event_date = CASE WHEN x.event_date IS NULL OR r.event_date < x.event_date
                        THEN coalesce(r.event_date, x.event_date) ELSE x.event_date END
WITH x, r,
     r.valid_to IS NOT NULL AND (x.valid_to IS NULL OR x.valid_to_source = 'superseded'
       OR left(r.valid_to + '-99-99', 10) > left(x.valid_to + '-99-99', 10)) AS stated_end
SET x.valid_to = CASE WHEN stated_end THEN r.valid_to ELSE x.valid_to END,
    x.valid_to_source = CASE WHEN stated_end THEN 'text' ELSE x.valid_to_source END
WITH x, r
CALL (x, r) {
  UNWIND r.message_ids AS mid
  MATCH (m:Message {id: mid})
  RETURN min(m.timestamp) AS first, max(m.timestamp) AS last
}
SET x.first_said = CASE WHEN x.first_said IS NULL OR first < x.first_said
                        THEN coalesce(first, x.first_said) ELSE x.first_said END,
    x.last_said = CASE WHEN x.last_said IS NULL OR last > x.last_said
                       THEN coalesce(last, x.last_said) ELSE x.last_said END
