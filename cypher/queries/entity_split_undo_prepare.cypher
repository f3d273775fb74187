// Write-lock split $split_id, then its two entities (in id order, as merges do), and read what
// decides whether undoing it is exact: merges since, and what the new entity holds now.
MATCH (s:Split {id: $split_id})
SET s.merge_lock = true
REMOVE s.merge_lock
WITH s
OPTIONAL MATCH (x:Entity) WHERE x.id IN [s.entity_id, s.new_entity_id]
WITH s, x ORDER BY x.id
SET x.merge_lock = true
REMOVE x.merge_lock
WITH s, collect(x) AS locked
WITH s, [x IN locked WHERE x.id = s.entity_id][0] AS e,
     [x IN locked WHERE x.id = s.new_entity_id][0] AS n
RETURN s {.*} AS split, e IS NOT NULL AS entity_present, n IS NOT NULL AS new_present,
  [(e)-[m:MERGED_INTO]->(:Entity) | m.merge_id][0] AS entity_merged_by,
  [(n)-[m:MERGED_INTO]->(:Entity) | m.merge_id][0] AS new_merged_by,
  [(:Entity)-[m:MERGED_INTO]->(n) | m.merge_id] AS merged_into_new,
  [(n)-[:HAS_FACT]->(f:Fact) | f.id] AS facts,
  [(n)-[:MENTIONED_IN]->(m:Message) | m.id] AS mentions,
  COLLECT { MATCH (n)-[r]-(:Entity) WHERE type(r) <> 'MERGED_INTO' RETURN DISTINCT r.id } AS relations,
  [(n)<-[:RESOLVED_TO]-(r:Resolution) | r.id] AS decisions,
  COLLECT { MATCH (later:Split {entity_id: n.id, status: 'active'}) RETURN later.id } AS splits
