// Facts of one job: (:Entity)-[:HAS_FACT]->(:Fact)-[:FROM]->(:Message), MERGE by deterministic id.
UNWIND $facts AS f
MATCH (e:Entity {id: f.entity_id})
MERGE (x:Fact {id: f.id})
  ON CREATE SET x.field = f.field, x.raw_field = f.raw_field, x.value = f.value,
                x.confidence = f.confidence, x.created_at = datetime(), x.job_id = $job_id,
                x.extractor = $extractor, x.entity_id = e.id
  ON MATCH SET x.confidence = CASE WHEN f.confidence > x.confidence THEN f.confidence
                                   ELSE x.confidence END
MERGE (e)-[:HAS_FACT]->(x)
WITH x, f
UNWIND f.message_ids AS mid
MATCH (m:Message {id: mid})
MERGE (x)-[:FROM]->(m)
