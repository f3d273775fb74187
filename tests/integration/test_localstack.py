"""Real Neo4j and Redis servers started by app.localstack (no mocks, no Docker).

The first run builds the Neo4j runtime into var/cache/neo4j (Maven download, ~1 min); later runs
reuse it. Each test starts its own throwaway servers on free ports in a tmp dir.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest
import redis
from neo4j.exceptions import AuthError

from app.localstack import (
    LocalServiceError,
    Neo4jSpec,
    RedisSpec,
    RunningService,
    free_port,
    start_neo4j,
    start_redis,
)

PASSWORD = "librarian-test-pw"
HOST = "127.0.0.1"


@pytest.fixture
def cleanup() -> Iterator[list[RunningService]]:
    """Services registered here are stopped even when a test fails half-way."""
    services: list[RunningService] = []
    yield services
    for service in reversed(services):
        service.stop()


def _neo4j_spec(home: Path, port: int, password: str = PASSWORD) -> Neo4jSpec:
    return Neo4jSpec(home=home, host=HOST, port=port, password=password, heap_mb=384)


def _count_notes(url: str, password: str) -> int:
    with neo4j.GraphDatabase.driver(url, auth=("neo4j", password)) as driver:
        records, _, _ = driver.execute_query(
            "MATCH (n:LocalstackProbe {name: $name}) RETURN count(n) AS n", name="kept"
        )
    return int(records[0]["n"])


def test_neo4j_survives_restart_and_keeps_its_password(
    tmp_path: Path, cleanup: list[RunningService]
) -> None:
    home = tmp_path / "neo4j"
    port = free_port()
    spec = _neo4j_spec(home, port)

    first = start_neo4j(spec)
    cleanup.append(first)
    assert first.reused is False
    assert first.url == f"bolt://{HOST}:{port}"
    assert (home / "neo4j.pid").read_text().strip() == str(first.pid)
    with neo4j.GraphDatabase.driver(first.url, auth=("neo4j", PASSWORD)) as driver:
        driver.execute_query("CREATE (:LocalstackProbe {name: $name})", name="kept")

    again = start_neo4j(spec)  # same home, still running: reused, not a second server
    assert again.reused is True
    assert again.pid == first.pid
    again.stop()  # a reused handle does not stop the server it did not start
    assert _count_notes(first.url, PASSWORD) == 1

    first.stop()
    cleanup.remove(first)
    assert not (home / "neo4j.pid").exists()

    second = start_neo4j(spec)
    cleanup.append(second)
    assert second.reused is False
    assert second.pid != first.pid
    assert _count_notes(second.url, PASSWORD) == 1

    with (
        neo4j.GraphDatabase.driver(second.url, auth=("neo4j", "wrong-password")) as driver,
        pytest.raises(AuthError),
    ):
        driver.verify_connectivity()


def test_neo4j_port_taken_by_another_process(tmp_path: Path) -> None:
    with socket.socket() as squatter:
        squatter.bind((HOST, 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        with pytest.raises(LocalServiceError, match=rf"port {port}\b.*LIBRARIAN_NEO4J_PORT"):
            start_neo4j(_neo4j_spec(tmp_path / "neo4j", port))
    assert not (tmp_path / "neo4j" / "neo4j.pid").exists()


def test_neo4j_stale_pid_file_is_cleaned(tmp_path: Path) -> None:
    home = tmp_path / "neo4j"
    home.mkdir()
    (home / "neo4j.pid").write_text("999999\n")  # no such process
    with socket.socket() as squatter:
        squatter.bind((HOST, 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        with pytest.raises(LocalServiceError, match=rf"port {port}\b"):
            start_neo4j(_neo4j_spec(home, port))
    assert not (home / "neo4j.pid").exists()


def test_redis_keeps_data_across_restart(tmp_path: Path, cleanup: list[RunningService]) -> None:
    home = tmp_path / "redis"
    spec = RedisSpec(home=home, host=HOST, port=free_port())

    first = start_redis(spec)
    cleanup.append(first)
    assert first.reused is False
    assert first.url == f"redis://{HOST}:{spec.port}/0"
    client = redis.Redis.from_url(first.url)
    try:
        client.set("librarian:probe", "kept")
    finally:
        client.close()

    again = start_redis(spec)
    assert again.reused is True
    assert again.pid == first.pid

    first.stop()  # SIGTERM: Redis flushes the AOF and exits
    cleanup.remove(first)
    assert not (home / "redis.pid").exists()
    assert (home / "appendonlydir").is_dir()

    second = start_redis(spec)
    cleanup.append(second)
    assert second.reused is False
    client = redis.Redis.from_url(second.url)
    try:
        assert client.get("librarian:probe") == b"kept"
        assert client.config_get("appendfsync") == {"appendfsync": "everysec"}
    finally:
        client.close()


def test_redis_port_taken_by_another_process(tmp_path: Path) -> None:
    with socket.socket() as squatter:
        squatter.bind((HOST, 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        with pytest.raises(LocalServiceError, match=rf"port {port}\b.*LIBRARIAN_REDIS_PORT"):
            start_redis(RedisSpec(home=tmp_path / "redis", host=HOST, port=port))
