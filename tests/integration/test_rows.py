"""API reads run as auto-commit transactions (one round trip); a pooled connection that died
behind the driver's back costs a retry, not an error to the person searching."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import neo4j
import pytest

from app.graph import rows
from app.graph.rows import read_rows
from tests.conftest import TEST_PASSWORD, Services


class _Proxy:
    """A TCP relay to Neo4j that can drop a connection the moment a request arrives on it, as a
    restart or a network blip would while a statement is on its way."""

    def __init__(self, target_port: int) -> None:
        self._target_port = target_port
        self._writers: list[asyncio.StreamWriter] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._drop_next = False
        self.accepted = 0
        self.dropped = 0
        self.port = 0
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    def drop_next_request(self) -> None:
        self._drop_next = True

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self._target_port)
        self._writers += [writer, up_writer]
        pair = (writer, up_writer)
        self._tasks += [
            asyncio.create_task(self._pipe(reader, up_writer, pair)),
            asyncio.create_task(self._pipe(up_reader, writer, None)),
        ]

    async def _pipe(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        pair: tuple[asyncio.StreamWriter, asyncio.StreamWriter] | None,
    ) -> None:
        with contextlib.suppress(ConnectionError):
            while data := await reader.read(65536):
                if pair is not None and self._drop_next:
                    self._drop_next = False
                    self.dropped += 1
                    for end in pair:
                        end.transport.abort()
                    return
                writer.write(data)
                await writer.drain()
        writer.close()

    async def close(self) -> None:
        for writer in self._writers:
            writer.transport.abort()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()


@pytest.fixture
async def proxy(services: Services) -> _Proxy:
    relay = _Proxy(services.settings.neo4j_port)
    await relay.start()
    yield relay  # type: ignore[misc]
    await relay.close()


async def test_a_read_whose_connection_drops_is_retried_on_a_new_one(
    proxy: _Proxy, driver: neo4j.AsyncDriver
) -> None:
    del driver  # the session's store, migrated: the relay reaches the same server
    relay_driver = neo4j.AsyncGraphDatabase.driver(
        f"bolt://127.0.0.1:{proxy.port}", auth=("neo4j", TEST_PASSWORD)
    )
    try:
        assert await read_rows(relay_driver, "neo4j", "RETURN 1 AS one", {}) == [{"one": 1}]
        assert proxy.accepted == 1
        proxy.drop_next_request()  # the next statement is sent on a connection that then dies
        rows = await read_rows(relay_driver, "neo4j", "UNWIND [1, 2] AS n RETURN n", {})
        assert [row["n"] for row in rows] == [1, 2]
        assert proxy.dropped == 1
        assert proxy.accepted == 2, "the retry ran on a fresh connection"
    finally:
        await relay_driver.close()


async def test_a_read_error_that_is_not_transient_is_raised_at_once(
    driver: neo4j.AsyncDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts: list[str] = []
    real_run = rows._run

    async def counted(*args: Any) -> list[neo4j.Record]:
        attempts.append("run")
        return await real_run(*args)

    monkeypatch.setattr(rows, "_run", counted)
    with pytest.raises(neo4j.exceptions.CypherSyntaxError):
        await rows.read_rows(driver, "neo4j", "RETURN nope(", {})
    assert attempts == ["run"], "a syntax error is not retried"
