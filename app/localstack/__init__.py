"""Local Neo4j and Redis servers without Docker, started and stopped from Python.

Neo4j 5.26 Community runs embedded in a small JVM launcher built from runtime/neo4j with Maven;
Redis is Debian's redis-server with a config rendered from runtime/redis. Both start
idempotently (a pid file in the home directory), on configurable ports, as child processes the
caller stops with `RunningService.stop()`.
"""

from app.localstack._process import LocalServiceError, RunningService, free_port
from app.localstack.neo4j import start_neo4j
from app.localstack.neo4j_install import Neo4jSpec, install_neo4j
from app.localstack.redis import RedisSpec, ensure_redis_installed, start_redis

__all__ = [
    "LocalServiceError",
    "Neo4jSpec",
    "RedisSpec",
    "RunningService",
    "ensure_redis_installed",
    "free_port",
    "install_neo4j",
    "start_neo4j",
    "start_redis",
]
