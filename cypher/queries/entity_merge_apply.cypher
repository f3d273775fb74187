// Move what entity_merge_prepare found from $source to $target, by id, retire the source and
// store the Merge record.
MATCH (s:Entity {id: $source})
MATCH (t:Entity {id: $target})
CALL (s, t) {
  UNWIND $moves.fact_ids AS fid
  MATCH (s)-[h:HAS_FACT]->(f:Fact {id: fid})
  CREATE (t)-[moved:HAS_FACT]->(f)
  SET moved = properties(h), f.entity_id = t.id
  DELETE h
}
CALL (s, t) {
  UNWIND $moves.message_ids AS mid
  MATCH (s)-[m:MENTIONED_IN]->(msg:Message {id: mid})
  MERGE (t)-[moved:MENTIONED_IN]->(msg)
    ON CREATE SET moved = properties(m)
  DELETE m
}
CALL (s, t) {
  // Same type and every property, id included; the source's end becomes the target.
  UNWIND $moves.relation_ids AS rid
  MATCH (s)-[r]-(:Entity) WHERE r.id = rid AND type(r) <> 'MERGED_INTO'
  WITH DISTINCT s, t, r
  WITH r,
       CASE WHEN startNode(r) = s THEN t ELSE startNode(r) END AS a,
       CASE WHEN endNode(r) = s THEN t ELSE endNode(r) END AS b
  CREATE (a)-[moved:$(type(r))]->(b)
  SET moved = properties(r)
  DELETE r
}
CALL (s, t) {
  // Relations between the two would become self-loops: they live on in the record only.
  UNWIND $moves.between_ids AS rid
  MATCH (s)-[r]-(t) WHERE r.id = rid AND type(r) <> 'MERGED_INTO'
  DELETE r
}
CALL (s, t) {
  // Those merged into the source now point at the target: no MERGED_INTO chains.
  UNWIND $moves.repointed_ids AS xid
  MATCH (x:Entity {id: xid})-[old:MERGED_INTO]->(s)
  CREATE (x)-[now:MERGED_INTO]->(t)
  SET now = properties(old)
  DELETE old
}
SET t.aliases = $moves.aliases, t.updated_at = datetime(), s.updated_at = datetime()
REMOVE s:$($moves.source_labels)
SET s:Merged
CREATE (s)-[:MERGED_INTO {merge_id: $merge_id}]->(t)
CREATE (m:Merge {id: $merge_id, source_id: s.id, target_id: t.id, status: 'active',
                 created_at: datetime(), actor: $actor, record: $record,
                 moved_facts: size($moves.fact_ids), moved_mentions: size($moves.message_ids),
                 moved_relations: size($moves.relation_ids) + size($moves.between_ids)})
RETURN m {.*, record: null} AS merge
