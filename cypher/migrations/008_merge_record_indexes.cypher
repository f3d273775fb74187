// Merge and label-change records by the entity they involve (merges(entityId), explain).
CREATE INDEX merge_source_id IF NOT EXISTS FOR (n:Merge) ON (n.source_id);
CREATE INDEX merge_target_id IF NOT EXISTS FOR (n:Merge) ON (n.target_id);
