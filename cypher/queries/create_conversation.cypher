// One transaction: the conversation, its messages in order (HAS_MESSAGE, NEXT) and a pending job.
// Returns no row when content with this checksum exists already (the caller then reads it).
// Timestamps arrive as epoch milliseconds: the driver packs Python datetimes ~10x slower.
OPTIONAL MATCH (existing:Conversation {checksum: $conversation.checksum})
WITH existing WHERE existing IS NULL
CREATE (c:Conversation:Source {
  id: $conversation.id, title: $conversation.title, origin: $conversation.origin,
  checksum: $conversation.checksum, message_count: size($messages), created_at: datetime()
})
CREATE (j:Job {
  id: $job.id, source_id: $conversation.id, stage: 'queued', status: 'pending', attempts: 0,
  progress: 0.0, correlation_id: $job.correlation_id, extractor: $job.extractor,
  created_at: datetime(), enqueued_at: datetime(),
  llm_calls: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0.0
})
CREATE (c)-[:HAS_JOB]->(j)
WITH c, j
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
RETURN c {.*} AS conversation, j {.*} AS job
