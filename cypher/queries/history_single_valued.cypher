// Of these schema label ids, those whose label is single-valued, directly or through the
// canonical label it is an alias of (app.graph.history).
UNWIND $ids AS id
MATCH (l:SchemaLabel {id: id})
OPTIONAL MATCH (l)-[:CANONICAL]->(c:SchemaLabel)
WITH id, coalesce(c.single_valued, l.single_valued, false) AS single
WHERE single
RETURN id
