// Two entities a job could not tell apart, or would not join on a name alone: one PossibleMatch
// per pair (its id from the two ids, sorted), linked to both. A later job updates the score and
// reason. Entities merged since resolve are followed to their survivors.
UNWIND $pairs AS p
MATCH (a0:Entity {id: p.a})
MATCH (b0:Entity {id: p.b})
OPTIONAL MATCH (a0)-[:MERGED_INTO]->(sa:Entity)
OPTIONAL MATCH (b0)-[:MERGED_INTO]->(sb:Entity)
WITH p, coalesce(sa, a0) AS a, coalesce(sb, b0) AS b
WHERE a <> b
MERGE (x:PossibleMatch {id: p.id})
  ON CREATE SET x.created_at = datetime()
SET x.score = p.score, x.rule = p.rule, x.reason = p.reason, x.job_id = $job_id,
    x.source_id = $source_id, x.updated_at = datetime()
MERGE (x)-[:POSSIBLY_SAME]->(a)
MERGE (x)-[:POSSIBLY_SAME]->(b)
