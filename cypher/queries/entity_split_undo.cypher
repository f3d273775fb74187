// Replay split $split_id backwards: what it moved goes back from $new_entity to $entity, by id,
// relations under their old ids; then the new entity, empty again, goes. Returns how many of
// each it found, so the caller can refuse a partial undo.
MATCH (e:Entity {id: $entity})
MATCH (n:Entity {id: $new_entity})
CALL (e, n) {
  UNWIND $moves.relations AS rel
  MATCH (n)-[r]-(:Entity) WHERE r.id = rel.new_id AND type(r) <> 'MERGED_INTO'
  WITH DISTINCT e, n, rel, r
  WITH rel, r,
       CASE WHEN startNode(r) = n THEN e ELSE startNode(r) END AS a,
       CASE WHEN endNode(r) = n THEN e ELSE endNode(r) END AS b
  CREATE (a)-[back:$(type(r))]->(b)
  SET back = properties(r), back.id = rel.id
  DELETE r
  RETURN count(*) AS relations
}
CALL (e, n) {
  UNWIND $moves.fact_ids AS fid
  MATCH (n)-[h:HAS_FACT]->(f:Fact {id: fid})
  CREATE (e)-[back:HAS_FACT]->(f)
  SET back = properties(h), f.entity_id = e.id
  DELETE h
  RETURN count(*) AS facts
}
CALL (e, n) {
  UNWIND $moves.message_ids AS mid
  MATCH (n)-[m:MENTIONED_IN]->(msg:Message {id: mid})
  MERGE (e)-[back:MENTIONED_IN]->(msg)
  SET back = properties(m)
  DELETE m
  RETURN count(*) AS mentions
}
SET e.updated_at = $moves.entity_updated_at
WITH e, n, relations, facts, mentions
CALL (n) {
  MATCH (n)<-[:POSSIBLY_SAME]-(p:PossibleMatch)
  DETACH DELETE p
}
DETACH DELETE n
WITH relations, facts, mentions
MATCH (s:Split {id: $split_id})
SET s.status = 'undone', s.undone_at = datetime(), s.undone_by = $actor
RETURN s {.*, record: null} AS split, relations, facts, mentions
