"""The course's check service: a background process that keeps the course's checks session
(:func:`.course_session.serve`) warm for ``run``, ``watch`` and the board, so that a repeated ``run``
answers in a fraction of a second instead of importing torch and the checks again.

- One per course, started by the first command that needs it (:class:`ServiceChecker`), ended
  after :data:`IDLE` seconds without a request, or once its course folder is gone.
- It listens on a Unix socket in the course's ``.kata/service/``, a folder only its owner may
  open (a course folder too deep for a socket's path gets the socket in a private folder of the
  system's temporary folder instead); its output goes to ``.kata/service/service.log``.
- Never stale: a request carries the fingerprint of everything the session holds (the checks,
  the course files beside them, the settings that reach it, this package's code). A service
  that holds anything else answers ``stale`` and ends, and the command starts a new one. The
  learner's files travel in the request, as text the command read for that request.
- The command never waits forever: once the service has taken a request it has a deadline from
  the kata's number of checks and the time limit of each; past it the service is ended and the
  command says so.

Messages are JSON lines: a request, then ``accepted`` (``checks``, ``pid``) and ``result``
(``kata``); or ``stale``; or ``failed`` (``detail``) when the session could not start.
"""
from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..course.data import load_course
from ..course.i18n import t
from ..course.workspace import KATAS_DIR, CliError, Workspace
from .course_session import PACKAGE, fingerprint, serve

#: seconds without a request after which the service ends (a learner away from the keyboard);
#: the environment variable sets others
IDLE, IDLE_ENV = 600.0, "KATA_SERVICE_IDLE"
#: how often an idle service looks whether its course folder and socket are still there
TICK = 5.0
#: how long a command waits for a new service to take its first request: importing torch and
#: collecting every kata's checks, on a busy machine
START = 300.0
#: how long a new service may take to listen (it does so before importing anything heavy)
LISTEN = 30.0
#: what a kata's checks may take beyond the learner's own time (Hypothesis, the checks' own code)
CHECK_SLACK = 30.0
#: how long a connected client may take to send its request
REQUEST_WAIT = 10.0
MAX_MESSAGE = 64 * 2**20
#: a socket's path must fit in sun_path (104 bytes on macOS, 108 on Linux, with its NUL)
SOCKET_PATH_MAX = 100
LOG_TAIL = 3000
#: how the service's log begins (with its course and pid)
STARTED = "check service for"
BOOT = ("import sys; sys.path.insert(0, sys.argv[1]); "
        "from pytest_autograd_kata.trusted.service import main; main(sys.argv[2:])")


@dataclass(frozen=True)
class ServiceFiles:
    folder: Path
    socket: Path
    lock: Path
    log: Path


def service_files(ws: Workspace) -> ServiceFiles:
    folder = ws.state_dir / "service"
    path = folder / "service.sock"
    if len(os.fsencode(path)) > SOCKET_PATH_MAX:
        private = Path(tempfile.gettempdir()) / f"autograd-kata-{os.getuid()}"
        path = private / f"{hashlib.sha256(os.fsencode(ws.root)).hexdigest()[:24]}.sock"
    return ServiceFiles(folder, path, folder / "service.lock", folder / "service.log")


def _private_folder(folder: Path) -> None:
    """Make ``folder`` (0700) and refuse one that someone else could reach into: whoever can
    connect to the socket has code run as this user."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise CliError(t("cli_service_folder", path=folder))
    if stat.S_IMODE(info.st_mode) & 0o077:
        os.chmod(folder, 0o700)


def send(conn: socket.socket, message: dict) -> None:
    conn.sendall(json.dumps(message).encode() + b"\n")


class Lines:
    """JSON messages, one a line, read from a socket before a deadline."""

    def __init__(self, conn: socket.socket) -> None:
        self.conn, self.buffer = conn, b""

    def read(self, deadline: float | None) -> dict | None:
        """The next message; None once the other side closed (or sent nonsense); raises
        TimeoutError at ``deadline`` (``time.monotonic()``; None: none)."""
        while b"\n" not in self.buffer:
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                self.conn.settimeout(remaining)
            else:
                self.conn.settimeout(None)
            try:
                chunk = self.conn.recv(1 << 20)
            except socket.timeout:
                raise TimeoutError from None
            except ConnectionResetError:
                return None
            if not chunk or len(self.buffer) + len(chunk) > MAX_MESSAGE:
                return None
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        try:
            message = json.loads(line)
        except ValueError:
            return None
        return message if isinstance(message, dict) else None


def log_tail(where: ServiceFiles) -> str:
    try:
        return where.log.read_text(encoding="utf-8", errors="replace")[-LOG_TAIL:]
    except FileNotFoundError:
        return ""


# ---------------------------------------------------------------- the command's side

class ServiceChecker:
    """Checks through the course's service, starting it when none answers."""

    def __init__(self, ws: Workspace) -> None:
        self.ws, self.where = ws, service_files(ws)
        self.started: subprocess.Popen | None = None

    def check(self, message: dict) -> dict:
        message = {**message, "fingerprint": fingerprint(self.ws)}
        for _ in range(2):  # a service that was ending, or stale, is replaced once
            with self._connect() as conn:
                lines = Lines(conn)
                try:
                    send(conn, message)
                    accepted = lines.read(time.monotonic() + START)
                except (BrokenPipeError, ConnectionResetError):
                    continue
                except TimeoutError:
                    raise CliError(t("cli_service_slow", seconds=START, log=log_tail(self.where))) from None
                except KeyboardInterrupt:
                    # Sent, and maybe accepted already (the answer unread): the service may be
                    # running it, with no one to wait for it, as below.
                    _kill(_peer_pid(conn))
                    raise
                if accepted is None or accepted.get("type") == "stale":
                    continue
                if accepted.get("type") == "failed":
                    raise CliError(t("cli_service_failed", detail=accepted.get("detail", "")))
                timeout = message["timeout"]
                allowed = accepted["checks"] * (timeout + CHECK_SLACK) + CHECK_SLACK if timeout else None
                try:
                    result = lines.read(None if allowed is None else time.monotonic() + allowed)
                except TimeoutError:
                    _kill(accepted["pid"])
                    raise CliError(t("cli_service_stuck", seconds=allowed, log=log_tail(self.where))) from None
                except KeyboardInterrupt:
                    # The service would go on with code no one waits for (a loop under
                    # --kata-timeout 0, say), and every later request would wait behind it.
                    _kill(accepted["pid"])
                    raise
                if result is None:
                    raise CliError(t("cli_service_ended", log=log_tail(self.where)))
                return result["kata"]
        raise CliError(t("cli_service_ended", log=log_tail(self.where)))

    def close(self) -> None:
        pass  # the service outlives the command: that is its point

    def _try_connect(self) -> socket.socket | None:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            conn.connect(os.fspath(self.where.socket))
            return conn
        except (FileNotFoundError, ConnectionRefusedError):
            conn.close()
            return None

    def _connect(self) -> socket.socket:
        conn = self._try_connect()
        if conn is not None:
            return conn
        import fcntl

        _private_folder(self.where.folder)
        _private_folder(self.where.socket.parent)
        with open(self.where.lock, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # one command starts the service; the others wait for it
            conn = self._try_connect()
            if conn is not None:
                return conn
            self._start()
            deadline = time.monotonic() + LISTEN
            while True:
                conn = self._try_connect()
                if conn is not None:
                    return conn
                if self.started.poll() is not None or time.monotonic() > deadline:
                    raise CliError(t("cli_service_ended", log=log_tail(self.where)))
                time.sleep(0.01)

    def _start(self) -> None:
        with open(self.where.log, "w", encoding="utf-8") as log:
            # Its own session: a Ctrl-C in the terminal that started it is not meant for it.
            self.started = subprocess.Popen(
                [sys.executable, "-c", BOOT, str(PACKAGE.parent), str(self.ws.root)], cwd=self.ws.root,
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def stop(ws: Workspace, wait: float = 30.0) -> bool:
    """End the course's service, if one runs; returns whether one did. Waits for it to exit."""
    where = service_files(ws)
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(os.fspath(where.socket))
    except (FileNotFoundError, ConnectionRefusedError):
        conn.close()
        return False
    with conn:
        send(conn, {"op": "stop"})
        try:
            reply = Lines(conn).read(time.monotonic() + wait)
        except TimeoutError:
            reply = None
    if reply is None or "pid" not in reply:
        return False
    deadline = time.monotonic() + wait
    while _alive(reply["pid"]) and time.monotonic() < deadline:
        time.sleep(0.02)
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # our own child (a test's): a zombie is gone for good
        return os.waitpid(pid, os.WNOHANG)[0] == 0
    except ChildProcessError:
        return True


def _kill(pid: int | None) -> None:
    if pid is None:
        return
    try:
        os.killpg(pid, signal.SIGKILL)  # the service leads its own group: its zygote goes too
    except (ProcessLookupError, PermissionError):
        pass


def _peer_pid(conn: socket.socket) -> int | None:
    """The pid of the process at the other end of a Unix socket (Linux: SO_PEERCRED); None elsewhere."""
    if not hasattr(socket, "SO_PEERCRED"):
        return None
    pid, _, _ = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))
    return pid or None


# ---------------------------------------------------------------- the service's side

class Service:
    def __init__(self, ws: Workspace) -> None:
        self.ws, self.where = ws, service_files(ws)
        # Before collecting: what the session then holds is at least as new as this.
        self.fingerprint = fingerprint(ws)
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            os.unlink(self.where.socket)  # a dead service's; the starting command holds the lock
        except FileNotFoundError:
            pass
        mask = os.umask(0o177)
        try:
            self.listener.bind(os.fspath(self.where.socket))
        finally:
            os.umask(mask)
        self.listener.listen(16)
        self.inode = os.stat(self.where.socket).st_ino
        self.checks: dict[str, int] = {}
        self.current: socket.socket | None = None

    def requests(self) -> Iterator[dict]:
        idle = float(os.environ.get(IDLE_ENV) or IDLE)
        last = time.monotonic()
        self.listener.settimeout(min(TICK, idle))
        while True:
            try:
                conn, _ = self.listener.accept()
            except socket.timeout:
                if time.monotonic() - last > idle or not self._still_here():
                    return
                continue
            try:
                message = Lines(conn).read(time.monotonic() + REQUEST_WAIT)
            except (TimeoutError, OSError):
                message = None
            if message is None:
                conn.close()
                continue
            if message.get("op") != "check" or message.get("fingerprint") != self.fingerprint:
                self.unlink()  # first: the command that hears this may start the next service at once
                _answer(conn, {"type": "stale" if message.get("op") == "check" else "stopped", "pid": os.getpid()})
                return
            try:
                send(conn, {"type": "accepted", "checks": self.checks.get(message["kata"], 0), "pid": os.getpid()})
            except OSError:
                conn.close()
                continue
            self.current = conn
            yield message
            last = time.monotonic()

    def reply(self, message: dict) -> None:
        if message["type"] == "ready":
            self.checks = {kata: len(names) for kata, names in message["checks"].items()}
            return
        conn, self.current = self.current, None
        if conn is not None:
            _answer(conn, message)

    def _still_here(self) -> bool:
        try:
            return os.stat(self.where.socket).st_ino == self.inode and (self.ws.katas / "course.toml").is_file()
        except FileNotFoundError:
            return False

    def unlink(self) -> None:
        if self._still_here():
            os.unlink(self.where.socket)

    def fail_waiting(self) -> None:
        """The session never started: tell each command waiting for it why."""
        detail = "\n".join(line for line in log_tail(self.where).splitlines() if not line.startswith(STARTED))
        self.listener.settimeout(0.2)
        while True:
            try:
                conn, _ = self.listener.accept()
            except (socket.timeout, OSError):
                return
            _answer(conn, {"type": "failed", "detail": detail})


def _answer(conn: socket.socket, message: dict) -> None:
    try:
        send(conn, message)
    except OSError:
        pass  # the command went away (Ctrl-C): nothing to tell
    finally:
        conn.close()


def main(argv: list[str]) -> None:
    """``main([COURSE_ROOT])``: serve the course's checks until idle."""
    root = Path(argv[0])
    service = Service(Workspace(root, load_course(root / KATAS_DIR)))
    print(f"{STARTED} {root} (pid {os.getpid()}), listening on {service.where.socket}", flush=True)
    try:
        if not serve(service.ws, service.requests(), service.reply):
            service.unlink()  # first: a command told why may start the next service at once
            service.fail_waiting()
    finally:
        service.unlink()
        service.listener.close()
        sys.stdout.flush()
