// Relation ids name their source entity (rel_<entity id>_<hash>; app/pipeline/rows.py), so a
// relation is found by id through its entity. Relations written before carry rel_<hash>.
MATCH (a:Entity)-[r]->(:Entity)
WHERE r.id STARTS WITH 'rel_' AND size(r.id) = 28 AND NOT substring(r.id, 4) CONTAINS '_'
SET r.id = 'rel_' + a.id + '_' + substring(r.id, 4);
