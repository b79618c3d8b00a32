"""The warm process learner processes are forked from (Linux).

It imports torch, NumPy and matplotlib once and never runs any of the learner's code. For each
request it forks a *keeper*, which enters the sandbox's namespaces and forks the learner
process itself; the keeper waits for it, ends every process it left behind, and exits the way
it did, so that the zygote can tell the trusted side how the learner process ended.

    trusted side --control socket-- zygote --fork-- keeper --fork-- learner process
         \\______________________ channel (socket pair) ____________________/

The zygote its runner started may also fork *trusted* processes, which never run the learner's
code either (grading workers: :meth:`.client.Runner.run_trusted`), so that torch is imported
once for them and for the learner processes; a branch of it forks keepers only.

Started as ``python -I -B -c BOOT PATHS zygote CONTROL_FD LEVEL`` by :mod:`.client`. It ends when
its control socket closes; keepers, trusted processes and learner processes die with it
(parent-death signal).
"""
from __future__ import annotations

import fcntl
import gc
import importlib
import json
import os
import select
import shutil
import signal
import socket
import sys
import tempfile
import time
import traceback
import types

from . import integrity, sandbox

#: bytes a control message may take, and descriptors it may carry
MESSAGE_SIZE, MESSAGE_FDS = 65536, 8
#: seconds a zygote whose control socket closed waits for its branches to end
CHILDREN_WAIT = 5.0


def warm_up() -> None:
    """What every learner process needs before its first request: the learner's side (with the
    probes and the codec) and torch's first autograd calls."""
    import torch

    from . import learner  # noqa: F401

    _dynamo_left_out()
    x = torch.ones(2, requires_grad=True)
    (x * x).sum().backward()
    (g,) = torch.autograd.grad((x ** 3).sum(), x, create_graph=True)
    g.sum().backward()
    torch.autograd.graph.increment_version(x.grad)
    with learner.BackwardCalls():
        torch.ones(1)
    integrity.take()  # before any learner process is forked: what its code may replace, as it was


def _dynamo_left_out() -> None:
    """torch wraps hundreds of its own Python functions in ``torch._disable_dynamo`` (among them
    the reference implementations a meta tensor's operators run: k01's and k12's checks call the
    learner's function on the meta device), a wrapper that imports ``torch._dynamo`` (1.3-1.8 s
    of CPU, 800 modules) at its first call only to keep torch's compiler out of the function.
    Nothing compiles here: the zygote and the trusted processes it forks never do, and a learner
    process only if the learner's code calls ``torch.compile``, which then imports the compiler
    itself (and may trace into these functions, which only changes where its graph breaks). Each
    wrapper is given now what it would cache at its first call, the function itself, so no
    learner process pays for the import, and the zygote's image, which every fork and exit of
    a learner process copies from, holds none of it. Where torch's wrapper is not what this
    reads (another torch), nothing is changed: the import is paid as before."""
    import torch

    wrap = getattr(getattr(torch, "_compile", None), "_disable_dynamo", None)
    inner = next((code for code in getattr(getattr(wrap, "__code__", None), "co_consts", ())
                  if isinstance(code, types.CodeType) and code.co_name == "inner"), None)
    if inner is None or "fn" not in inner.co_freevars:
        return
    cell = inner.co_freevars.index("fn")
    for wrapper in gc.get_referrers(inner):  # the functions whose code it is
        if isinstance(wrapper, types.FunctionType) and wrapper.__closure__ is not None:
            function = wrapper.__closure__[cell].cell_contents
            if getattr(function, "__dynamo_disable", None) is None:
                function.__dynamo_disable = function


def _import_sympy() -> None:
    """torch imports sympy on the first ``backward(gradient=...)`` (0.35 s), which katas from
    k05 on and the probes behind gradcheck make."""
    import torch

    x = torch.ones(2, requires_grad=True)
    (x * x).backward(gradient=torch.ones(2))


def _import_matplotlib() -> None:
    """matplotlib with its font cache, for k12's plot (0.5 s)."""
    import io

    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:  # k12's plot check says so; nothing else needs matplotlib
        return
    figure = plt.figure()
    figure.add_subplot().plot([0.0, 1.0], [0.0, 1.0], label="warm")
    figure.legend()
    figure.savefig(io.BytesIO(), format="png")
    plt.close(figure)


#: what the zygote imports once it is ready, while no request waits (in the order the katas
#: need it: a course's first learner process, k01's, is forked before any of them), so that
#: learner processes forked later do not each pay it; a learner process forked before a step
#: simply imports what it uses itself
LATER = (_import_sympy, _import_matplotlib)
#: the steps of LATER whose imports a trusted child (a grading worker) would make first thing
#: itself (its checks' backward passes with a gradient import sympy): taken before the zygote
#: forks one, so they are made once, not again in every child forked while the zygote warms up
FOR_TRUSTED = (_import_sympy,)


def _warm(step) -> None:
    try:
        step()
    except Exception:  # a learner process that needs it imports it, and says what fails
        pass
    # What the import added to torch's tables is seen here, once, not by every learner process's
    # first look (none of the learner's code ever runs in the zygote: nothing here is replaced).
    integrity.replaced()
    freeze()


def freeze() -> None:
    """Objects made before the forks are never collected in a learner process: otherwise its
    first garbage collection would touch, and so copy, every page it shares with the zygote."""
    gc.collect()
    gc.freeze()


def _own_signals() -> None:
    """In a child of the zygote: the zygote's wake-up on a child's end is not the child's (its
    pipe gets closed, and each end of the child's own children would write an error about it)."""
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)


def _close_other_fds(keep: set[int]) -> None:
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd > 2 and fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


def _keeper(spec: sandbox.Spec, channel: int, output: int, audit: int, status_pipe: int, scratch_root: str) -> None:
    """The learner process's parent: it never runs learner code, so what it reports holds."""
    try:
        sandbox.die_with_parent()
        sandbox.adopt_orphans()
        sandbox.name_process("keeper")  # not the name of a branch's zygote, which holds its worker's pid
        _own_signals()
        _close_other_fds({channel, output, audit, status_pipe})
        if spec.level == sandbox.NAMESPACES:
            sandbox.unshare_namespaces()
            scratch = "/tmp"  # the learner process's own, inside its namespaces
        else:
            scratch = tempfile.mkdtemp(prefix="kata-scratch-", dir=scratch_root or None)
        uid = sandbox.uid_for(os.getpid())
        if spec.level == sandbox.UID:
            os.chown(scratch, uid, uid)
        pid = os.fork()
        if pid == 0:
            os.close(status_pipe)
            _learner_process(spec, channel, output, audit, uid, scratch)
        os.close(channel)
        os.close(output)
        os.close(audit)  # the learner process's copy is the only writer: its closing shows
        os.write(status_pipe, str(pid).encode())
        os.close(status_pipe)
        _, status = os.waitpid(pid, 0)
        _end_leftovers(spec, pid, uid)
        if spec.level != sandbox.NAMESPACES:
            shutil.rmtree(scratch, ignore_errors=True)
        _exit_like(status)
    finally:
        os._exit(70)


def _learner_process(spec: sandbox.Spec, channel: int, output: int, audit: int, uid: int, scratch: str) -> None:
    code = sandbox.COULD_NOT_START
    try:
        sandbox.die_with_parent()
        if spec.level == sandbox.PROCESS:
            os.setpgid(0, 0)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(output, 1)
        os.dup2(output, 2)
        os.close(null)
        os.close(output)
        sandbox.enter(spec, uid)
        from . import learner

        os.chdir(scratch)
        code = 0  # from here on, whatever ends the process is the learner's code
        learner.serve(channel, channel, scratch, CODE_PATHS, audit)
    except BaseException:
        if code == sandbox.COULD_NOT_START:
            traceback.print_exc()  # into the output file, where the runner reads why
    finally:
        os._exit(code)


def _end_leftovers(spec: sandbox.Spec, pid: int, uid: int) -> None:
    """Processes the learner's code started: in a pid namespace they ended with it; as its own
    uid, every process of that uid is ended; otherwise those that came back to this keeper (a
    child subreaper) are, whether or not they left the process group."""
    if spec.level == sandbox.UID:
        killer = os.fork()
        if killer == 0:
            try:
                os.setresuid(uid, uid, uid)
                os.kill(-1, signal.SIGKILL)  # every process this uid may signal: its own
            finally:
                os._exit(0)
        os.waitpid(killer, 0)
    elif spec.level == sandbox.PROCESS:
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
        sandbox.end_children()


def _exit_like(status: int) -> None:
    """End this process the way the learner process ended."""
    if os.WIFSIGNALED(status):
        signum = os.WTERMSIG(status)
        if signum not in (signal.SIGKILL, signal.SIGSTOP):  # those two cannot be handled anyway
            signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        os.kill(os.getpid(), signal.SIGKILL)
    os._exit(os.waitstatus_to_exitcode(status) & 0xFF)


def _trusted_child(parent: int, request: dict, errors: int, passed: list[int]) -> None:
    """A trusted process forked from the root zygote (a grading worker): the code named by
    ``request["run"]`` (``module:function``), called with ``request["argv"]``, as a new Python
    started with ``cwd``, ``env``, standard error on ``errors`` and the ``passed`` descriptors
    as 3, 4, ... would run it; a session of its own, and it dies with the zygote. The zygote
    never runs the learner's code, so what it holds (torch imported and warmed up) is sound."""
    code = 70
    try:
        sandbox.die_with_parent()
        if os.getppid() != parent:  # the zygote ended before the line above
            return
        os.setsid()
        _own_signals()
        null = os.open(os.devnull, os.O_RDWR)
        order = [null, null, errors, *passed]
        # Above every number they move to, so that no move overwrites one still to be moved.
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 3 + len(order)) for fd in order]
        _close_other_fds(set(high))
        for number, fd in enumerate(high):
            os.dup2(fd, number)
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        tempfile.tempdir = None  # the zygote's, cached: TMPDIR is read again
        sandbox.name_process(request["name"])
        module, _, function = request["run"].partition(":")
        code = getattr(importlib.import_module(module), function)(request["argv"])
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stderr.flush()
        os._exit(code)


def how_it_ended(status: int) -> dict:
    if os.WIFSIGNALED(status):
        return {"signal": os.WTERMSIG(status)}
    return {"code": os.waitstatus_to_exitcode(status)}


class Zygote:
    """``root``: the zygote its runner started, which may also fork trusted processes
    (:func:`_trusted_child`); a branch forks keepers only."""

    def __init__(self, control: socket.socket, level: str, root: bool = True) -> None:
        self.control, self.level, self.root = control, level, root
        self.keepers: dict[int, int] = {}  # keeper pid -> request id
        self.branch_pids: set[int] = set()  # the zygotes branched from this one
        self.trusted: dict[int, int] = {}  # trusted child pid -> the write end of its status pipe
        self.mount_point = tempfile.mkdtemp(prefix="kata-root-") if level == sandbox.NAMESPACES else ""
        self.python_folders = sandbox.python_folders()

    def send(self, message: dict) -> None:
        self.control.send(json.dumps(message).encode())

    def serve(self, later: tuple = LATER) -> None:
        wake_read, wake_write = os.pipe()
        os.set_blocking(wake_read, False)
        os.set_blocking(wake_write, False)
        signal.set_wakeup_fd(wake_write)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        later = list(later)
        asked_while_warming: list[int] = []  # control sockets of branches asked for before the zygote was warm

        def warm(step) -> None:
            later.remove(step)
            _warm(step)
            if not later:  # a branch starts as warm as a zygote gets, and warms nothing itself
                for control_fd in asked_while_warming:
                    self._branch(control_fd)
                asked_while_warming.clear()

        try:
            while True:
                # Ready at once, the zygote warms up the rest between requests: the trusted
                # side's first learner process does not wait for what only later katas use.
                ready, _, _ = select.select([self.control, wake_read], [], [], 0 if later else None)
                if not ready and later:
                    warm(later[0])
                    continue
                if wake_read in ready:
                    _drain(wake_read)
                    self._reap()
                if self.control in ready:
                    try:
                        data, fds, _, _ = socket.recv_fds(self.control, MESSAGE_SIZE, MESSAGE_FDS)
                    except ConnectionResetError:  # closed with news of this zygote's still unread
                        data = b""
                    if not data:
                        _end_children(self.branch_pids)
                        return
                    request = json.loads(data)
                    if "run" in request:
                        for step in [step for step in later if step in FOR_TRUSTED]:
                            warm(step)
                        self._run_trusted(request, fds)
                    elif "name" in request:  # a branch named after the process it serves (see client.Runner.adopt)
                        sandbox.name_process(str(request["name"]))
                    elif request.get("branch") and later:
                        asked_while_warming.append(fds[0])
                    elif request.get("branch"):
                        self._branch(fds[0])
                    else:
                        self._spawn(request, fds)
        finally:
            if self.mount_point:
                os.rmdir(self.mount_point)

    def _reap(self) -> None:
        while True:  # keepers, and branches (whose end is nobody's news)
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            self.branch_pids.discard(pid)
            status_pipe = self.trusted.pop(pid, None)
            if status_pipe is not None:
                os.write(status_pipe, json.dumps(how_it_ended(status)).encode())
                os.close(status_pipe)
            request = self.keepers.pop(pid, None)
            if request is not None:
                self.send({"exited": request, "how": how_it_ended(status)})

    def _branch(self, control_fd: int) -> None:
        """Fork a zygote that serves another control socket (a forked pytest process's runner, a
        grading worker's), warm as this one is now, with keepers of its own; it ends when that
        socket closes."""
        pid = os.fork()
        if pid != 0:
            os.close(control_fd)
            self.branch_pids.add(pid)
            return
        code = 70
        try:
            sandbox.die_with_parent()
            self.control.close()
            for status_pipe in self.trusted.values():  # the root's to close: its closing says the zygote ended
                os.close(status_pipe)
            branch = Zygote(socket.socket(fileno=control_fd), self.level, root=False)
            branch.send({"ready": True, "pid": os.getpid()})
            branch.serve(later=())
            code = 0
        finally:
            os._exit(code)

    def _run_trusted(self, request: dict, fds: list[int]) -> None:
        """Fork a trusted child (``fds``: its status pipe, its standard error, what it is
        passed); its pid, then how it ended, go on its status pipe (see
        :class:`.client.TrustedProcess`). A branch forks none: its pipe closes unwritten."""
        status_pipe, errors, passed = fds[0], fds[1], fds[2:]
        zygote = os.getpid()
        pid = os.fork() if self.root else -1
        if pid == 0:
            self.control.detach()  # closed in the child with the rest: never by this object
            _trusted_child(zygote, request, errors, passed)
        for fd in fds[1:]:
            os.close(fd)
        if pid < 0:
            os.close(status_pipe)
            return
        os.write(status_pipe, f"{pid}\n".encode())
        self.trusted[pid] = status_pipe

    def _spawn(self, request: dict, fds: list[int]) -> None:
        channel, output, audit = fds
        spec = sandbox.Spec(self.level, self.mount_point, self.python_folders, request["memory_mib"])
        from . import learner  # imported by warm_up: torch is loaded

        learner.runner_modules()  # read here once, not in every learner process (see there)
        status_read, status_write = os.pipe()
        keeper = os.fork()
        if keeper == 0:
            os.close(status_read)
            _keeper(spec, channel, output, audit, status_write, request.get("scratch", ""))
        os.close(status_write)
        for fd in fds:
            os.close(fd)
        self.keepers[keeper] = request["id"]
        pid = os.read(status_read, 32)  # one write, or nothing if the keeper failed
        os.close(status_read)
        self.send({"spawned": request["id"], "pid": int(pid) if pid else None})


def _end_children(branch_pids: set[int], wait: float = CHILDREN_WAIT) -> None:
    """Reap this zygote's children before it ends: its branches, each of which ends as the
    process it served has, within ``wait`` seconds; then every other (keepers end with it, as
    when it ends), killed. A child left to end after it would be nobody's to reap, and the CPU
    it used nobody's to count."""
    deadline = time.monotonic() + wait
    while branch_pids & sandbox.children() and time.monotonic() < deadline:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                time.sleep(0.01)
        except ChildProcessError:
            return
    sandbox.end_children()


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 512):
            pass
    except BlockingIOError:
        pass


#: where the trusted side's Python found this package (see client.code_paths)
CODE_PATHS: list[str] = []


def main(argv: list[str]) -> None:
    """``main([PATHS_JSON, CONTROL_FD, LEVEL])``"""
    CODE_PATHS[:] = json.loads(argv[0])
    control = socket.socket(fileno=int(argv[1]))
    level = argv[2]
    sandbox.die_with_parent()
    import torch

    # One thread: learner processes are forked from here, and a fork after a thread pool has
    # started can deadlock; the katas' tensors are tiny.
    torch.set_num_threads(1)
    warm_up()
    freeze()
    zygote = Zygote(control, level)
    zygote.send({"ready": True, "pid": os.getpid()})
    zygote.serve()
    # Its children are reaped and it holds nothing to write: it ends now, without the
    # interpreter's own end (freeing torch's objects one by one: 0.3 to 0.7 s that its runner,
    # closing, would wait for).
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1:])
