"""The UI end to end: Playwright drives Debian's Chromium against the real stack.

Neo4j, Redis, a worker process and the API (serving the built UI from frontend/dist) are the
test session's own. The browser side is `frontend/e2e/` (Playwright Test, no browser download:
it launches /usr/bin/chromium). Screenshots of every view go to test-output/e2e/screenshots.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys

import neo4j
import pytest

from app.graph.tokens import IssuedToken
from tests.conftest import REPO

FRONTEND = REPO / "frontend"
#: Every view populated, and its empty, loading and error states where it has them.
SCREENSHOTS = {
    f"{view}-{state}" if state else view
    for view, states in {
        "signin": ("", "error"),
        "conversations": ("", "empty", "loading", "error", "ingesting"),
        "conversation": ("cited-message", "loading", "error"),
        "search": ("", "empty", "loading", "error", "no-results"),
        "entity": ("", "loading", "error", "not-found", "provenance"),
        "graph": ("", "empty", "loading", "error"),
        "schema": ("", "empty", "loading", "error"),
        "ask": ("", "empty", "loading", "error"),
        "export": ("", "loading", "error", "done"),
        "status": ("", "loading", "error"),
    }.items()
    for state in states
}
OUTPUT = REPO / "test-output" / "e2e"


def _chromium() -> str:
    path = os.environ.get("LIBRARIAN_E2E_CHROMIUM") or shutil.which("chromium")
    if path is None:
        pytest.fail(
            "Chromium is missing: `make test` installs Debian's package "
            "(apt-get install chromium); or set LIBRARIAN_E2E_CHROMIUM to a Chromium binary"
        )
    return path


def _run_browser_tests(env: dict[str, str]) -> tuple[int, str]:
    """Playwright's exit status and output. On a timeout the whole process group goes (npx,
    Playwright, Chromium), so no browser outlives the test."""
    proc = subprocess.Popen(
        ["npx", "--no-install", "playwright", "test"],
        cwd=FRONTEND,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        out, _ = proc.communicate(timeout=840)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        return -1, out + "\n(the browser tests ran past 840 s and were killed)"
    return proc.returncode, out


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
    returncode, out = await asyncio.to_thread(_run_browser_tests, env)
    sys.stdout.write(out[-6000:])
    assert returncode == 0, out[-16000:]
    shots = {p.stem for p in (OUTPUT / "screenshots").glob("*.png")}
    assert not SCREENSHOTS - shots, f"views not photographed: {sorted(SCREENSHOTS - shots)}"
