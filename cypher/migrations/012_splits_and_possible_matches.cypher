// Entity splits (ADR 0015): by id, and by the entity they took apart or made (splits(entityId)).
CREATE CONSTRAINT split_id IF NOT EXISTS FOR (n:Split) REQUIRE n.id IS UNIQUE;
CREATE INDEX split_entity_id IF NOT EXISTS FOR (n:Split) ON (n.entity_id);
CREATE INDEX split_new_entity_id IF NOT EXISTS FOR (n:Split) ON (n.new_entity_id);
// Pairs of entities resolution kept apart but listed as possibly the same (one per pair).
CREATE CONSTRAINT possible_match_id IF NOT EXISTS FOR (n:PossibleMatch) REQUIRE n.id IS UNIQUE;
