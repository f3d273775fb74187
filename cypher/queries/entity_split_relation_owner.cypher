// Whether relation $id exists anywhere: it is found through the entity its id names (or that
// entity's survivor), as browse's relation_by_id finds it.
MATCH (a0:Entity {id: $anchor})
OPTIONAL MATCH (a0)-[:MERGED_INTO]->(s:Entity)
WITH coalesce(s, a0) AS a
MATCH (a)-[r]-(:Entity) WHERE r.id = $id
RETURN count(r) > 0 AS found
