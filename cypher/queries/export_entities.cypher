// One keyset page of active entities (docs/adr/0008: merged ones are left out), in id order
// through the entity_id constraint's index, with the messages that mention each. The page comes
// back as one list in one record: the driver decodes that far faster than one record per row.
MATCH (n:Entity) WHERE n.id > $after AND NOT n:Merged
WITH n ORDER BY n.id LIMIT $limit
RETURN collect({
  id: n.id, type: n.type, name: n.name, normalized_name: n.normalized_name,
  aliases: coalesce(n.aliases, []), summary: n.summary, created_at: n.created_at,
  updated_at: n.updated_at, first_source_id: n.first_source_id,
  message_ids: COLLECT { MATCH (n)-[:MENTIONED_IN]->(m:Message) RETURN m.id ORDER BY m.id }
}) AS rows
