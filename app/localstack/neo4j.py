"""Starting, reusing and stopping a local Neo4j 5.26 Community server without Docker.

`start_neo4j` runs the embedded DBMS with Bolt as a child JVM from the build that
app.localstack.neo4j_install makes (building it first if needed), or reuses the server already
running from the same home directory; the caller stops it with `RunningService.stop()`.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import structlog
from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable

from app.localstack._process import (
    POLL_INTERVAL,
    LocalServiceError,
    RunningService,
    file_lock,
    make_home,
    port_answers,
    port_is_free,
    port_taken_message,
    recorded_server,
    remove_file,
    spawn,
    stop_process,
    tail,
)
from app.localstack.neo4j_install import (
    JAVA_HINT,
    MAIN_CLASS,
    PASSWORD_ENV,
    READY_MARK,
    RUNTIME_DIR,
    Neo4jSpec,
    bolt_url,
    check_login,
    install_neo4j,
    launcher_argv,
    read_from,
    require_tool,
    wait_ready,
    wrong_password,
)

log = structlog.get_logger(__name__)

PORT_ENV = "LIBRARIAN_NEO4J_PORT"
MIN_PASSWORD_LENGTH = 8  # Neo4j 5 default dbms.security.auth_minimum_password_length


def _validate(spec: Neo4jSpec) -> None:
    if len(spec.password) < MIN_PASSWORD_LENGTH:
        raise LocalServiceError(
            f"the Neo4j password must have at least {MIN_PASSWORD_LENGTH} characters"
        )
    if not 1 <= spec.port <= 65535:
        raise LocalServiceError(f"invalid Neo4j port {spec.port}; set {PORT_ENV}")
    if spec.heap_mb < 128 or spec.pagecache_mb < 8:
        raise LocalServiceError(
            f"Neo4j needs heap_mb >= 128 and pagecache_mb >= 8 "
            f"(got {spec.heap_mb} and {spec.pagecache_mb})"
        )


def _is_our_launcher(home: Path) -> Callable[[list[str]], bool]:
    def check(cmdline: list[str]) -> bool:
        return MAIN_CLASS in cmdline and str(home) in cmdline

    return check


def start_neo4j(spec: Neo4jSpec, *, timeout: float = 180.0) -> RunningService:
    """Start Neo4j for `spec` (or reuse the one already running from `spec.home`)."""
    _validate(spec)
    home = make_home(spec.home)
    # One starter per home at a time: a concurrent call waits, then reuses this one's server.
    with file_lock(home / ".start.lock"):
        return _start_locked(spec, home, timeout)


def _start_locked(spec: Neo4jSpec, home: Path, timeout: float) -> RunningService:
    pid_file = home / "neo4j.pid"
    log_path = home / "neo4j.log"
    url = bolt_url(spec)

    existing = recorded_server("neo4j", pid_file, _is_our_launcher(home))
    if existing is not None:
        return _reuse(spec, existing, pid_file, log_path, timeout)

    if not port_is_free(spec.host, spec.port):
        raise LocalServiceError(port_taken_message(spec.host, spec.port, PORT_ENV))

    build_dir = install_neo4j(spec.cache_dir)
    java = require_tool("java", JAVA_HINT)
    conf = home / "neo4j.conf"
    shutil.copyfile(RUNTIME_DIR / "neo4j.conf", conf)
    argv = launcher_argv(java, build_dir, spec, home, conf)
    env = dict(os.environ)
    env[PASSWORD_ENV] = spec.password
    log.info(
        "neo4j.starting",
        home=str(home),
        url=url,
        heap_mb=spec.heap_mb,
        pagecache_mb=spec.pagecache_mb,
    )
    started = time.monotonic()
    process, offset = spawn("neo4j", argv, log_path=log_path, pid_file=pid_file, env=env, cwd=home)
    try:
        version = wait_ready(spec, process, log_path, offset, started + timeout)
    except BaseException:
        stop_process("neo4j", process.pid, timeout=30.0, process=process)
        remove_file(pid_file)
        raise
    log.info(
        "neo4j.ready",
        url=url,
        pid=process.pid,
        version=version,
        seconds=round(time.monotonic() - started, 1),
    )
    return RunningService(
        name="neo4j",
        pid=process.pid,
        url=url,
        log_path=log_path,
        reused=False,
        pid_file=pid_file,
        process=process,
    )


def _ready_url(log_path: Path, pid: int) -> str | None:
    """The Bolt URL from the launcher's READY line for `pid`, once it has printed one."""
    suffix = f" pid={pid}"
    for line in reversed(read_from(log_path, 0).splitlines()):
        if line.startswith(READY_MARK) and line.endswith(suffix):
            return line[len(READY_MARK) :].split()[0]
    return None


def _reuse(
    spec: Neo4jSpec, pid: int, pid_file: Path, log_path: Path, timeout: float
) -> RunningService:
    """A launcher from this home is alive: reuse it if it serves spec.port.

    It may still be starting (another process launched it a moment ago): wait for its READY line
    first, so that the login check does not race the initial password change.
    """
    url = bolt_url(spec)
    home = spec.home.resolve()
    deadline = time.monotonic() + timeout
    ready_url = _ready_url(log_path, pid)
    while ready_url is None and time.monotonic() < deadline:
        if recorded_server("neo4j", pid_file, _is_our_launcher(home)) is None:
            raise LocalServiceError(
                f"Neo4j from {spec.home} (pid {pid}) exited while starting; last lines of "
                f"{log_path}:\n{tail(log_path)}"
            )
        time.sleep(POLL_INTERVAL)
        ready_url = _ready_url(log_path, pid)
    wrong_port = ready_url is not None and not ready_url.endswith(f":{spec.port}")
    if wrong_port or not port_answers(spec.host, spec.port):
        where = f"on {ready_url}" if ready_url is not None else "but is not ready"
        raise LocalServiceError(
            f"Neo4j from {spec.home} is already running (pid {pid}) {where}, not on "
            f"{spec.host}:{spec.port}; stop it (kill {pid}) or set {PORT_ENV} to its port"
        )
    try:
        version = check_login(url, spec.password)
    except AuthError as exc:
        raise wrong_password(spec) from exc
    except (ServiceUnavailable, Neo4jError, OSError) as exc:
        raise LocalServiceError(
            f"Neo4j from {spec.home} (pid {pid}) is running but {url} does not work: {exc}"
        ) from exc
    log.info("neo4j.reused", url=url, pid=pid, version=version)
    return RunningService(
        name="neo4j", pid=pid, url=url, log_path=log_path, reused=True, pid_file=pid_file
    )
