// Embedding step: the canonical label behind the nearest label of this kind whose cosine
// similarity reaches the threshold. The vector index cannot filter on kind, so it is asked for
// a few more neighbours than one and filtered after.
CALL db.index.vector.queryNodes('schema_label_embedding', $candidates, $embedding)
YIELD node, score
WHERE node.kind = $kind AND score >= $threshold
OPTIONAL MATCH (node)-[:CANONICAL]->(c:SchemaLabel)
WITH coalesce(c, node) AS target, score
RETURN target.id AS id, target.label AS label, score
ORDER BY score DESC, target.id
LIMIT 1
