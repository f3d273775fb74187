// Range indexes for lookups and keyset pagination (DESIGN §4).
CREATE INDEX entity_normalized_name IF NOT EXISTS FOR (n:Entity) ON (n.normalized_name);
CREATE INDEX entity_created_at IF NOT EXISTS FOR (n:Entity) ON (n.created_at);
CREATE INDEX message_conversation_seq IF NOT EXISTS FOR (n:Message) ON (n.conversation_id, n.seq);
CREATE INDEX message_conversation_timestamp IF NOT EXISTS FOR (n:Message) ON (n.conversation_id, n.timestamp);
CREATE INDEX fact_field IF NOT EXISTS FOR (n:Fact) ON (n.field);
CREATE INDEX fact_created_at IF NOT EXISTS FOR (n:Fact) ON (n.created_at);
CREATE INDEX schema_label_kind_label IF NOT EXISTS FOR (n:SchemaLabel) ON (n.kind, n.label);
CREATE INDEX conversation_created_at IF NOT EXISTS FOR (n:Conversation) ON (n.created_at);
CREATE INDEX job_status IF NOT EXISTS FOR (n:Job) ON (n.status);
CREATE INDEX job_created_at IF NOT EXISTS FOR (n:Job) ON (n.created_at);
CREATE INDEX api_token_name IF NOT EXISTS FOR (n:ApiToken) ON (n.name);
