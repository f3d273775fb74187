// Single-valued labels (app.graph.registry.SINGLE_VALUED, ADR 0017): a newer value supersedes
// the older one and history is kept through SUPERSEDED_BY. Labels created from now on are marked
// when created (label_create.cypher); this marks those already in the registry, and their aliases.
MATCH (s:SchemaLabel)
WHERE (s.kind = 'field' AND s.label IN ['lives_in', 'works_at', 'occupation', 'employer_role',
                                         'job_title', 'relationship_status', 'status'])
   OR (s.kind = 'relation' AND s.label IN ['lives_in', 'works_at', 'married_to', 'dating',
                                            'engaged_to', 'employed_by'])
SET s.single_valued = true;
MATCH (a:SchemaLabel)-[:CANONICAL]->(c:SchemaLabel {single_valued: true})
SET a.single_valued = true;
