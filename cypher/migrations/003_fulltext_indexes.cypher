// Fulltext (Lucene) indexes for search (DESIGN §4, §6).
CREATE FULLTEXT INDEX entity_text IF NOT EXISTS FOR (n:Entity) ON EACH [n.name, n.aliases, n.summary];
CREATE FULLTEXT INDEX message_text IF NOT EXISTS FOR (n:Message) ON EACH [n.text];
CREATE FULLTEXT INDEX fact_value IF NOT EXISTS FOR (n:Fact) ON EACH [n.value];
