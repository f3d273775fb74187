"""Redis on this machine without Docker: Debian's redis-server with our own config."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import redis
import structlog

from app.localstack._process import (
    POLL_INTERVAL,
    REPO_ROOT,
    LocalServiceError,
    RunningService,
    died_message,
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

log = structlog.get_logger(__name__)

CONF_TEMPLATE = REPO_ROOT / "runtime" / "redis" / "redis.conf.template"
PORT_ENV = "LIBRARIAN_REDIS_PORT"
FALLBACK_PATHS = (Path("/usr/bin/redis-server"), Path("/usr/sbin/redis-server"))


@dataclass(frozen=True)
class RedisSpec:
    home: Path
    host: str
    port: int


def _find_redis_server() -> str | None:
    found = shutil.which("redis-server")
    if found is not None:
        return found
    for path in FALLBACK_PATHS:
        if os.access(path, os.X_OK):
            return str(path)
    return None


def _apt_get(*args: str) -> subprocess.CompletedProcess[str]:
    prefix: list[str] = []
    if os.geteuid() != 0:
        sudo = shutil.which("sudo")
        if sudo is None:
            raise LocalServiceError(
                "redis-server not found and installing it needs root: "
                "run `sudo apt-get install -y redis-server`"
            )
        prefix = [sudo, "-n"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    return subprocess.run(
        [*prefix, "apt-get", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def ensure_redis_installed() -> str:
    """Path to redis-server; installs Debian's package with apt-get if it is missing."""
    found = _find_redis_server()
    if found is not None:
        return found
    if shutil.which("apt-get") is None:
        raise LocalServiceError(
            "redis-server not found and apt-get is missing: install Redis 7 (redis-server) by hand"
        )
    log.info("redis.installing", via="apt-get install -y redis-server")
    result = _apt_get("install", "-y", "--no-install-recommends", "redis-server")
    if result.returncode != 0:
        log.info("redis.apt_update", reason="install failed, refreshing package lists")
        _apt_get("update")
        result = _apt_get("install", "-y", "--no-install-recommends", "redis-server")
    found = _find_redis_server()
    if result.returncode != 0 or found is None:
        last = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        raise LocalServiceError(
            f"`apt-get install -y redis-server` failed (exit {result.returncode}): {last[0]}"
        )
    log.info("redis.installed", path=found)
    return found


def _url(spec: RedisSpec) -> str:
    host = f"[{spec.host}]" if ":" in spec.host else spec.host
    return f"redis://{host}:{spec.port}/0"


def _render_conf(spec: RedisSpec, home: Path) -> Path:
    text = (
        CONF_TEMPLATE.read_text()
        .replace("{{BIND}}", spec.host)
        .replace("{{PORT}}", str(spec.port))
        .replace("{{DIR}}", str(home))
    )
    conf = home / "redis.conf"
    conf.write_text(text)
    return conf


def _pings(spec: RedisSpec) -> bool:
    client = redis.Redis(
        host=spec.host, port=spec.port, socket_timeout=1.0, socket_connect_timeout=1.0
    )
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        with contextlib.suppress(redis.RedisError):
            client.close()


def _is_redis(cmdline: list[str]) -> bool:
    # redis-server rewrites its process title to "redis-server HOST:PORT".
    return any("redis-server" in part for part in cmdline)


def start_redis(spec: RedisSpec, *, timeout: float = 30.0) -> RunningService:
    """Start redis-server for `spec` (or reuse the one already running from `spec.home`)."""
    if not 1 <= spec.port <= 65535:
        raise LocalServiceError(f"invalid Redis port {spec.port}; set {PORT_ENV}")
    home = make_home(spec.home)
    # One starter per home at a time: a concurrent call waits, then reuses this one's server.
    with file_lock(home / ".start.lock"):
        return _start_locked(spec, home, timeout)


def _start_locked(spec: RedisSpec, home: Path, timeout: float) -> RunningService:
    pid_file = home / "redis.pid"
    log_path = home / "redis.log"
    url = _url(spec)

    existing = recorded_server("redis", pid_file, _is_redis)
    if existing is not None:
        if port_answers(spec.host, spec.port) and _pings(spec):
            log.info("redis.reused", url=url, pid=existing)
            return RunningService(
                name="redis",
                pid=existing,
                url=url,
                log_path=log_path,
                reused=True,
                pid_file=pid_file,
            )
        raise LocalServiceError(
            f"Redis from {spec.home} is already running (pid {existing}) but does not answer on "
            f"{spec.host}:{spec.port}; stop it (kill {existing}) or set {PORT_ENV} to its port"
        )

    if not port_is_free(spec.host, spec.port):
        raise LocalServiceError(port_taken_message(spec.host, spec.port, PORT_ENV))

    server = ensure_redis_installed()
    conf = _render_conf(spec, home)
    log.info("redis.starting", home=str(home), url=url)
    started = time.monotonic()
    process, offset = spawn(
        "redis", [server, str(conf)], log_path=log_path, pid_file=pid_file, cwd=home
    )
    try:
        deadline = started + timeout
        while not _pings(spec):
            if process.poll() is not None:
                raise LocalServiceError(died_message("redis", process, log_path, offset))
            if time.monotonic() >= deadline:
                raise LocalServiceError(
                    f"redis did not answer PING within {timeout:.0f} s; last lines of "
                    f"{log_path}:\n{tail(log_path, 20, offset)}"
                )
            time.sleep(POLL_INTERVAL)
    except BaseException:
        stop_process("redis", process.pid, timeout=10.0, process=process)
        remove_file(pid_file)
        raise
    log.info("redis.ready", url=url, pid=process.pid, seconds=round(time.monotonic() - started, 2))
    return RunningService(
        name="redis",
        pid=process.pid,
        url=url,
        log_path=log_path,
        reused=False,
        pid_file=pid_file,
        process=process,
    )
