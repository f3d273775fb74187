// Write-lock merge $merge_id, then its two entities (in id order, as a merge does), and read
// what decides whether undoing it is exact: whether the target was merged since, whether the
// source still carries this merge's MERGED_INTO, and every merge now pointing into the target.
MATCH (m:Merge {id: $merge_id})
SET m.merge_lock = true
REMOVE m.merge_lock
WITH m
UNWIND [m.source_id, m.target_id] AS id
MATCH (e:Entity {id: id})
WITH m, e ORDER BY e.id
SET e.merge_lock = true
REMOVE e.merge_lock
WITH m, collect(e) AS locked
WITH m, [e IN locked WHERE e.id = m.source_id][0] AS s, [e IN locked WHERE e.id = m.target_id][0] AS t
RETURN m {.*} AS merge,
  [(t)-[e:MERGED_INTO]->(:Entity) | e.merge_id][0] AS target_merged_by,
  EXISTS { (s)-[e:MERGED_INTO]->(t) WHERE e.merge_id = m.id } AS edge_present,
  COLLECT {
    MATCH (:Entity)-[e:MERGED_INTO]->(t)
    OPTIONAL MATCH (other:Merge {id: e.merge_id})
    RETURN {merge_id: e.merge_id, direct: other.target_id = t.id, created_at: other.created_at}
  } AS into_target
