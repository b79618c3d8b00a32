"""The trusted side's hold on learner processes: start them, talk to them with a time limit,
tell how they ended, and end them.

On Linux a :class:`Runner` starts one zygote (:mod:`.zygote`), which imports torch while the
caller does its own work, and forks each learner process from it in a few milliseconds.
Elsewhere (macOS, Windows) each learner process is a fresh Python started with a spare kept
ready. Either way the trusted side holds a channel to the learner process and its output file,
and nothing of the learner's reaches it except what :mod:`.wire` reads as data.
"""
from __future__ import annotations

import atexit
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from . import audit, sandbox, wire
from .zygote import MESSAGE_FDS, MESSAGE_SIZE

#: BOOT PATHS_FD MODULE ARGS...: the runner's code is found where this process found it, read
#: from a pipe (so no folder of the host shows in the command line, which every learner process
#: forked from a zygote shows as its own), and nothing from the environment (-I: no PYTHONPATH,
#: no working folder, no user site by itself). The module's main gets [PATHS_JSON, ARGS...].
BOOT = ("import json, os, sys; paths = json.load(os.fdopen(int(sys.argv[1]))); sys.path[:0] = paths; "
        "from importlib import import_module; "
        "import_module('pytest_autograd_kata.runner.' + sys.argv[2]).main([json.dumps(paths), *sys.argv[3:]])")
#: how long a learner process may take to say how it ended once its channel closed
EXIT_WAIT = 5.0
#: how long the zygote may take to start (importing torch on a busy machine)
ZYGOTE_START = 120.0
USE_FORK = sys.platform.startswith("linux")
#: bytes a look at the zygote's next message takes (only whether there is one matters)
MESSAGE_PEEK = 64
#: how often the wait for a reply reads the learner process's CPU time
CPU_POLL = 0.05
#: how many times its time limit a learner process may take on the clock before it counts as
#: starved of the processor (its CPU time is the limit; a busy machine stretches the clock)
CLOCK_FACTOR = 4.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
#: environment a learner process or zygote keeps; everything else (PYTHONPATH, KATA_*) is dropped
KEPT_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT", "CUDA_VISIBLE_DEVICES")


class RunnerError(Exception):
    """The runner itself could not do its work (not something the learner's code did)."""


class LevelRefused(RunnerError):
    """The sandbox level asked for cannot run learner code on this machine (``refusal`` says why),
    found before any learner process starts."""

    def __init__(self, refusal: sandbox.Refusal) -> None:
        super().__init__(f"the {refusal.level} sandbox cannot run learner code here ({refusal.reason})")
        self.refusal = refusal


#: how a learner process ran out of time (:class:`LearnerTimeout`): its own CPU time; time spent
#: waiting rather than computing (asleep, blocked); or the clock, on a machine too busy to run it
USED_ITS_TIME, WAITED, TOO_BUSY = "cpu", "waited", "busy"


class LearnerTimeout(Exception):
    """The learner process did not answer in time and was ended; ``kind`` says which time ran out."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


class LearnerGone(Exception):
    """The learner process ended while the trusted side waited for it. ``how`` is
    ``{"code": n}`` or ``{"signal": n}``; ``killed_by_runner`` when the runner ended it."""

    def __init__(self, how: dict, killed_by_runner: bool = False) -> None:
        super().__init__(describe_end(how))
        self.how, self.killed_by_runner = how, killed_by_runner


class LearnerBroke(Exception):
    """The learner process answered with something that is not a reply (over a bound of
    wire.REPLY, or not a frame): it was ended. ``refused`` says what was refused."""

    def __init__(self, refused: wire.FrameTooLarge) -> None:
        super().__init__(str(refused))
        self.refused = refused


def how_returned(returncode: int) -> dict:
    """How a ``subprocess.Popen`` ended (its ``returncode``), as :func:`describe_end` reads it."""
    return {"signal": -returncode} if returncode < 0 else {"code": returncode}


def describe_end(how: dict) -> str:
    if how.get("unseen"):
        return "an end nobody saw (the zygote that forked it ended first)"
    if "signal" in how:
        try:
            return f"signal {signal.Signals(how['signal']).name}"
        except ValueError:
            return f"signal {how['signal']}"
    return f"exit code {how.get('code')}"


def _audit_record(line: bytes) -> list | None:
    """One line of the audit pipe as the hook writes it, or None."""
    try:
        record = json.loads(line)
    except ValueError:
        return None
    shaped = (isinstance(record, list) and len(record) == 4 and all(isinstance(v, str) for v in record[:3])
              and type(record[3]) is int)
    return record if shaped and record[1] in audit.EVENTS.values() else None


def code_paths() -> list[str]:
    """Where a child Python finds this package, and the user's site-packages where this
    process uses it: ``-I`` leaves out both."""
    paths = [str(Path(__file__).resolve().parents[2])]
    user_site = os.path.expanduser(f"~/.local/lib/python{sys.version_info.major}.{sys.version_info.minor}/site-packages")
    if user_site in sys.path:
        paths.append(user_site)
    return paths


def code_paths_pipe() -> int:
    """The read end of a pipe that holds :func:`code_paths` as JSON, for a child's BOOT to read."""
    read, write = os.pipe()
    os.write(write, json.dumps(code_paths()).encode())  # a few hundred bytes: no wait for a reader
    os.close(write)
    return read


def child_env() -> dict[str, str]:
    # Agg: a learner's plot is drawn to a file; no learner process opens a window.
    return {**{name: os.environ[name] for name in KEPT_ENV if name in os.environ}, "MPLBACKEND": "Agg"}


@dataclass(frozen=True)
class Limits:
    #: MiB the learner's code may allocate (0: no cap; a cap breaks CUDA, which reserves
    #: address space by the terabyte)
    memory_mib: int = 4096
    #: where learner processes outside a mount namespace get their scratch folders ("" : the
    #: system's temporary folder)
    scratch_root: str = ""


#: how much of the audit pipe is read after one reply: a pipe holds 64 KiB, and the runner's
#: own records, each (event, file, line) once, are a few lines
AUDIT_READ_LIMIT = 2**20
#: what the audit pipe can show besides records: closed by the learner process while it still
#: answered, or carrying what its audit hook never writes
AUDIT_CLOSED, AUDIT_UNREADABLE = "closed", "unreadable"


class LearnerProcess:
    """One learner process: requests with a time limit, its output, what its code reached for
    (the audit pipe, see :mod:`.audit`), and how it ended."""

    def __init__(self, runner: Runner, request_id: int, pid: int, read_fd: int, write_fd: int,
                 output: int, audit: int, popen: subprocess.Popen | None = None, scratch: str = "") -> None:
        self.runner, self.id, self.pid = runner, request_id, pid
        self.read_fd, self.write_fd, self.output = read_fd, write_fd, output
        self.audit = audit
        os.set_blocking(audit, False)
        #: a fresh Python's process and scratch folder (a forked one's keeper handles its own)
        self.popen, self.scratch = popen, scratch
        self.killed_by_runner = False
        self.ended: dict | None = None
        #: what the last request took: seconds on the clock, of CPU, of waiting
        self.last = (0.0, 0.0, 0.0)
        #: descriptors of the files of /proc read for its times, by name
        self._proc: dict[str, int] = {}

    def times(self) -> tuple[float, float, bool] | None:
        """(CPU seconds the process has used, all its threads together; seconds its main thread
        spent running or ready to run; whether it is running or ready to run now): the clock's
        time beyond the second is time spent waiting. None where /proc cannot tell (macOS, Windows)."""
        try:
            fields = self._read_proc("stat").rsplit(b")", 1)[1].split()
            cpu = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime
        except OSError:
            return None
        runnable = fields[0] == b"R"
        try:
            running, ready = self._read_proc("schedstat").split()[:2]
            busy = (int(running) + int(ready)) / 1e9
        except (OSError, ValueError):  # no scheduler statistics: waiting for the processor looks like waiting
            busy = cpu
        return cpu, busy, runnable

    def _read_proc(self, name: str) -> bytes:
        """``/proc/PID/NAME`` of this process, read again through a descriptor opened once (read
        twice per request: opening it each time cost more than the rest of the reading). The
        descriptor stays this process's: once it has ended, reading fails, whoever gets its pid."""
        fd = self._proc.get(name)
        if fd is None:
            fd = self._proc[name] = os.open(f"/proc/{self.pid}/{name}", os.O_RDONLY | os.O_CLOEXEC)
        return os.pread(fd, 4096, 0)

    def request(self, header: dict, blobs: list[bytes], deadline: float | None,
                cpu_left: float | None = None, wait_left: float | None = None) -> tuple[dict, list[bytes]]:
        """Send a request and read the reply before ``deadline`` (``time.monotonic()``; None: no
        limit), ending the process once it used ``cpu_left`` more seconds of CPU on it, or spent
        ``wait_left`` more seconds waiting rather than computing. :attr:`last` then holds what the
        request took: (seconds on the clock, of CPU, of waiting)."""
        if self.ended is not None:
            raise LearnerGone(self.ended, self.killed_by_runner)
        started = (time.monotonic(), self.times())
        try:
            wire.write_frame(self.write_fd, header, blobs)
            self._await_reply(deadline, cpu_left, wait_left, started)
            return wire.read_frame(self.read_fd, deadline, wire.REPLY)
        except wire.ChannelTimeout:
            self.kill()
            raise LearnerTimeout(TOO_BUSY) from None
        except (wire.ChannelClosed, BrokenPipeError, ConnectionResetError):
            raise LearnerGone(self.wait_end(), self.killed_by_runner) from None
        except wire.FrameTooLarge as err:
            self.kill()
            raise LearnerBroke(err) from None
        finally:
            self.last = self._spent_since(started)[:3]

    def _spent_since(self, started: tuple[float, tuple | None]) -> tuple[float, float, float, bool]:
        """(clock, CPU, waiting) seconds since ``started``, and whether the process is ready to run
        now; where /proc cannot tell, all of the clock counts as CPU."""
        wall = time.monotonic() - started[0]
        now = None if started[1] is None else self.times()
        if now is None:
            return wall, wall, 0.0, True
        cpu, busy = now[0] - started[1][0], now[1] - started[1][1]
        return wall, cpu, max(wall - busy, 0.0), now[2]

    def _await_reply(self, deadline: float | None, cpu_left: float | None, wait_left: float | None,
                     started: tuple[float, tuple | None]) -> None:
        """Until the reply begins to arrive, look at the process's times now and then, and end it
        (a LearnerTimeout) once either is spent. (A process ready to run is not waiting, whatever
        the figures say: the scheduler counts its time in the queue only once it runs again.)"""
        if cpu_left is None or started[1] is None:
            return  # read_frame keeps the deadline
        while True:
            wait = CPU_POLL if deadline is None else min(CPU_POLL, deadline - time.monotonic())
            if wait <= 0:
                raise wire.ChannelTimeout()
            if select.select([self.read_fd], [], [], wait)[0]:
                return
            _, cpu, waited, runnable = self._spent_since(started)
            if cpu > cpu_left or waited > wait_left and not runnable:
                self.kill()
                raise LearnerTimeout(USED_ITS_TIME if cpu > cpu_left else WAITED)

    def kill(self) -> None:
        if self.ended is None:
            self.killed_by_runner = True
            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass

    def wait_end(self) -> dict:
        """How the process ended (it must be ending: its channel closed, or it was killed)."""
        if self.ended is None:
            if self.popen is not None:
                try:
                    status = self.popen.wait(EXIT_WAIT)
                    self.ended = how_returned(status)
                except subprocess.TimeoutExpired:
                    self.kill()
                    self.ended = {"signal": signal.SIGKILL}
            else:
                self.ended = self.runner.wait_end(self.id, self)
        return self.ended

    def heard(self) -> tuple[list[list], str | None]:
        """What the learner process's audit hook sent since the last call, once it answered a
        request: records [event, reason, file, line] (see :mod:`.audit`), and AUDIT_CLOSED or
        AUDIT_UNREADABLE when the pipe shows that its code closed it or wrote to it."""
        data, closed = b"", False
        while len(data) < AUDIT_READ_LIMIT:
            try:
                chunk = os.read(self.audit, AUDIT_READ_LIMIT - len(data))
            except BlockingIOError:
                break
            if not chunk:
                closed = True  # every write end gone while the process still answers
                break
            data += chunk
        records, foreign = [], not data.endswith(b"\n") and bool(data)  # the hook writes whole lines
        for line in data.splitlines():
            record = _audit_record(line)
            if record is None:
                foreign = True
            else:
                records.append(record)
        return records, AUDIT_UNREADABLE if foreign else AUDIT_CLOSED if closed else None

    def output_size(self) -> int:
        return os.fstat(self.output).st_size

    def read_output(self, start: int, limit: int) -> bytes:
        return os.pread(self.output, limit, start)

    def close(self) -> None:
        """End the process (closing its channel ends a process that is waiting for requests)."""
        if self.popen is not None:
            self.popen.stdin.close()
            self.popen.stdout.close()
        else:
            os.close(self.read_fd)
        if self.ended is None:
            try:
                self.wait_end()
            except RunnerError:
                self.kill()
        os.close(self.output)
        os.close(self.audit)
        for fd in self._proc.values():
            os.close(fd)
        if self.scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)


class TrustedProcess:
    """A trusted process the runner's zygote forked (:meth:`Runner.run_trusted`), as its caller
    sees it: its pid, then how it ended, come on a pipe from the zygote, which reaps it."""

    def __init__(self, status: int) -> None:
        self.status = status
        self.heard = b""
        self.closed = False  # the zygote has said all it will: the pipe is closed here

    def _hear(self, timeout: float | None) -> None:
        """Read what the zygote wrote, waiting up to ``timeout`` seconds for more."""
        if self.closed:
            return
        readable, _, _ = select.select([self.status], [], [], timeout)
        if readable:
            data = os.read(self.status, 4096)
            self.heard += data
            # Nothing follows how it ended (a few bytes written at once), nor the pipe's end.
            if not data or self.heard.partition(b"\n")[2]:
                self.closed = True
                os.close(self.status)

    @property
    def pid(self) -> int | None:
        """None: the zygote ended before it forked the process."""
        deadline = time.monotonic() + ZYGOTE_START
        while b"\n" not in self.heard and not self.closed and time.monotonic() < deadline:
            self._hear(max(0.0, deadline - time.monotonic()))
        line, newline, _ = self.heard.partition(b"\n")
        return int(line) if newline else None

    def _ended(self) -> dict | None:
        how = self.heard.partition(b"\n")[2]
        if how:
            return json.loads(how)
        # Closed unwritten: the zygote ended first, and the process with it (its parent-death signal).
        return {"unseen": True} if self.closed else None

    def wait(self, timeout: float | None) -> dict | None:
        """How it ended (as :func:`describe_end` reads it), once it has, within ``timeout``
        seconds (None: no limit); None while it runs."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while (how := self._ended()) is None:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return None
            self._hear(left)
        return how

    def kill(self) -> None:
        """Its session: it and whatever it started there, which may outlive it (the number of a
        process group with members left is not given to a new process)."""
        pid = self.pid
        if pid is not None:
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


_shared: dict[tuple[str | None, Limits], "Runner"] = {}


def shared(level: str | None = None, limits: Limits = Limits()) -> Runner:
    """The process's runner for ``level`` and ``limits``, started once and kept until the process
    ends: every pytest session in one process (an IDE's, pytester's) reuses its warm zygote."""
    runner = _shared.get((level, limits))
    if runner is None:
        runner = _shared[level, limits] = Runner(level, limits)
        atexit.register(runner.close)
    runner.start()
    return runner


class Runner:
    """Starts learner processes at a sandbox level (default: the best this machine allows)."""

    def __init__(self, level: str | None = None, limits: Limits = Limits(), fork: bool = USE_FORK) -> None:
        self.level = level or (sandbox.best_level() if fork else sandbox.PROCESS)
        if self.level not in sandbox.LEVELS:
            raise RunnerError(f"unknown sandbox level {self.level!r}; use one of {', '.join(sandbox.LEVELS)}")
        if not fork and self.level != sandbox.PROCESS:
            raise RunnerError(f"the {self.level} sandbox needs learner processes forked on Linux")
        refusal = sandbox.problem(self.level) if fork else None
        if refusal is not None:  # never a learner process that cannot import what it needs
            raise LevelRefused(refusal)
        self.limits, self.fork = limits, fork
        self.zygote: subprocess.Popen | None = None
        self.control: socket.socket | None = None
        self.ready = False
        self.next_id = 0
        self.ended: dict[int, dict] = {}  # request id -> how its learner process ended
        self.spare: LearnerProcess | None = None
        #: the zygote's temporary folder (TMPDIR; "": this process's)
        self.temp_folder = ""

    # ------------------------------------------------------------ the zygote (Linux)
    def start(self) -> None:
        """Start the zygote now, so it imports torch while the caller does its own work."""
        if not self.fork or self.control is not None:
            return
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        # A file, not a pipe: nobody reads the zygote's errors until it fails, and a full pipe
        # would stop it.
        self.zygote_errors = tempfile.TemporaryFile()
        paths = code_paths_pipe()
        folder = self.temp_folder or tempfile.gettempdir()
        self.zygote = subprocess.Popen(
            [sys.executable, "-I", "-B", "-c", BOOT, str(paths), "zygote", str(theirs.fileno()), self.level],
            pass_fds=(theirs.fileno(), paths), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=self.zygote_errors, env={**child_env(), "TMPDIR": folder}, cwd=folder)
        theirs.close()
        os.close(paths)
        self.control = ours

    def _message(self, timeout: float | None) -> dict | None:
        if timeout is not None:
            self.control.settimeout(timeout)
        try:
            data = self.control.recv(65536)
        except socket.timeout:
            return None
        finally:
            self.control.settimeout(None)
        if not data:
            if self.zygote is None:  # a branch (see branch()): its parent zygote holds the errors
                raise RunnerError("the runner's zygote ended")
            self.zygote_errors.seek(0)
            detail = self.zygote_errors.read().decode("utf-8", "replace")[-3000:]
            raise RunnerError(f"the runner's zygote ended ({describe_end({'code': self.zygote.wait()})}). {detail}")
        message = json.loads(data)
        if "exited" in message:
            self.ended[message["exited"]] = message["how"]
        return message

    def _wait_ready(self) -> None:
        if self.ready:
            return
        self.start()
        deadline = time.monotonic() + ZYGOTE_START
        while not self.ready:
            message = self._message(max(0.0, deadline - time.monotonic()))
            if message is None:
                raise RunnerError(f"the runner's zygote did not start within {ZYGOTE_START:g} s")
            self.ready = bool(message.get("ready"))

    def wait_end(self, request_id: int, process: LearnerProcess) -> dict:
        deadline = time.monotonic() + EXIT_WAIT
        while request_id not in self.ended:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                process.kill()
                deadline = time.monotonic() + EXIT_WAIT
            self._message(max(remaining, 0.01))
        return self.ended.pop(request_id)

    def branch(self) -> Runner:
        """A runner of its own for another process (a forked pytest process): its learner
        processes come from a fork of this runner's zygote, as warm as it is now, over a
        control socket of their own. Linux only; the zygote is started first if need be."""
        self._wait_ready()
        return Runner.adopt(self.level, self.limits, self.branch_control())

    def branch_control(self) -> socket.socket:
        """The control socket of a branch of this runner's zygote, for another process's runner
        (:meth:`adopt`), asked for without waiting: the zygote forks the branch once it is warm,
        and the branch says it is ready on that socket. Raises OSError when the zygote is gone."""
        self.start()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            socket.send_fds(self.control, [json.dumps({"branch": True}).encode()], [theirs.fileno()])
        except OSError:
            ours.close()
            raise
        finally:
            theirs.close()
        return ours

    def run_trusted(self, entry: str, argv: list[str], passed: list[int], errors: int, cwd: str,
                    env: dict[str, str], name: str) -> TrustedProcess:
        """A trusted process (one that never runs the learner's code: a grading worker) forked
        from this runner's zygote, so that torch is imported once for both: ``entry``
        (``module:function``) called with ``argv``, in a session of its own, in ``cwd`` with
        ``env`` only, standard error on ``errors``, ``passed`` as descriptors 3, 4, ... and
        ``name`` for ps; it dies with the zygote. The zygote is started first if need be, and
        forks it once it has imported torch. Raises OSError when the zygote is gone."""
        request = json.dumps({"run": entry, "argv": argv, "cwd": cwd, "env": env, "name": name}).encode()
        if len(request) > MESSAGE_SIZE or 2 + len(passed) > MESSAGE_FDS:
            raise RunnerError(f"a request of {len(request)} bytes and {2 + len(passed)} descriptors is more than "
                              f"the zygote reads ({MESSAGE_SIZE} and {MESSAGE_FDS})")
        self.start()
        status, write = os.pipe()
        try:
            socket.send_fds(self.control, [request], [write, errors, *passed])
        except OSError:
            os.close(status)
            raise
        finally:
            os.close(write)
        return TrustedProcess(status)

    @classmethod
    def adopt(cls, level: str, limits: Limits, control: socket.socket) -> Runner:
        """A runner whose learner processes come from the branch of a zygote on ``control``
        (see :meth:`branch_control`); the zygote that branched it holds its errors."""
        branch = cls(level, limits)
        branch.control = control
        return branch

    def alive(self) -> bool:
        """Whether this runner can still start learner processes: its own zygote has not
        ended, a branch has not closed its control socket; a runner with neither (a fresh
        Python per learner process, or a zygote not started yet) always can."""
        if self.zygote is not None:
            return self.zygote.poll() is None
        if self.control is None:
            return True
        readable, _, _ = select.select([self.control], [], [], 0)
        if not readable:
            return True
        try:
            return self.control.recv(MESSAGE_PEEK, socket.MSG_PEEK) != b""
        except OSError:
            return False

    # ------------------------------------------------------------ learner processes
    def spawn(self) -> LearnerProcess:
        """A new learner process, ready for its first request (``load``)."""
        if self.fork:
            return self._fork()
        process, self.spare = self.spare or self._start_fresh(), None
        self.spare = self._start_fresh()
        return process

    def _output_file(self) -> int:
        """A file with no name, for what the learner's code prints; only its descriptor exists.
        (In memory where the system allows: a folder's path would show in the learner process's
        /proc/self/fd; the file-size limit still caps it.)"""
        if hasattr(os, "memfd_create"):
            return os.memfd_create("kata-output", 0)
        fd, path = tempfile.mkstemp(prefix="kata-output-", dir=self.limits.scratch_root or None)
        os.unlink(path)
        return fd

    def _fork(self) -> LearnerProcess:
        self._wait_ready()
        self.next_id += 1
        ours, theirs = socket.socketpair()
        output = self._output_file()
        heard, audit_end = os.pipe()
        request = {"id": self.next_id, "memory_mib": self.limits.memory_mib, "scratch": self.limits.scratch_root}
        socket.send_fds(self.control, [json.dumps(request).encode()], [theirs.fileno(), output, audit_end])
        theirs.close()
        os.close(audit_end)
        while True:
            message = self._message(ZYGOTE_START)
            if message is None:
                raise RunnerError("the runner's zygote did not answer")
            if message.get("spawned") == self.next_id:
                break
        if message["pid"] is None:
            raise RunnerError(f"the sandbox ({self.level}) could not be entered; "
                              f"try another level (--kata-sandbox process)")
        fd = ours.detach()
        return LearnerProcess(self, self.next_id, message["pid"], fd, fd, output, heard)

    def _start_fresh(self) -> LearnerProcess:
        """A learner process started as a new Python (where there is no fork)."""
        output = self._output_file()
        scratch = tempfile.mkdtemp(prefix="kata-scratch-", dir=self.limits.scratch_root or None)
        paths = code_paths_pipe()
        heard, audit_end = os.pipe()
        popen = subprocess.Popen(
            [sys.executable, "-I", "-B", "-c", BOOT, str(paths), "learner", scratch, str(self.limits.memory_mib),
             str(audit_end)],
            pass_fds=(paths, audit_end), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=output,
            env=child_env(), cwd=scratch)
        os.close(paths)
        os.close(audit_end)
        self.next_id += 1
        return LearnerProcess(self, self.next_id, popen.pid, popen.stdout.fileno(), popen.stdin.fileno(),
                              output, heard, popen, scratch)

    def close(self) -> None:
        if self.spare is not None:
            self.spare.close()
            self.spare = None
        if self.control is not None:
            self.control.close()
            self.control = None
        if self.zygote is not None:
            try:
                self.zygote.wait(EXIT_WAIT)
            except subprocess.TimeoutExpired:
                self.zygote.kill()
                self.zygote.wait()
            self.zygote_errors.close()
            self.zygote = None
            self.ready = False
