"""Process, pid-file and port helpers shared by the Neo4j and Redis starters."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import structlog

log = structlog.get_logger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
"""The checkout: runtime/ (build recipes, templates) and the default var/ live here."""

POLL_INTERVAL = 0.2


class LocalServiceError(RuntimeError):
    """A local server could not be installed or started; the message is one line for a human."""


class RunningService:
    """Handle to a started (or reused) local server."""

    def __init__(
        self,
        *,
        name: str,
        pid: int,
        url: str,
        log_path: Path,
        reused: bool,
        pid_file: Path | None = None,
        process: subprocess.Popen[bytes] | None = None,
    ) -> None:
        self.name = name
        self.pid = pid
        self.url = url
        self.log_path = log_path
        self.reused = reused
        self._pid_file = pid_file
        self._process = process

    def __repr__(self) -> str:
        return (
            f"RunningService(name={self.name!r}, pid={self.pid}, url={self.url!r}, "
            f"reused={self.reused})"
        )

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM, wait up to `timeout` seconds, then SIGKILL. No-op for a reused server."""
        if self.reused:
            log.info("service.stop_skipped", service=self.name, pid=self.pid, reason="reused")
            return
        stop_process(self.name, self.pid, timeout=timeout, process=self._process)
        if self._pid_file is not None and read_pid_file(self._pid_file) == self.pid:
            remove_file(self._pid_file)


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive flock on `path` for the duration of the block (waits for other holders)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port on `host` that nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def port_is_free(host: str, port: int) -> bool:
    """True if a server could listen on host:port (bind test, as the servers do it)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise LocalServiceError(f"cannot use {host}:{port}: {exc.strerror}") from exc
    return True


def port_answers(host: str, port: int, timeout: float = 1.0) -> bool:
    """True if something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def port_taken_message(host: str, port: int, env_var: str) -> str:
    owner = listener_pid(port)
    who = f"pid {owner}" if owner is not None else "pid unknown"
    return f"port {port} on {host} is taken by another process ({who}); set {env_var}"


def listener_pid(port: int) -> int | None:
    """Best effort (Linux /proc): the pid of the process listening on TCP `port`, if visible."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) < 10:
                continue
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:  # 0A = LISTEN
                inodes.add(f"socket:[{inode}]")
    if not inodes:
        return None
    for proc_dir in Path("/proc").iterdir():
        if not proc_dir.name.isdigit():
            continue
        try:
            for fd in (proc_dir / "fd").iterdir():
                with contextlib.suppress(OSError):
                    if os.readlink(fd) in inodes:
                        return int(proc_dir.name)
        except OSError:
            continue
    return None


def pid_alive(pid: int) -> bool:
    """True if `pid` exists and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc: trust kill(0)
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def process_cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def make_home(home: Path) -> Path:
    """Create a server's home directory; its absolute path."""
    home = home.resolve()
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LocalServiceError(f"cannot create the directory {home}: {exc.strerror}") from exc
    return home


def read_pid_file(path: Path) -> int | None:
    try:
        text = path.read_text().strip()
    except FileNotFoundError:
        return None
    try:
        return int(text.split()[0])
    except (ValueError, IndexError):
        return None


def write_pid_file(path: Path, pid: int) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(f"{pid}\n")
    tmp.replace(path)


def remove_file(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def tail(path: Path, lines: int = 20, start: int = 0) -> str:
    """The last `lines` lines of a log file (from byte offset `start`), for error messages."""
    try:
        with path.open("rb") as fh:
            fh.seek(start)
            data = fh.read()
    except OSError:
        return "(no log)"
    text = data.decode(errors="replace").rstrip("\n")
    return "\n".join(text.splitlines()[-lines:]) if text else "(log is empty)"


def recorded_server(name: str, pid_file: Path, is_ours: Callable[[list[str]], bool]) -> int | None:
    """The pid in `pid_file` if it is alive and its command line is ours; else clean up."""
    pid = read_pid_file(pid_file)
    if pid is None:
        if pid_file.exists():
            log.warning("service.pid_file_unreadable", service=name, pid_file=str(pid_file))
            remove_file(pid_file)
        return None
    if pid_alive(pid) and is_ours(process_cmdline(pid)):
        return pid
    log.info("service.stale_pid_file", service=name, pid=pid, pid_file=str(pid_file))
    remove_file(pid_file)
    return None


def spawn(
    name: str,
    argv: Sequence[str],
    *,
    log_path: Path,
    pid_file: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> tuple[subprocess.Popen[bytes], int]:
    """Start `argv` in its own session with stdout+stderr appended to `log_path`.

    Returns the process and the log offset where its output starts.
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as out:
        offset = out.tell()
        process = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            start_new_session=True,
        )
    write_pid_file(pid_file, process.pid)
    log.info("service.spawned", service=name, pid=process.pid, log=str(log_path))
    return process, offset


def stop_process(
    name: str,
    pid: int,
    *,
    timeout: float,
    process: subprocess.Popen[bytes] | None = None,
) -> None:
    """SIGTERM `pid`, wait up to `timeout` s for it to exit, then SIGKILL."""
    if process is not None and process.poll() is not None:
        log.info("service.already_exited", service=name, pid=pid, code=process.returncode)
        return
    if not pid_alive(pid):
        return
    log.info("service.stopping", service=name, pid=pid)
    started = time.monotonic()
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    if _wait_exit(pid, timeout, process):
        log.info("service.stopped", service=name, pid=pid, seconds=_since(started))
        return
    log.warning("service.kill", service=name, pid=pid, after_seconds=timeout)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    _wait_exit(pid, 10.0, process)


def _wait_exit(pid: int, timeout: float, process: subprocess.Popen[bytes] | None) -> bool:
    if process is not None:
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            return False
        return True
    deadline = time.monotonic() + timeout
    while pid_alive(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(POLL_INTERVAL)
    return True


def _since(started: float) -> float:
    return round(time.monotonic() - started, 2)


def died_message(name: str, process: subprocess.Popen[bytes], log_path: Path, offset: int) -> str:
    return (
        f"{name} exited with code {process.returncode} while starting; "
        f"last lines of {log_path}:\n{tail(log_path, 20, offset)}"
    )
