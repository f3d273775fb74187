// Fulltext (Lucene) indexes for search (DESIGN §4, §6).
// Message and fact text are indexed eventually consistently: Lucene work leaves the commit path
// of ingest (about 50 ms per 1,000 messages here) and search sees new text a moment later.
// Entity names stay strictly consistent because resolution looks them up within a job.
CREATE FULLTEXT INDEX entity_text IF NOT EXISTS FOR (n:Entity) ON EACH [n.name, n.aliases, n.summary];
CREATE FULLTEXT INDEX message_text IF NOT EXISTS FOR (n:Message) ON EACH [n.text]
OPTIONS {indexConfig: {`fulltext.eventually_consistent`: true}};
CREATE FULLTEXT INDEX fact_value IF NOT EXISTS FOR (n:Fact) ON EACH [n.value]
OPTIONS {indexConfig: {`fulltext.eventually_consistent`: true}};
