// The entity and field each of these facts sits under now (a merge may have moved it).
UNWIND $ids AS id
MATCH (e:Entity)-[:HAS_FACT]->(x:Fact {id: id})
RETURN DISTINCT e.id AS entity, x.field AS field
