"""How a learner process is shut in: the isolation levels, finding which this machine allows,
and entering one.

- ``namespaces`` (Linux): new pid, mount, network, IPC and UTS namespaces (and a user namespace
  when not root). The process sees a read-only view of the system's libraries and Python's
  files, the few files of /etc the dynamic loader needs, and a private, size-capped ``/tmp``;
  not the course, the solutions, other submissions, the grader's processes, the network, or
  the rest of the host (machine-id, users, the mounts below /sys, its host name). It is pid 1
  of its namespace. It keeps no capabilities; as root it also runs as a uid that owns nothing.
- ``uid`` (root where namespaces are refused, as in a default Docker container): the process
  runs as a uid of its own that owns nothing, so it can neither signal nor read what belongs
  to the grader or another kata; it still sees world-readable files.
- ``process``: a separate process with resource limits, nothing more (macOS, Windows, locked-down
  containers). Verdicts are still decided outside it, but it can read and write what the user can.

Every level caps memory, file size, open files and core dumps, gives the process an empty
session keyring of its own, and installs :mod:`.seccomp`'s filter: no new processes, no keyring
calls, nothing around it. :func:`problem` tries a level before it is used: a level whose learner
processes could not read Python's folders is refused, naming the folder.
"""
from __future__ import annotations

import ctypes
import os
import resource
import signal
import site
import stat
import sys
import sysconfig
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache

from . import seccomp

NAMESPACES, UID, PROCESS = "namespaces", "uid", "process"
LEVELS = (NAMESPACES, UID, PROCESS)

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 0x1, 0x2, 0x4, 0x8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 0x20, 0x1000, 0x4000, 0x40000
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS, PR_CAPBSET_DROP, PR_SET_CHILD_SUBREAPER, PR_SET_NAME = 1, 38, 24, 36, 15
SYS_PIVOT_ROOT, SYS_CAPSET = {"x86_64": (155, 126), "aarch64": (41, 91)}.get(os.uname().machine, (None, None)) \
    if hasattr(os, "uname") else (None, None)
LINUX_CAPABILITY_VERSION_3, CAP_LAST = 0x20080522, 63
KEYCTL_JOIN_SESSION_KEYRING = 1

#: where the uids that root gives learner processes start (see uid_for)
UID_BASE = 2_000_000_000
#: what a learner process may write: its private /tmp, its output file
FILE_SIZE_LIMIT = 64 * 2**20
TMP_SIZE = "64m"
OPEN_FILES = 256
#: how a learner process that could not enter its sandbox ends (it says why in its output)
COULD_NOT_START = 71
#: processes and threads a learner process's own uid may have at once (a fork bomb stops here)
PROCESS_LIMIT = 256
#: folders of the system a learner process reads (libraries, Python's own files)
SYSTEM_FOLDERS = ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin")
#: what of /etc it reads: where the dynamic loader finds libraries, and the time zone. Nothing
#: else of the host (no machine-id, hostname, users, mounts)
ETC_ENTRIES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "alternatives")
#: the host name inside a namespace (UTS namespaces start with the host's)
HOSTNAME = b"kata"
#: device files a learner process may use; GPUs' device files are added when present
DEVICES = ("null", "zero", "full", "random", "urandom")

_libc = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


class SandboxError(OSError):
    pass


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise SandboxError(errno, f"{what}: {os.strerror(errno)}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    _check(_libc.mount(source and source.encode(), target.encode(), fstype and fstype.encode(),
                       ctypes.c_ulong(flags), data and data.encode()), f"mount {target}")


def die_with_parent() -> None:
    """The kernel kills this process when its parent ends (Linux), so no learner process
    outlives the runner that started it."""
    if _libc is not None:
        _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def name_process(name: str) -> None:
    """What ``ps`` and /proc/PID/comm show for this process (Linux; 15 bytes at most)."""
    if _libc is not None:
        _libc.prctl(PR_SET_NAME, name.encode()[:15], 0, 0, 0)


def adopt_orphans() -> None:
    """Processes that lose their parent below this one come back to it (Linux), so that
    :func:`end_children` finds a learner's ``setsid`` daemon too."""
    if _libc is not None:
        _libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def children() -> set[int]:
    """The pids of this process's children, of all its threads (Linux; none elsewhere)."""
    found: set[int] = set()
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:  # no /proc
        return found
    for task in tasks:
        try:
            with open(f"/proc/self/task/{task}/children") as listing:
                found.update(int(pid) for pid in listing.read().split())
        except OSError:  # a thread that ended meanwhile
            pass
    return found


def end_children() -> None:
    """Kill and reap every child of this process until none is left (after :func:`adopt_orphans`,
    that includes the orphans of its descendants)."""
    while True:
        for child in children():
            try:
                os.kill(child, signal.SIGKILL)
            except OSError:
                pass
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


@dataclass(frozen=True)
class Spec:
    """What a learner process gets, decided by the runner."""
    level: str
    #: an empty folder to build the new root in (mounted over in the private mount namespace)
    mount_point: str = ""
    #: folders seen read-only inside (Python's prefix and site-packages, besides SYSTEM_FOLDERS)
    python_folders: tuple[str, ...] = field(default_factory=tuple)
    #: MiB the learner's code may allocate on top of what the process holds (0: no cap)
    memory_mib: int = 0


def python_folders() -> tuple[str, ...]:
    """Where this Python finds its standard library and installed packages."""
    found = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix, *site.getsitepackages()}
    user = site.getusersitepackages()
    if isinstance(user, str):
        found.add(user)
    found.update(p for p in sys.path if p.endswith(("site-packages", "dist-packages")))
    return tuple(sorted(p for p in found if os.path.isdir(p)))


def _namespace_flags() -> int:
    flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNET
    return flags if os.geteuid() == 0 else flags | CLONE_NEWUSER


def importable_folders() -> tuple[str, ...]:
    """Every folder a learner process imports from: Python's standard library (with its compiled
    modules), the prefixes, and every folder of installed packages."""
    paths = sysconfig.get_paths()
    found = {*python_folders(), paths["stdlib"], paths["platstdlib"], os.path.join(paths["platstdlib"], "lib-dynload")}
    return tuple(sorted(p for p in found if os.path.isdir(p)))


#: why a level cannot be had (:class:`Refusal`)
NEEDS_LINUX, NEEDS_ROOT, CANNOT_ENTER, CANNOT_READ = "needs_linux", "needs_root", "cannot_enter", "cannot_read"


@dataclass(frozen=True)
class Refusal:
    """Why a level cannot run learner code on this machine (``reason``): it needs Linux, or root;
    entering it failed (``detail`` says how); or a learner process there cannot read a ``folder``
    Python imports from, ``blocker`` being the folder on its path, nearest the root, that other
    users may not enter (or, the folder itself, read), with its ``mode``."""
    level: str
    reason: str
    folder: str = ""
    blocker: str = ""
    mode: int = 0
    detail: str = ""


def _blocker(folder: str, level: str) -> tuple[str, int]:
    """The folder on ``folder``'s path, from the root down, that other users may not enter (or, for
    ``folder`` itself, read), and its permission bits. In a namespace the folders above a mounted
    one are made afresh, so the path counts from the folder mounted."""
    top = "/"
    if level == NAMESPACES:
        top = max((m for m in (*SYSTEM_FOLDERS, *python_folders()) if folder == m or folder.startswith(m + "/")),
                  key=len, default="/")
    path = top
    for part in [""] + [p for p in folder[len(top):].split("/") if p]:
        path = os.path.join(path, part) if part else path
        mode = os.stat(path).st_mode & 0o7777
        if not mode & stat.S_IXOTH or path == folder and not mode & stat.S_IROTH:
            return path, mode
    return folder, os.stat(folder).st_mode & 0o7777


def _check_from_inside(folders: tuple[str, ...], report: int) -> None:
    """In a process that entered its level: the first folder it cannot read, or nothing."""
    unreadable = next((f for f in folders if not os.access(f, os.R_OK | os.X_OK)), "")
    os.write(report, unreadable.encode())


def _try_level(level: str, folders: tuple[str, ...], mount_point: str, report: int) -> None:  # pragma: no cover
    """The throwaway child of :func:`problem`: it enters ``level`` as a keeper and its learner
    process would, then reads."""
    try:
        spec = Spec(level, mount_point, python_folders())
        if level != NAMESPACES:
            enter(spec, uid_for(os.getppid()))
            _check_from_inside(folders, report)
            os._exit(0)
        unshare_namespaces()
        inner = os.fork()  # pid 1 of the new pid namespace, as a learner process is
        if inner == 0:
            try:
                enter(spec, uid_for(os.getppid()))
                _check_from_inside(folders, report)
                os._exit(0)
            except BaseException as err:
                os.write(report, f"\0{type(err).__name__}: {err}".encode())
                os._exit(1)
        _, status = os.waitpid(inner, 0)
        os._exit(os.waitstatus_to_exitcode(status))
    except BaseException as err:
        os.write(report, f"\0{type(err).__name__}: {err}".encode())
        os._exit(1)


@lru_cache(maxsize=None)
def problem(level: str) -> Refusal | None:
    """Why ``level`` cannot run learner code on this machine, found by entering it in a throwaway
    child exactly as a learner process does and reading every folder Python imports from; None
    when it can. (Once per process: a few tens of milliseconds.)"""
    if level != PROCESS and (_libc is None or SYS_PIVOT_ROOT is None or not hasattr(os, "fork")):
        return Refusal(level, NEEDS_LINUX)
    if level == UID and os.geteuid() != 0:
        return Refusal(level, NEEDS_ROOT)
    if not hasattr(os, "fork"):
        return None
    folders = importable_folders()
    mount_point = tempfile.mkdtemp(prefix="kata-root-") if level == NAMESPACES else ""
    read, write = os.pipe()
    try:
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            os.close(read)
            _try_level(level, folders, mount_point, write)
        os.close(write)
        with os.fdopen(read, "rb") as said:
            found = said.read().decode("utf-8", "replace")
        os.waitpid(pid, 0)
    finally:
        if mount_point:
            os.rmdir(mount_point)
    if found.startswith("\0"):
        return Refusal(level, CANNOT_ENTER, detail=found[1:])
    if found:
        return Refusal(level, CANNOT_READ, found, *_blocker(found, level))
    return None


@lru_cache(maxsize=1)
def best_level() -> str:
    """The strongest level that can run learner code on this machine (see :func:`problem`)."""
    if problem(NAMESPACES) is None:
        return NAMESPACES
    if problem(UID) is None:
        return UID
    return PROCESS


def unshare_namespaces() -> None:
    """Step one, in the parent of the learner process: new namespaces (the learner process,
    forked next, is pid 1 of the new pid namespace)."""
    uid, gid = os.geteuid(), os.getegid()
    _check(_libc.unshare(_namespace_flags()), "unshare")
    _check(_libc.sethostname(HOSTNAME, len(HOSTNAME)), "sethostname")
    if uid != 0:
        # Inside, the user is an ordinary uid (not 0), so running a program cannot give it
        # capabilities back.
        for name, value in (("setgroups", "deny"), ("uid_map", f"1000 {uid} 1"), ("gid_map", f"1000 {gid} 1")):
            fd = os.open(f"/proc/self/{name}", os.O_WRONLY)
            try:
                os.write(fd, value.encode())
            finally:
                os.close(fd)


def _bind(source: str, root: str, read_only: bool = True, recursive: bool = True) -> None:
    target = root + source
    if os.path.isdir(source):
        os.makedirs(target, exist_ok=True)
    elif os.path.exists(source):
        os.makedirs(os.path.dirname(target), exist_ok=True)
        open(target, "a").close()
    else:
        return
    _mount(source, target, None, MS_BIND | (MS_REC if recursive else 0))
    if read_only:
        # A remount must repeat the flags the original mount is locked with.
        held = os.statvfs(target).f_flag
        locked = (MS_NOSUID if held & os.ST_NOSUID else 0) | (MS_NODEV if held & os.ST_NODEV else 0) \
            | (MS_NOEXEC if held & os.ST_NOEXEC else 0)
        _mount(None, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | locked)


def _build_root(spec: Spec) -> None:
    root = spec.mount_point
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    _mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755")
    # The private /tmp first: a Python installed under /tmp is then bound inside it, not hidden.
    os.makedirs(root + "/tmp")
    _mount("tmpfs", root + "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, f"size={TMP_SIZE},mode=1777")
    for folder in dict.fromkeys((*SYSTEM_FOLDERS, *spec.python_folders)):
        if os.path.isdir(folder):
            _bind(folder, root)
    os.makedirs(root + "/etc")
    for name in ETC_ENTRIES:
        _bind(f"/etc/{name}", root)
    gpus = [n for n in os.listdir("/dev") if n.startswith("nvidia")]
    if gpus:  # CUDA reads the devices' descriptions there; the mounts below /sys stay out
        _bind("/sys", root, recursive=False)
    os.makedirs(root + "/dev", exist_ok=True)
    _mount("tmpfs", root + "/dev", "tmpfs", MS_NOSUID, "size=64k,mode=0755")
    for name in (*DEVICES, *gpus):
        _bind(f"/dev/{name}", root, read_only=False)
    os.makedirs(root + "/dev/shm")
    _mount("tmpfs", root + "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, f"size={TMP_SIZE},mode=1777")
    os.makedirs(root + "/proc", exist_ok=True)
    os.makedirs(root + "/.old")
    os.chdir(root)
    _check(_libc.syscall(SYS_PIVOT_ROOT, b".", b".old"), "pivot_root")
    os.chroot(".")
    os.chdir("/")
    try:
        # Its own /proc shows the namespace's processes only. Some containers refuse a new
        # /proc; the process then has none, which the learner's code does not need.
        _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    except SandboxError:
        pass
    _check(_libc.umount2(b"/.old", MNT_DETACH), "umount the old root")
    os.rmdir("/.old")


def _drop_capabilities() -> None:
    """No capability is left, not even those a user namespace gives its creator."""
    header = (ctypes.c_uint32 * 2)(LINUX_CAPABILITY_VERSION_3, 0)
    data = (ctypes.c_uint32 * 6)()
    _check(_libc.syscall(SYS_CAPSET, header, data), "capset")


def _limits(spec: Spec) -> None:
    for limit, value in ((resource.RLIMIT_CORE, 0), (resource.RLIMIT_NOFILE, OPEN_FILES),
                         (resource.RLIMIT_FSIZE, FILE_SIZE_LIMIT)):
        _, hard = resource.getrlimit(limit)
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(limit, (value, value))
    # Writing past the file-size limit fails with an error instead of killing the process.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    if spec.memory_mib and sys.platform.startswith("linux"):
        with open("/proc/self/statm") as statm:  # the cap counts what the learner's code adds
            size = int(statm.read().split()[0]) * resource.getpagesize()
        cap = size + spec.memory_mib * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def enter(spec: Spec, uid: int) -> None:
    """Step two, in the learner process itself, before any of the learner's code runs.
    ``uid`` is the one it runs as where it starts as root (see :func:`uid_for`)."""
    if spec.level == NAMESPACES:
        _build_root(spec)
    # After the new /proc is mounted: the memory cap reads the process's size there.
    _limits(spec)
    if _libc is None:
        return
    if spec.level != PROCESS:
        for cap in range(CAP_LAST + 1):  # while it still may (CAP_SETPCAP): nothing can come back
            _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)
        if os.geteuid() == 0:  # root, outside any user namespace
            # The uid is the learner process's alone, so this caps the threads its code may start.
            resource.setrlimit(resource.RLIMIT_NPROC, (PROCESS_LIMIT, PROCESS_LIMIT))
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
        if spec.level == NAMESPACES:
            _drop_capabilities()
    _own_session_keyring()
    _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    if seccomp.supported():
        seccomp.install(_libc)


def _own_session_keyring() -> None:
    """A new, empty session keyring, so that none the process inherited (the teacher's, at the
    process level; root's, at the uid level) is its own any more. (The seccomp filter then
    refuses every keyring call; this also empties what ``/proc/keys`` shows it.) A kernel
    without keyrings has none to share, so a failure is no matter."""
    if seccomp.supported():
        _libc.syscall(seccomp.ABI[os.uname().machine]["refused"]["keyctl"], KEYCTL_JOIN_SESSION_KEYRING, None)


def uid_for(parent_pid: int) -> int:
    """The uid of the learner process whose parent (alive as long as it is) has this pid:
    unique among the learner processes alive at once, so none can signal another."""
    return UID_BASE + parent_pid
