// Schema-label stabilisation (DESIGN §5.4): lemma lookups through a range index, and embedding
// lookups through a cosine vector index, so mapping a new label never scans the registry.
CREATE INDEX schema_label_kind_lemma IF NOT EXISTS FOR (n:SchemaLabel) ON (n.kind, n.lemma);
CREATE VECTOR INDEX schema_label_embedding IF NOT EXISTS FOR (n:SchemaLabel) ON n.embedding
OPTIONS {indexConfig: {`vector.dimensions`: {{embedding_dim}}, `vector.similarity_function`: 'cosine'}};
// Label changes: found by id, and checked for later changes of the same kind before an undo.
CREATE INDEX label_change_kind_created_at IF NOT EXISTS FOR (n:LabelChange) ON (n.kind, n.created_at);
CREATE CONSTRAINT label_change_id IF NOT EXISTS FOR (n:LabelChange) REQUIRE n.id IS UNIQUE;
