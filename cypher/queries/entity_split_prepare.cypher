// Write-lock $entity, then read, under the lock, what validation needs and everything the split
// will move: each chosen fact with its owner, each chosen message with this entity's mention of
// it, each chosen relation on this entity.
MATCH (e:Entity {id: $entity})
SET e.merge_lock = true
REMOVE e.merge_lock
WITH e
RETURN
  e {.id, .name, .type, .aliases, .updated_at, labels: labels(e),
     merged_into: [(e)-[m:MERGED_INTO]->(x:Entity) | [x.id, m.merge_id]][0]} AS entity,
  COLLECT {
    UNWIND $fact_ids AS fid
    OPTIONAL MATCH (f:Fact {id: fid})
    OPTIONAL MATCH (owner:Entity)-[:HAS_FACT]->(f)
    OPTIONAL MATCH (e)-[h:HAS_FACT]->(f)
    RETURN {id: fid, exists: f IS NOT NULL, owner: owner.id, props: properties(h)}
  } AS facts,
  COLLECT {
    UNWIND $message_ids AS mid
    OPTIONAL MATCH (msg:Message {id: mid})
    OPTIONAL MATCH (e)-[m:MENTIONED_IN]->(msg)
    RETURN {id: mid, exists: msg IS NOT NULL, props: properties(m)}
  } AS mentions,
  COLLECT {
    UNWIND $relation_ids AS rid
    OPTIONAL MATCH (e)-[r]-(:Entity) WHERE r.id = rid AND type(r) <> 'MERGED_INTO'
    WITH DISTINCT rid, r
    RETURN {id: rid, found: r IS NOT NULL, type: type(r), start: startNode(r).id,
            end: endNode(r).id, props: properties(r)}
  } AS relations
