// Facts of one job: (:Entity)-[:HAS_FACT]->(:Fact)-[:FROM]->(:Message), MERGE by deterministic id.
// A merged entity's facts go to its survivor (see merge_entities.cypher).
// Time (app.domain.dates): the earliest valid_from and event_date and the latest valid_to are
// kept; a date the text gives beats none, and beats a valid_to that history derived
// (valid_to_source 'superseded', app.graph.history). Partial dates compare as strings for their
// starts; left(d + '-99-99', 10) orders their ends. first_said / last_said span the timestamps
// of every message the fact cites, whichever job cited them.
UNWIND $facts AS f
MATCH (m:Entity {id: f.entity_id})
OPTIONAL MATCH (m)-[:MERGED_INTO]->(s:Entity)
WITH f, coalesce(s, m) AS e
MERGE (x:Fact {id: f.id})
  ON CREATE SET x.field = f.field, x.raw_field = f.raw_field, x.value = f.value,
                x.confidence = f.confidence, x.created_at = datetime(), x.job_id = $job_id,
                x.extractor = $extractor, x.entity_id = e.id
  ON MATCH SET x.confidence = CASE WHEN f.confidence > x.confidence THEN f.confidence
                                   ELSE x.confidence END
SET x.valid_from = CASE WHEN x.valid_from IS NULL OR f.valid_from < x.valid_from
                        THEN coalesce(f.valid_from, x.valid_from) ELSE x.valid_from END,
    x.event_date = CASE WHEN x.event_date IS NULL OR f.event_date < x.event_date
                        THEN coalesce(f.event_date, x.event_date) ELSE x.event_date END
WITH x, f, e,
     f.valid_to IS NOT NULL AND (x.valid_to IS NULL OR x.valid_to_source = 'superseded'
       OR left(f.valid_to + '-99-99', 10) > left(x.valid_to + '-99-99', 10)) AS stated_end
SET x.valid_to = CASE WHEN stated_end THEN f.valid_to ELSE x.valid_to END,
    x.valid_to_source = CASE WHEN stated_end THEN 'text' ELSE x.valid_to_source END
WITH x, f, e
// A fact first written before a merge stays where the merge (or its undo) put it.
CALL (x, e) {
  WITH x, e WHERE NOT ()-[:HAS_FACT]->(x)
  MERGE (e)-[:HAS_FACT]->(x)
}
WITH x, f
CALL (x, f) {
  UNWIND f.message_ids AS mid
  MATCH (m:Message {id: mid})
  MERGE (x)-[:FROM]->(m)
  RETURN min(m.timestamp) AS first, max(m.timestamp) AS last
}
SET x.first_said = CASE WHEN x.first_said IS NULL OR first < x.first_said
                        THEN coalesce(first, x.first_said) ELSE x.first_said END,
    x.last_said = CASE WHEN x.last_said IS NULL OR last > x.last_said
                       THEN coalesce(last, x.last_said) ELSE x.last_said END
