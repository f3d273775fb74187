"""`librarian ingest`: files in every supported format become conversations, followed live."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import neo4j

from tests.conftest import REPO, Services, Workers

FIXTURES = REPO / "tests" / "fixtures" / "ingest"


def _ingest(services: Services, *paths: Path | str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", "ingest", *map(str, paths)],
        env=services.env(),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=240,
    )


async def test_ingest_files_follow_each_job_to_complete(
    services: Services, graph: neo4j.AsyncDriver, workers: Workers
) -> None:
    workers.start()
    await workers.wait_alive()
    files = sorted(FIXTURES.glob("*.json")) + sorted(FIXTURES.glob("*.txt"))
    first = _ingest(services, *files)
    assert first.returncode == 0, first.stderr
    finished = [line for line in first.stdout.splitlines() if "100.0%" in line]
    assert finished, first.stdout
    assert all("complete" in line for line in finished)
    records, _, _ = await graph.execute_query(
        "MATCH (c:Conversation) RETURN collect(DISTINCT c.origin) AS origins, count(c) AS n"
    )
    assert {"chatgpt", "claude", "transcript"} <= set(records[0]["origins"])
    assert records[0]["n"] == len(finished)

    again = _ingest(services, *files)
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("seen before, unchanged") == len(finished)


def test_unreadable_input_fails_with_a_clear_message(services: Services, tmp_path: Path) -> None:
    missing = _ingest(services, tmp_path / "nope.json")
    assert missing.returncode == 2
    assert "nope.json" in missing.stderr

    broken = tmp_path / "broken.json"
    broken.write_text('{"title": "x", "messages": [', encoding="utf-8")
    bad = _ingest(services, broken)
    assert bad.returncode == 2
    assert "broken.json" in bad.stderr
    assert "line 1" in bad.stderr
