"""Neo4j 5.26 Community on this machine without Docker: an embedded DBMS with Bolt.

`install_neo4j` builds runtime/neo4j (a Maven project: org.neo4j:neo4j plus a small launcher on
the public embedded API) into a cache directory; `start_neo4j` runs it as a child JVM.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import structlog
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable

from app.localstack._process import (
    POLL_INTERVAL,
    REPO_ROOT,
    LocalServiceError,
    RunningService,
    died_message,
    file_lock,
    free_port,
    make_home,
    port_answers,
    port_is_free,
    port_taken_message,
    process_cmdline,
    recorded_server,
    remove_file,
    spawn,
    stop_process,
    tail,
)

log = structlog.get_logger(__name__)

RUNTIME_DIR = REPO_ROOT / "runtime" / "neo4j"
DEFAULT_CACHE_DIR = REPO_ROOT / "var" / "cache" / "neo4j"
MAIN_CLASS = "org.librarian.runtime.Neo4jLauncher"
READY_MARK = "LIBRARIAN-NEO4J READY "
FAILED_MARK = "LIBRARIAN-NEO4J FAILED "
# Read by the launcher; the password stays off the command line.
PASSWORD_ENV = "LIBRARIAN_NEO4J_PASSWORD"  # noqa: S105 (a variable name, not a password)
PORT_ENV = "LIBRARIAN_NEO4J_PORT"
JAVA_HINT = "install OpenJDK 17 (apt-get install openjdk-17-jre-headless)"
MIN_PASSWORD_LENGTH = 8  # Neo4j 5 default dbms.security.auth_minimum_password_length

# The flags Neo4j 5.26's own neo4j.conf passes (server.jvm.additional), minus the ones that trade
# memory for throughput (AlwaysPreTouch) or that Neo4j says to drop when embedded
# (TrustFinalNonStaticFields). The --add-opens are required on Java 17.
JVM_FLAGS: tuple[str, ...] = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+DisableExplicitGC",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
)
LAUNCHER_JAR = "librarian-neo4j-launcher.jar"
CDS_ARCHIVE = "launcher-cds.jsa"  # class-data-sharing archive: ~30% faster JVM start
INITIAL_HEAP_MB = 128  # -Xms: grow towards heap_mb only when needed (this shares a small machine)


@dataclass(frozen=True)
class Neo4jSpec:
    home: Path
    host: str
    port: int
    password: str = field(repr=False)
    heap_mb: int = 512
    pagecache_mb: int = 256
    cache_dir: Path = DEFAULT_CACHE_DIR


# --------------------------------------------------------------------------------------------
# install


def _build_key() -> str:
    """Hash of everything that shapes the build: the pom and the launcher sources."""
    digest = hashlib.sha256()
    files = [RUNTIME_DIR / "pom.xml", *sorted((RUNTIME_DIR / "src").rglob("*.java"))]
    for path in files:
        digest.update(path.relative_to(RUNTIME_DIR).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _require_tool(tool: str, hint: str) -> str:
    found = shutil.which(tool)
    if found is None:
        raise LocalServiceError(f"{tool} not found: {hint}")
    return found


def _is_built(build_dir: Path, key: str) -> bool:
    stamp = build_dir / ".librarian-stamp"
    try:
        return (
            stamp.read_text().strip() == key
            and (build_dir / LAUNCHER_JAR).is_file()
            and any((build_dir / "lib").glob("neo4j-kernel-*.jar"))
        )
    except OSError:
        return False


def install_neo4j(cache_dir: Path = DEFAULT_CACHE_DIR) -> Path:
    """Build the launcher and collect the Neo4j jars under `cache_dir`; idempotent.

    Returns the build directory (`librarian-neo4j-launcher.jar`, `lib/` and the CDS archive
    inside), named after a hash of runtime/neo4j so a changed recipe builds beside, never over,
    a build that a running server still uses. A second call with the same runtime/neo4j content
    returns at once. Maven's ~/.m2 caches the downloads.
    """
    cache_dir = cache_dir.resolve()
    key = _build_key()
    build_dir = cache_dir / f"build-{key[:16]}"
    if _is_built(build_dir, key):
        log.debug("neo4j.install_cached", build_dir=str(build_dir))
        return build_dir
    with file_lock(cache_dir / ".install.lock"):
        if _is_built(build_dir, key):  # another process built it while we waited
            return build_dir
        _require_tool("java", JAVA_HINT)
        _require_tool(
            "javac", "install the OpenJDK 17 JDK (apt-get install openjdk-17-jdk-headless)"
        )
        mvn = _require_tool("mvn", "install Maven 3.8+ (apt-get install maven)")
        install_log = cache_dir / "install.log"
        if build_dir.exists():
            shutil.rmtree(build_dir)  # a half-finished earlier attempt
        argv = [
            mvn,
            "-B",
            "--no-transfer-progress",
            "-Dstyle.color=never",
            "-f",
            str(RUNTIME_DIR / "pom.xml"),
            f"-Dlibrarian.out={build_dir}",
            "package",
        ]
        log.info("neo4j.install_started", build_dir=str(build_dir), log=str(install_log))
        started = time.monotonic()
        with install_log.open("wb") as out:
            result = subprocess.run(
                argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, check=False
            )
        if result.returncode != 0:
            raise LocalServiceError(
                f"building the Neo4j runtime failed (mvn exit {result.returncode}; the first "
                f"build downloads from Maven Central); see {install_log}"
            )
        if not (build_dir / LAUNCHER_JAR).is_file() or not (build_dir / "lib").is_dir():
            raise LocalServiceError(f"the Neo4j build produced no launcher jar; see {install_log}")
        _training_run(build_dir, cache_dir)
        (build_dir / ".librarian-stamp").write_text(key + "\n")
        log.info(
            "neo4j.install_done",
            build_dir=str(build_dir),
            seconds=round(time.monotonic() - started, 1),
        )
        _remove_unused_builds(cache_dir, keep=build_dir)
        return build_dir


def _remove_unused_builds(cache_dir: Path, keep: Path) -> None:
    """Delete older builds that no running process has on its command line."""
    in_use = " ".join(
        " ".join(process_cmdline(int(proc.name)))
        for proc in Path("/proc").iterdir()
        if proc.name.isdigit()
    )
    for old in cache_dir.glob("build*"):
        if old != keep and old.is_dir() and f"{old}{os.sep}" not in in_use:
            log.info("neo4j.old_build_removed", build_dir=str(old))
            shutil.rmtree(old, ignore_errors=True)


def _launcher_argv(
    java: str,
    build_dir: Path,
    spec: Neo4jSpec,
    home: Path,
    conf: Path,
    *,
    cds: Literal["use", "create"] = "use",
) -> list[str]:
    archive = build_dir / CDS_ARCHIVE
    if cds == "create":
        share = [f"-XX:ArchiveClassesAtExit={archive}", "-Xlog:cds=error"]
    elif archive.is_file():
        # A stale archive (e.g. after a JDK upgrade) is ignored by the JVM; keep that quiet.
        share = [f"-XX:SharedArchiveFile={archive}", "-Xlog:cds=off", "-Xlog:cds+dynamic=off"]
    else:
        share = []
    return [
        java,
        f"-Xms{min(INITIAL_HEAP_MB, spec.heap_mb)}m",
        f"-Xmx{spec.heap_mb}m",
        *JVM_FLAGS,
        *share,
        "-cp",
        f"{build_dir / LAUNCHER_JAR}{os.pathsep}{build_dir / 'lib'}/*",
        MAIN_CLASS,
        "--home",
        str(home),
        "--listen",
        f"{spec.host}:{spec.port}",
        "--pagecache-mb",
        str(spec.pagecache_mb),
        "--conf",
        str(conf),
    ]


def _training_run(build_dir: Path, cache_dir: Path) -> None:
    """Start and stop the fresh build once in a scratch home: a smoke test that also records
    the class-data-sharing archive later starts load (-XX:ArchiveClassesAtExit)."""
    java = _require_tool("java", JAVA_HINT)
    with tempfile.TemporaryDirectory(prefix="neo4j-training-", dir=cache_dir) as scratch:
        home = Path(scratch)
        spec = Neo4jSpec(
            home=home, host="127.0.0.1", port=free_port(), password=secrets.token_hex(12)
        )
        conf = home / "neo4j.conf"
        shutil.copyfile(RUNTIME_DIR / "neo4j.conf", conf)
        argv = _launcher_argv(java, build_dir, spec, home, conf, cds="create")
        env = dict(os.environ)
        env[PASSWORD_ENV] = spec.password
        log_path = cache_dir / "training-run.log"
        remove_file(log_path)
        log.info("neo4j.training_run", log=str(log_path))
        process, offset = spawn(
            "neo4j-training",
            argv,
            log_path=log_path,
            pid_file=home / "neo4j.pid",
            env=env,
            cwd=home,
        )
        try:
            _wait_ready(spec, process, log_path, offset, time.monotonic() + 180.0)
        finally:
            stop_process("neo4j-training", process.pid, timeout=120.0, process=process)
    if process.returncode not in (0, 143):
        log.warning("neo4j.training_exit", code=process.returncode, log=str(log_path))
    if not (build_dir / CDS_ARCHIVE).is_file():
        log.warning("neo4j.cds_archive_missing", log=str(log_path))


# --------------------------------------------------------------------------------------------
# start


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


def _url(spec: Neo4jSpec) -> str:
    host = f"[{spec.host}]" if ":" in spec.host else spec.host
    return f"bolt://{host}:{spec.port}"


def _is_our_launcher(home: Path) -> Callable[[list[str]], bool]:
    def check(cmdline: list[str]) -> bool:
        return MAIN_CLASS in cmdline and str(home) in cmdline

    return check


def _check_login(url: str, password: str, timeout: float = 10.0) -> str:
    """Run `CALL dbms.components()` as neo4j/<password>; returns the server version."""
    with GraphDatabase.driver(
        url, auth=("neo4j", password), connection_timeout=timeout, max_connection_pool_size=1
    ) as driver:
        records, _, _ = driver.execute_query(
            "CALL dbms.components() YIELD name, versions RETURN name, versions"
        )
    for record in records:
        if record["name"] == "Neo4j Kernel":
            return str(record["versions"][0])
    return "?"


def _wrong_password(spec: Neo4jSpec) -> LocalServiceError:
    return LocalServiceError(
        f"Neo4j at {_url(spec)} rejects the configured password for user neo4j; the store in "
        f"{spec.home / 'data'} was created with another one (set LIBRARIAN_NEO4J_PASSWORD to it, "
        f"or delete {spec.home} for a fresh store)"
    )


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
    url = _url(spec)

    existing = recorded_server("neo4j", pid_file, _is_our_launcher(home))
    if existing is not None:
        return _reuse(spec, existing, pid_file, log_path, timeout)

    if not port_is_free(spec.host, spec.port):
        raise LocalServiceError(port_taken_message(spec.host, spec.port, PORT_ENV))

    build_dir = install_neo4j(spec.cache_dir)
    java = _require_tool("java", JAVA_HINT)
    conf = home / "neo4j.conf"
    shutil.copyfile(RUNTIME_DIR / "neo4j.conf", conf)
    argv = _launcher_argv(java, build_dir, spec, home, conf)
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
        version = _wait_ready(spec, process, log_path, offset, started + timeout)
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


def _wait_ready(
    spec: Neo4jSpec,
    process: subprocess.Popen[bytes],
    log_path: Path,
    offset: int,
    deadline: float,
) -> str:
    url = _url(spec)
    pid_mark = f"pid={process.pid}"
    while True:
        exited = process.poll() is not None
        lines = _read_from(log_path, offset).splitlines()
        if any(line.startswith(READY_MARK) and line.endswith(pid_mark) for line in lines):
            break
        if exited or any(line.startswith(f"{FAILED_MARK}{pid_mark} ") for line in lines):
            # The launcher shuts down after a failed start; let it finish, then report.
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(30.0)
            raise LocalServiceError(_failure_message(process, log_path, offset))
        if time.monotonic() >= deadline:
            raise LocalServiceError(
                f"neo4j did not become ready within the timeout; last lines of {log_path}:\n"
                f"{tail(log_path, 20, offset)}"
            )
        time.sleep(POLL_INTERVAL)
    try:
        return _check_login(url, spec.password)
    except AuthError as exc:
        raise _wrong_password(spec) from exc
    except (ServiceUnavailable, Neo4jError, OSError) as exc:
        raise LocalServiceError(f"neo4j printed READY but {url} does not answer: {exc}") from exc


def _failure_message(process: subprocess.Popen[bytes], log_path: Path, offset: int) -> str:
    mark = f"{FAILED_MARK}pid={process.pid} "
    reasons = [
        line.split(mark, 1)[1].strip()
        for line in _read_from(log_path, offset).splitlines()
        if mark in line
    ]
    if not reasons:
        return died_message("neo4j", process, log_path, offset)
    return (
        f"neo4j failed to start: {reasons[-1]}; last lines of {log_path}:\n"
        f"{tail(log_path, 20, offset)}"
    )


def _read_from(path: Path, offset: int) -> str:
    try:
        with path.open("rb") as fh:
            fh.seek(offset)
            return fh.read().decode(errors="replace")
    except OSError:
        return ""


def _ready_url(log_path: Path, pid: int) -> str | None:
    """The Bolt URL from the launcher's READY line for `pid`, once it has printed one."""
    suffix = f" pid={pid}"
    for line in reversed(_read_from(log_path, 0).splitlines()):
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
    url = _url(spec)
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
        version = _check_login(url, spec.password)
    except AuthError as exc:
        raise _wrong_password(spec) from exc
    except (ServiceUnavailable, Neo4jError, OSError) as exc:
        raise LocalServiceError(
            f"Neo4j from {spec.home} (pid {pid}) is running but {url} does not work: {exc}"
        ) from exc
    log.info("neo4j.reused", url=url, pid=pid, version=version)
    return RunningService(
        name="neo4j", pid=pid, url=url, log_path=log_path, reused=True, pid_file=pid_file
    )
