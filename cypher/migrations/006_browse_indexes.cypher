// Keyset browsing (DESIGN §6): each filtered list seeks an index that yields its rows already in
// id order, so a page at any depth reads ~first rows instead of sorting every match.
// entities(type:) and entity counts by type. (conversations() uses 002's created_at index.)
CREATE INDEX entity_type_id IF NOT EXISTS FOR (n:Entity) ON (n.type, n.id);
// entity.facts, facts(entityId:) and their counts.
CREATE INDEX fact_entity_id IF NOT EXISTS FOR (n:Fact) ON (n.entity_id, n.id);
// facts(field:).
CREATE INDEX fact_field_id IF NOT EXISTS FOR (n:Fact) ON (n.field, n.id);
