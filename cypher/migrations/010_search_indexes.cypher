// Search (DESIGN §6, ADR 0010). Message and fact text get Lucene's English analysis (lower case,
// English stop words, possessives, Porter stemming), so "deadlines" finds "deadline" and
// "Priya's" finds "Priya"; a message's speaker is searchable with its words. Entity names keep
// entity_text (no stemming): resolution's blocking reads it, and names are not English words.
DROP INDEX message_text IF EXISTS;
CREATE FULLTEXT INDEX message_search IF NOT EXISTS FOR (n:Message) ON EACH [n.text, n.speaker]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'english', `fulltext.eventually_consistent`: true}};
DROP INDEX fact_value IF EXISTS;
CREATE FULLTEXT INDEX fact_search IF NOT EXISTS FOR (n:Fact) ON EACH [n.value]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'english', `fulltext.eventually_consistent`: true}};
// Searches must not meet indexes still being filled from an existing graph.
CALL db.awaitIndexes(600);
