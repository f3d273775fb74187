// The values of each (entity, field) group, with what orders them (app.graph.history).
UNWIND $pairs AS p
MATCH (e0:Entity {id: p.entity})
OPTIONAL MATCH (e0)-[:MERGED_INTO]->(s:Entity)
WITH DISTINCT coalesce(s, e0) AS e, p.field AS field
CALL (e, field) {
  MATCH (e)-[:HAS_FACT]->(x:Fact) WHERE x.field = field
  RETURN collect(x {.id, .valid_from, .valid_to, .valid_to_source, .event_date, .first_said,
                    .created_at}) AS items
}
RETURN e.id AS entity, items
