"""Neo4j driver lifecycle and the few server-level queries everything else relies on."""

from __future__ import annotations

from dataclasses import dataclass

import neo4j

from app.config import Settings


def create_driver(settings: Settings) -> neo4j.AsyncDriver:
    """An async driver for the configured server; close it with ``await driver.close()``."""
    return neo4j.AsyncGraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password_value()),
        connection_acquisition_timeout=10.0,
        connection_timeout=5.0,
        max_transaction_retry_time=15.0,
        notifications_min_severity="OFF",
    )


@dataclass(frozen=True)
class ServerInfo:
    name: str
    version: str
    edition: str


async def server_info(driver: neo4j.AsyncDriver) -> ServerInfo:
    """Name, version and edition of the server behind ``driver``."""
    records, _, _ = await driver.execute_query(
        "CALL dbms.components() YIELD name, versions, edition "
        "RETURN name, versions[0] AS version, edition",
        routing_=neo4j.RoutingControl.READ,
    )
    record = records[0]
    return ServerInfo(name=record["name"], version=record["version"], edition=record["edition"])
