// One chain of relations: Neo4j cannot link relationships, so each carries the ids of its
// neighbours (superseded_by, supersedes) and the derived valid_to, or none (app.graph.history).
UNWIND $rows AS row
MATCH (e:Entity {id: row.entity})-[r]->(:Entity)
WHERE r.id = row.id
WITH r, row, r.valid_to_source = 'superseded' AS derived
SET r.superseded_by = row.next,
    r.supersedes = row.previous,
    r.valid_to = CASE WHEN row.derive THEN row.valid_to WHEN derived THEN null ELSE r.valid_to END,
    r.valid_to_source = CASE WHEN row.derive THEN 'superseded' WHEN derived THEN null
                             ELSE r.valid_to_source END
