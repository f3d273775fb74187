"""Pure pipeline logic: extract/, resolve, stabilize, embed. No I/O to Neo4j or Redis here."""
