// One transaction: the conversation, its messages (staged as one JSON document) and a pending
// job. The job's first stage turns the staged document into Message nodes (store_messages), so
// the request does a handful of writes whatever the conversation's size (docs/adr/0007).
// Returns no row when content with this checksum exists already (the caller then reads it).
OPTIONAL MATCH (existing:Conversation {checksum: $conversation.checksum})
WITH existing WHERE existing IS NULL
CREATE (c:Conversation:Source {
  id: $conversation.id, title: $conversation.title, origin: $conversation.origin,
  checksum: $conversation.checksum, message_count: $message_count, created_at: datetime()
})
CREATE (c)-[:HAS_STAGED]->(:StagedMessages {conversation_id: c.id, messages: $staged})
CREATE (j:Job {
  id: $job.id, source_id: $conversation.id, stage: 'queued', status: 'pending', attempts: 0,
  progress: 0.0, correlation_id: $job.correlation_id, extractor: $job.extractor,
  created_at: datetime(), enqueued_at: datetime(),
  llm_calls: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0.0
})
CREATE (c)-[:HAS_JOB]->(j)
RETURN c {.*} AS conversation, j {.*} AS job
