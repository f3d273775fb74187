// Turn a conversation's staged document into Message nodes in order (HAS_MESSAGE, NEXT) and
// drop the staged copy, in one transaction: a retry finds either nothing done or all of it.
// Timestamps arrive as epoch milliseconds: the driver packs Python datetimes ~10x slower.
MATCH (c:Conversation {id: $conversation_id})-[:HAS_STAGED]->(staged:StagedMessages)
CALL (c) {
  UNWIND $messages AS m
  CREATE (msg:Message {
    id: m.id, conversation_id: c.id, seq: m.seq, speaker: m.speaker, text: m.text,
    timestamp: CASE WHEN m.epoch_ms IS NULL THEN null ELSE datetime({epochMillis: m.epoch_ms}) END,
    external_id: m.external_id
  })
  CREATE (c)-[:HAS_MESSAGE]->(msg)
  WITH msg ORDER BY msg.seq
  WITH collect(msg) AS ordered
  UNWIND range(0, size(ordered) - 2) AS i
  WITH ordered[i] AS a, ordered[i + 1] AS b
  CREATE (a)-[:NEXT]->(b)
}
DETACH DELETE staged
RETURN count(*) AS stored
