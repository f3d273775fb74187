// Write-lock $source and $target (in id order, so two merges sharing an entity cannot deadlock),
// then read, under the locks, what validation needs and everything the merge will move. The
// aggregation is a barrier: both locks are held before any of the reads below run.
UNWIND [$source, $target] AS id
MATCH (e:Entity {id: id})
WITH e ORDER BY e.id
SET e.merge_lock = true
REMOVE e.merge_lock
WITH collect(e) AS locked
WITH locked, [e IN locked WHERE e.id = $source][0] AS s, [e IN locked WHERE e.id = $target][0] AS t
RETURN
  [e IN locked | {id: e.id, labels: labels(e), name: e.name, aliases: e.aliases,
                  updated_at: e.updated_at,
                  merged_into: [(e)-[m:MERGED_INTO]->(x:Entity) | [x.id, m.merge_id]][0]}]
    AS entities,
  COLLECT { MATCH (s)-[h:HAS_FACT]->(f:Fact) RETURN {id: f.id, props: properties(h)} } AS facts,
  COLLECT {
    MATCH (s)-[m:MENTIONED_IN]->(msg:Message)
    RETURN {message_id: msg.id, props: properties(m),
            target_had: EXISTS { (t)-[:MENTIONED_IN]->(msg) }}
  } AS mentions,
  COLLECT {
    MATCH (s)-[r]-(o:Entity) WHERE type(r) <> 'MERGED_INTO' AND o <> t
    WITH DISTINCT r, o
    RETURN {id: r.id, type: type(r),
            direction: CASE WHEN o = s THEN 'loop' WHEN startNode(r) = s THEN 'out' ELSE 'in' END,
            other_id: o.id, props: properties(r)}
  } AS relations,
  COLLECT {
    MATCH (s)-[r]-(t) WHERE type(r) <> 'MERGED_INTO'
    RETURN {id: r.id, type: type(r),
            direction: CASE WHEN startNode(r) = s THEN 'out' ELSE 'in' END, props: properties(r)}
  } AS between,
  COLLECT {
    MATCH (x:Entity)-[e:MERGED_INTO]->(s) RETURN {entity_id: x.id, props: properties(e)}
  } AS repointed,
  COLLECT { MATCH ()-[e:MERGED_INTO]->(t) RETURN e.merge_id } AS target_merged_before
