// Cosine vector indexes; the dimension comes from LIBRARIAN_EMBEDDING_DIM.
CREATE VECTOR INDEX entity_embedding IF NOT EXISTS FOR (n:Entity) ON n.embedding
OPTIONS {indexConfig: {`vector.dimensions`: {{embedding_dim}}, `vector.similarity_function`: 'cosine'}};
CREATE VECTOR INDEX message_embedding IF NOT EXISTS FOR (n:Message) ON n.embedding
OPTIONS {indexConfig: {`vector.dimensions`: {{embedding_dim}}, `vector.similarity_function`: 'cosine'}};
