// The entities possibly the same as $id (or as an entity merged into it), each at its survivor,
// best score first; pairs the merges have since joined are left out.
MATCH (e:Entity {id: $id})
OPTIONAL MATCH (loser:Entity)-[:MERGED_INTO]->(e)
WITH e, [e] + collect(loser) AS own
UNWIND own AS n
MATCH (n)<-[:POSSIBLY_SAME]-(x:PossibleMatch)-[:POSSIBLY_SAME]->(o0:Entity)
WHERE NOT o0 IN own
OPTIONAL MATCH (o0)-[:MERGED_INTO]->(s:Entity)
WITH e, x, coalesce(s, o0) AS other
WHERE other <> e
WITH other, x ORDER BY x.score DESC, x.id
WITH other, collect(x)[0] AS x
RETURN other.id AS entity_id, x.id AS id, x.score AS score, x.rule AS rule, x.reason AS reason,
       x.created_at AS created_at
ORDER BY score DESC, entity_id
LIMIT $limit
