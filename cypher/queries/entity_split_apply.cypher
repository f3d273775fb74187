// Create the new entity, move what entity_split_prepare found from $entity to it, by id, and
// store the Split record. A moved relation takes the id its new ends give it, so it is still
// found through the entity its id names (rel_<source>_…); the record keeps the old one.
MATCH (e:Entity {id: $entity})
CREATE (n:Entity {id: $new_id, name: $name, normalized_name: $normalized, type: e.type,
                  aliases: [], created_at: datetime(), updated_at: datetime(),
                  first_source_id: e.first_source_id, split_from: e.id, split_id: $split_id})
SET n:$($labels)
WITH e, n
CALL (e, n) {
  UNWIND $moves.fact_ids AS fid
  MATCH (e)-[h:HAS_FACT]->(f:Fact {id: fid})
  CREATE (n)-[moved:HAS_FACT]->(f)
  SET moved = properties(h), f.entity_id = n.id
  DELETE h
}
CALL (e, n) {
  UNWIND $moves.message_ids AS mid
  MATCH (e)-[m:MENTIONED_IN]->(msg:Message {id: mid})
  CREATE (n)-[moved:MENTIONED_IN]->(msg)
  SET moved = properties(m)
  DELETE m
}
CALL (e, n) {
  UNWIND $moves.relations AS rel
  MATCH (e)-[r]-(:Entity) WHERE r.id = rel.id AND type(r) <> 'MERGED_INTO'
  WITH DISTINCT e, n, rel, r
  WITH rel, r,
       CASE WHEN startNode(r) = e THEN n ELSE startNode(r) END AS a,
       CASE WHEN endNode(r) = e THEN n ELSE endNode(r) END AS b
  CREATE (a)-[moved:$(type(r))]->(b)
  SET moved = properties(r), moved.id = rel.new_id
  DELETE r
}
SET e.updated_at = datetime()
CREATE (s:Split {id: $split_id, entity_id: e.id, new_entity_id: n.id, name: $name,
                 status: 'active', created_at: datetime(), actor: $actor, record: $record,
                 moved_facts: size($moves.fact_ids), moved_mentions: size($moves.message_ids),
                 moved_relations: size($moves.relations)})
RETURN s {.*, record: null} AS split, e.type AS type
