// The relations of each (source entity, relationship type) group, with what orders them.
UNWIND $pairs AS p
MATCH (e0:Entity {id: p.entity})
OPTIONAL MATCH (e0)-[:MERGED_INTO]->(s:Entity)
WITH DISTINCT coalesce(s, e0) AS e, p.type AS type
CALL (e, type) {
  MATCH (e)-[r:$(type)]->(:Entity) WHERE r.id IS NOT NULL
  RETURN collect(r {.id, .valid_from, .valid_to, .valid_to_source, .event_date, .first_said,
                    created_at: r.first_seen}) AS items
}
RETURN e.id AS entity, items
