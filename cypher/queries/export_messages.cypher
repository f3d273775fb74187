// One keyset page of messages in id order (message_id index), each with its conversation, as
// one list in one record (see export_entities.cypher).
MATCH (m:Message) WHERE m.id > $after
WITH m ORDER BY m.id LIMIT $limit
OPTIONAL MATCH (c:Conversation)-[:HAS_MESSAGE]->(m)
RETURN collect({
  conversation_id: coalesce(c.id, m.conversation_id), conversation_title: c.title,
  conversation_origin: c.origin, conversation_checksum: c.checksum,
  conversation_created_at: c.created_at, id: m.id, seq: m.seq, speaker: m.speaker,
  text: m.text, timestamp: m.timestamp, external_id: m.external_id
}) AS rows
