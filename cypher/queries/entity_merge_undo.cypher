// Replay merge $merge_id backwards: what it moved goes back from $target to $source, by id,
// anchored on the target. A relation keeps its current type, properties and other end (a later
// merge or label change may have changed them), only the side that was the source comes back.
// Returns how many of each it found, so the caller can refuse a partial undo.
MATCH (s:Entity {id: $source})
MATCH (t:Entity {id: $target})
CALL (s, t) {
  UNWIND $moves.relations AS rel
  MATCH (t)-[r]-()
  WHERE r.id = rel.id AND type(r) <> 'MERGED_INTO'
    AND (rel.direction = 'loop' OR (rel.direction = 'out') = (startNode(r) = t))
  WITH DISTINCT s, t, rel, r
  WITH r,
       CASE WHEN rel.direction IN ['out', 'loop'] THEN s ELSE startNode(r) END AS a,
       CASE WHEN rel.direction IN ['in', 'loop'] THEN s ELSE endNode(r) END AS b
  CREATE (a)-[back:$(type(r))]->(b)
  SET back = properties(r)
  DELETE r
  RETURN count(*) AS relations
}
CALL (s, t) {
  UNWIND $moves.between AS rel
  WITH s, t, rel, CASE rel.direction WHEN 'out' THEN [s, t] ELSE [t, s] END AS ends
  WITH rel, ends[0] AS a, ends[1] AS b
  CREATE (a)-[back:$(rel.type)]->(b)
  SET back = rel.props
}
CALL (s, t) {
  UNWIND $moves.fact_ids AS fid
  MATCH (t)-[h:HAS_FACT]->(f:Fact {id: fid})
  CREATE (s)-[back:HAS_FACT]->(f)
  SET back = properties(h), f.entity_id = s.id
  DELETE h
  RETURN count(*) AS facts
}
CALL (s, t) {
  UNWIND $moves.mentions AS x
  MATCH (msg:Message {id: x.message_id})
  MERGE (s)-[back:MENTIONED_IN]->(msg)
  SET back = x.props
  WITH t, x, msg
  OPTIONAL MATCH (t)-[m:MENTIONED_IN]->(msg)
  WITH x, m WHERE NOT x.target_had
  DELETE m
}
CALL (s, t) {
  UNWIND $moves.repointed AS x
  MATCH (e:Entity {id: x.entity_id})-[now:MERGED_INTO]->(t)
  WHERE now.merge_id = x.merge_id
  CREATE (e)-[back:MERGED_INTO]->(s)
  SET back = properties(now)
  DELETE now
  RETURN count(*) AS repointed
}
MATCH (s)-[own:MERGED_INTO]->(t) WHERE own.merge_id = $merge_id
DELETE own
REMOVE s:$([l IN labels(s) WHERE l <> 'Entity'])
// The type label follows the type as it is now: a label change since the merge may have
// renamed it (app.pipeline.stabilize.node_label, in Cypher).
SET s:$(CASE WHEN s.type IS NULL THEN $moves.source_labels
        ELSE [reduce(acc = '', w IN split(s.type, '_') | acc + toUpper(left(w, 1)) + substring(w, 1))]
        END),
    s.updated_at = $moves.source_updated_at
// Only the aliases this merge added go; any a job added since stay.
SET t.aliases = [a IN coalesce(t.aliases, [])
                 WHERE NOT a IN $moves.added_aliases OR a IN $moves.target_aliases],
    t.updated_at = $moves.target_updated_at
WITH s, t, relations, facts, repointed
MATCH (m:Merge {id: $merge_id})
SET m.status = 'undone', m.undone_at = datetime(), m.undone_by = $actor
RETURN m {.*, record: null} AS merge, relations, facts, repointed
