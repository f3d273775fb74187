"""Building the Neo4j runtime, and the launcher JVM that both a build and a server start run.

`install_neo4j` builds runtime/neo4j (a Maven project: org.neo4j:neo4j plus a small launcher on
the public embedded API) into a cache directory and smoke-tests it with one training run.
This module also holds what app.localstack.neo4j, which starts and reuses servers, shares with
that training run: `Neo4jSpec`, the launcher's command line (`launcher_argv`) and its readiness
handshake (`wait_ready`).
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
    died_message,
    file_lock,
    free_port,
    process_cmdline,
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
JAVA_HINT = "install OpenJDK 17 (apt-get install openjdk-17-jre-headless)"

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
# build


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


def require_tool(tool: str, hint: str) -> str:
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
        require_tool("java", JAVA_HINT)
        require_tool(
            "javac", "install the OpenJDK 17 JDK (apt-get install openjdk-17-jdk-headless)"
        )
        mvn = require_tool("mvn", "install Maven 3.8+ (apt-get install maven)")
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


def _training_run(build_dir: Path, cache_dir: Path) -> None:
    """Start and stop the fresh build once in a scratch home: a smoke test that also records
    the class-data-sharing archive later starts load (-XX:ArchiveClassesAtExit)."""
    java = require_tool("java", JAVA_HINT)
    with tempfile.TemporaryDirectory(prefix="neo4j-training-", dir=cache_dir) as scratch:
        home = Path(scratch)
        spec = Neo4jSpec(
            home=home, host="127.0.0.1", port=free_port(), password=secrets.token_hex(12)
        )
        conf = home / "neo4j.conf"
        shutil.copyfile(RUNTIME_DIR / "neo4j.conf", conf)
        argv = launcher_argv(java, build_dir, spec, home, conf, cds="create")
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
            wait_ready(spec, process, log_path, offset, time.monotonic() + 180.0)
        finally:
            stop_process("neo4j-training", process.pid, timeout=120.0, process=process)
    if process.returncode not in (0, 143):
        log.warning("neo4j.training_exit", code=process.returncode, log=str(log_path))
    if not (build_dir / CDS_ARCHIVE).is_file():
        log.warning("neo4j.cds_archive_missing", log=str(log_path))


# --------------------------------------------------------------------------------------------
# the launcher: its command line and readiness handshake (app.localstack.neo4j uses them too)


def launcher_argv(
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


def bolt_url(spec: Neo4jSpec) -> str:
    host = f"[{spec.host}]" if ":" in spec.host else spec.host
    return f"bolt://{host}:{spec.port}"


def check_login(url: str, password: str, timeout: float = 10.0) -> str:
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


def wrong_password(spec: Neo4jSpec) -> LocalServiceError:
    return LocalServiceError(
        f"Neo4j at {bolt_url(spec)} rejects the configured password for user neo4j; the store in "
        f"{spec.home / 'data'} was created with another one (set LIBRARIAN_NEO4J_PASSWORD to it, "
        f"or delete {spec.home} for a fresh store)"
    )


def wait_ready(
    spec: Neo4jSpec,
    process: subprocess.Popen[bytes],
    log_path: Path,
    offset: int,
    deadline: float,
) -> str:
    url = bolt_url(spec)
    pid_mark = f"pid={process.pid}"
    while True:
        exited = process.poll() is not None
        lines = read_from(log_path, offset).splitlines()
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
        return check_login(url, spec.password)
    except AuthError as exc:
        raise wrong_password(spec) from exc
    except (ServiceUnavailable, Neo4jError, OSError) as exc:
        raise LocalServiceError(f"neo4j printed READY but {url} does not answer: {exc}") from exc


def _failure_message(process: subprocess.Popen[bytes], log_path: Path, offset: int) -> str:
    mark = f"{FAILED_MARK}pid={process.pid} "
    reasons = [
        line.split(mark, 1)[1].strip()
        for line in read_from(log_path, offset).splitlines()
        if mark in line
    ]
    if not reasons:
        return died_message("neo4j", process, log_path, offset)
    return (
        f"neo4j failed to start: {reasons[-1]}; last lines of {log_path}:\n"
        f"{tail(log_path, 20, offset)}"
    )


def read_from(path: Path, offset: int) -> str:
    try:
        with path.open("rb") as fh:
            fh.seek(offset)
            return fh.read().decode(errors="replace")
    except OSError:
        return ""
