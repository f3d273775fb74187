"""The one Neo4j access layer: driver lifecycle, migrations, one module per aggregate."""
