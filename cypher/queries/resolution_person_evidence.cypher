// What corroborates a person across sources (app.domain.corroboration): per entity id, the
// sources that mention it, the speaker labels of the messages citing it, every speaker label of
// those sources, the entities it is related to, and its facts. Bounded per entity.
UNWIND $ids AS id
MATCH (e:Entity {id: id})
CALL (e) {
  OPTIONAL MATCH (e)-[:MENTIONED_IN]->(m:Message)
  WITH collect(DISTINCT m.conversation_id) AS cited
  WITH cited + [x IN [e.first_source_id] WHERE x IS NOT NULL AND NOT x IN cited] AS found
  RETURN found[..$max_sources] AS sources
}
CALL (e) {
  OPTIONAL MATCH (e)-[:MENTIONED_IN]->(m:Message)
  RETURN collect(DISTINCT m.speaker)[..$max_items] AS cited_speakers
}
CALL (sources) {
  UNWIND sources AS cid
  OPTIONAL MATCH (:Conversation {id: cid})-[:HAS_MESSAGE]->(m:Message)
  RETURN collect(DISTINCT m.speaker)[..$max_items] AS speakers
}
RETURN e.id AS id, e.name AS name, coalesce(e.aliases, []) AS aliases, sources,
       cited_speakers, speakers,
       COLLECT {
         MATCH (e)-[r]-(o:Entity) WHERE r.id IS NOT NULL AND o <> e AND NOT o:Merged
         RETURN DISTINCT {type: o.type, name: o.normalized_name} LIMIT 200
       } AS related,
       COLLECT {
         MATCH (e)-[:HAS_FACT]->(f:Fact)
         RETURN {field: f.field, raw_field: f.raw_field, value: f.value} LIMIT 500
       } AS facts
