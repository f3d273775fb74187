"""A throwaway Neo4j and Redis in a temporary directory, for measurements that must not touch
the user's graph (``librarian eval search``)."""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pydantic import SecretStr

from app.config import Settings
from app.localstack._process import free_port
from app.localstack.neo4j import start_neo4j
from app.localstack.neo4j_install import Neo4jSpec
from app.localstack.redis import RedisSpec, start_redis

__all__ = ["scratch_stack"]


@contextmanager
def scratch_stack(base: Settings, *, pagecache_mb: int = 64) -> Iterator[Settings]:
    """Start both servers on free ports; yield ``base`` aimed at them; stop and delete them."""
    password = secrets.token_urlsafe(16)
    with tempfile.TemporaryDirectory(prefix="librarian-scratch-") as tmp:
        root = Path(tmp)
        neo4j_port = free_port()
        redis_port = free_port()
        while redis_port == neo4j_port:  # free_port only says the port was free a moment ago
            redis_port = free_port()
        neo4j = start_neo4j(
            Neo4jSpec(
                home=root / "neo4j",
                host="127.0.0.1",
                port=neo4j_port,
                password=password,
                heap_mb=512,
                pagecache_mb=pagecache_mb,
            )
        )
        try:
            redis = start_redis(RedisSpec(home=root / "redis", host="127.0.0.1", port=redis_port))
            try:
                yield base.model_copy(
                    update={
                        "data_dir": root / "var",
                        "neo4j_host": "127.0.0.1",
                        "neo4j_port": neo4j_port,
                        "neo4j_password": SecretStr(password),
                        "redis_host": "127.0.0.1",
                        "redis_port": redis_port,
                    }
                )
            finally:
                redis.stop()
        finally:
            neo4j.stop()
