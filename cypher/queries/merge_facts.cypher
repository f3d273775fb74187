// Facts of one job: (:Entity)-[:HAS_FACT]->(:Fact)-[:FROM]->(:Message), MERGE by deterministic id.
// A merged entity's facts go to its survivor (see merge_entities.cypher).
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
WITH x, f, e
// A fact first written before a merge stays where the merge (or its undo) put it.
CALL (x, e) {
  WITH x, e WHERE NOT ()-[:HAS_FACT]->(x)
  MERGE (e)-[:HAS_FACT]->(x)
}
WITH x, f
UNWIND f.message_ids AS mid
MATCH (m:Message {id: mid})
MERGE (x)-[:FROM]->(m)
