// Every field and outgoing relation type (with its label) of these entities, merged ids read
// as their survivor: the groups a merge or its undo may have changed (app.graph.history).
UNWIND $ids AS id
MATCH (e0:Entity {id: id})
OPTIONAL MATCH (e0)-[:MERGED_INTO]->(s:Entity)
WITH DISTINCT coalesce(s, e0) AS e
RETURN e.id AS entity,
  COLLECT { MATCH (e)-[:HAS_FACT]->(x:Fact) RETURN DISTINCT x.field } AS fields,
  COLLECT {
    MATCH (e)-[r]->(:Entity) WHERE r.id IS NOT NULL AND type(r) <> 'MERGED_INTO'
    RETURN DISTINCT {type: type(r), label: r.label}
  } AS relations
