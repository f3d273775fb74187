// Load exported messages (docs: librarian import): MERGE by id (what exists is kept as it is), the conversation with it, and the
// NEXT links to its neighbours by seq, so the chain is whole in whatever order lines arrive.
UNWIND $rows AS row
MERGE (c:Conversation {id: row.conversation_id})
  ON CREATE SET c:Source, c.title = row.conversation_title, c.origin = row.conversation_origin,
                c.checksum = row.conversation_checksum,
                c.created_at = coalesce(datetime(row.conversation_created_at), datetime())
MERGE (m:Message {id: row.id})
  ON CREATE SET m.conversation_id = c.id, m.seq = row.seq, m.speaker = row.speaker,
                m.text = row.text, m.timestamp = datetime(row.timestamp),
                m.external_id = row.external_id
MERGE (c)-[:HAS_MESSAGE]->(m)
WITH c, m
CALL (c, m) {
  MATCH (prev:Message {conversation_id: c.id, seq: m.seq - 1})
  MERGE (prev)-[:NEXT]->(m)
}
CALL (c, m) {
  MATCH (next:Message {conversation_id: c.id, seq: m.seq + 1})
  MERGE (m)-[:NEXT]->(next)
}
RETURN count(m) AS written
