"""The UI end to end: Playwright drives Debian's Chromium against the real stack.

Neo4j, Redis, a worker process and the API (serving the built UI from frontend/dist) are the
test session's own. The browser side is `frontend/e2e/` (Playwright Test, no browser download:
it launches /usr/bin/chromium). Screenshots of every view go to test-output/e2e/screenshots.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys

import neo4j
import pytest

from app.graph.tokens import IssuedToken
from tests.conftest import REPO

FRONTEND = REPO / "frontend"
OUTPUT = REPO / "test-output" / "e2e"


def _chromium() -> str:
    path = os.environ.get("LIBRARIAN_E2E_CHROMIUM") or shutil.which("chromium")
    if path is None:
        pytest.fail(
            "Chromium is missing: `make test` installs Debian's package "
            "(apt-get install chromium); or set LIBRARIAN_E2E_CHROMIUM to a Chromium binary"
        )
    return path


@pytest.mark.timeout(900)
async def test_a_newcomer_signs_in_ingests_explores_asks_and_exports(
    api_url: str,
    graph: neo4j.AsyncDriver,
    worker: subprocess.Popen[bytes],
    admin_token: IssuedToken,
) -> None:
    if not (FRONTEND / "dist" / "index.html").is_file():
        pytest.fail("the UI is not built: `make test` builds it (cd frontend && npm run build)")
    if not (FRONTEND / "node_modules" / "@playwright" / "test").is_dir():
        pytest.fail("the UI's packages are not installed: `make test` runs npm ci in frontend/")
    shutil.rmtree(OUTPUT, ignore_errors=True)
    env = {
        **os.environ,
        "LIBRARIAN_E2E_URL": api_url,
        "LIBRARIAN_E2E_TOKEN": admin_token.secret,
        "LIBRARIAN_E2E_CHROMIUM": _chromium(),
        "LIBRARIAN_E2E_OUTPUT": str(OUTPUT),
        "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1",
        "CI": "1",
    }
    # Off the event loop: the session's async fixtures share it with this test.
    result = await asyncio.to_thread(
        subprocess.run,
        ["npx", "--no-install", "playwright", "test"],
        cwd=FRONTEND,
        env=env,
        capture_output=True,
        text=True,
        timeout=840,
    )
    sys.stdout.write(result.stdout[-6000:])
    assert result.returncode == 0, result.stdout[-12000:] + result.stderr[-4000:]
    shots = sorted(p.name for p in (OUTPUT / "screenshots").glob("*.png"))
    assert shots, "the run saved no screenshot"
