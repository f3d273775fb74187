// Resolution decisions (ADR 0009): one per job and mention group, shown by explain(id).
CREATE CONSTRAINT resolution_id IF NOT EXISTS FOR (n:Resolution) REQUIRE n.id IS UNIQUE;
