"""The runner: what the learner's code can and cannot do from its learner process, at each
sandbox level this machine allows, and what the trusted side learns when it misbehaves."""
from __future__ import annotations

import dataclasses
import errno
import math
import os
import re
import signal
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest
import torch

from pytest_autograd_kata.course.i18n import t
from pytest_autograd_kata.remote import (Budget, KataLoadError, KataSource, KataTimeout, LearnerCrashed,
                                         RemoteKata)
from pytest_autograd_kata.runner import probes
from pytest_autograd_kata.runner import codec, names, sandbox, seccomp, wire
from pytest_autograd_kata.runner.client import LevelRefused, Limits, Runner, describe_end, shared

from conftest import REPO

#: what the learner's process tries; each function returns what it found
PROBES = """
import os, socket, subprocess, sys, time

def whoami():
    return os.getpid(), os.getuid()

def read(path):
    try:
        with open(path, "rb") as handle:
            return len(handle.read())
    except OSError as err:
        return type(err).__name__

def write(path):
    try:
        with open(path, "w") as handle:
            handle.write("learner was here")
        return "written"
    except OSError as err:
        return type(err).__name__

def connect():
    try:
        socket.create_connection(("127.0.0.1", 22), timeout=1).close()
        return "connected"
    except OSError as err:
        return type(err).__name__

def signal_parent():
    try:
        os.kill(os.getppid(), 0)
        return "can signal"
    except OSError as err:
        return type(err).__name__

def import_solutions():
    try:
        import solutions  # noqa: F401
        return "imported"
    except ImportError as err:
        return type(err).__name__

def hoard(mib):
    return len(bytearray(mib * 2**20))

def daemon(seconds):
    # double fork and setsid: a process that tries to outlive its kata
    return subprocess.Popen([sys.executable, "-c", f"import time; time.sleep({seconds})"],
                            start_new_session=True).pid

def fork_now():
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    return pid

def threads(count):
    import threading
    done = []
    started = [threading.Thread(target=done.append, args=(n,)) for n in range(count)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join()
    return len(done)

def keyctl_errno():
    import ctypes, platform
    libc = ctypes.CDLL(None, use_errno=True)
    number = {"x86_64": 250, "aarch64": 219}[platform.machine()]
    # KEYCTL_GET_KEYRING_ID of the session keyring (-3)
    return 0 if libc.syscall(number, 0, ctypes.c_long(-3), 0) >= 0 else ctypes.get_errno()

def add_key_errno():
    import ctypes, platform
    libc = ctypes.CDLL(None, use_errno=True)
    number = {"x86_64": 248, "aarch64": 217}[platform.machine()]
    # a "user" key in the session keyring (-3)
    result = libc.syscall(number, b"user", b"left for a later kata", b"secret", 6, ctypes.c_long(-3))
    return 0 if result >= 0 else ctypes.get_errno()

def exit_now(code):
    os._exit(code)

def segfault():
    import ctypes
    ctypes.string_at(0)

def chatter(lines):
    for n in range(lines):
        print("line", n)
    return lines

def megabytes(count):
    return b"x" * (count * 2**20)

def host_facts():
    # what the learner's code can learn of the machine around it
    def read(path):
        try:
            with open(path, "rb") as handle:
                return handle.read().decode("utf-8", "replace")
        except OSError as err:
            return type(err).__name__
    fds = {}
    for fd in os.listdir("/proc/self/fd"):
        try:
            fds[fd] = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            pass
    return {"cmdline": read("/proc/self/cmdline"), "argv": " ".join(sys.argv), "machine_id": read("/etc/machine-id"),
            "passwd": read("/etc/passwd"), "mounts": read("/proc/self/mountinfo"), "fds": " ".join(fds.values()),
            "hostname": os.uname().nodename, "home": os.environ.get("HOME"), "tmpdir": os.environ.get("TMPDIR"),
            "modules": " ".join(sorted(sys.modules)), "path": " ".join(sys.path)}

def on_the_meta_device():
    # what k01's and k12's checks have the learner's function do: torch's reference implementations
    import torch
    x = torch.arange(3.0, device="meta", requires_grad=True)
    y = (x * x + torch.sin(x)).sum()
    return [list(y.shape), str(y.device), y.requires_grad, "torch._dynamo" in sys.modules]

def import_system():
    # what the import system holds that could find the runner again
    return {"modules": sorted(sys.modules), "finders": sorted(sys.path_importer_cache),
            "meta_path": [repr(finder) for finder in sys.meta_path]}

def nap(seconds):
    time.sleep(seconds)

def spin():
    while True:
        try:
            pass
        except BaseException:
            pass
"""

#: the levels that can run learner code on this machine (a level that cannot is refused: see below)
LEVELS = [level for level in sandbox.LEVELS if sandbox.problem(level) is None]


def learner(runner: Runner, source: str = PROBES, seconds: float = 30) -> RemoteKata:
    kata = RemoteKata(runner, KataSource({"k00_probe": source}, {"k00_probe": "k00_probe.py"}, "k00_probe"), "k00")
    kata.begin_check(Budget(seconds))
    return kata


@pytest.fixture(scope="module", params=LEVELS)
def level(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def probe(level: str):
    kata = learner(shared(level, Limits(memory_mib=512)))
    yield kata
    kata.close()


def test_the_learner_cannot_read_or_write_the_course(probe, level: str, tmp_path: Path) -> None:
    solution = str(REPO / "solutions" / "k01_grad_storage.py")
    if level == sandbox.NAMESPACES:
        assert probe.read(solution) == "FileNotFoundError"  # not even there
        assert probe.write(str(REPO / "katas" / "conftest.py")) in ("FileNotFoundError", "OSError")
        assert probe.write("/usr/evil") == "OSError"  # read-only system
    elif level == sandbox.UID:
        secret = tmp_path / "secret"
        secret.write_text("answers")
        secret.chmod(0o600)
        assert probe.read(str(secret)) == "PermissionError"
        assert probe.write(str(tmp_path / "new")) == "PermissionError"
    else:  # the process level gives up exactly this: say so in the README
        assert probe.read(solution) > 0
    assert probe.write(os.path.join(probe.scratch, "mine.txt")) == "written"


def test_the_learner_cannot_reach_the_network_or_the_runner(probe, level: str) -> None:
    if level == sandbox.NAMESPACES:
        assert probe.connect() == "OSError"  # no network at all: not even loopback answers
        pid, uid = probe.whoami()
        assert pid == 1
        assert probe.signal_parent() == "PermissionError" or pid == 1
    if level in (sandbox.NAMESPACES, sandbox.UID) and os.geteuid() == 0:
        assert probe.whoami()[1] >= sandbox.UID_BASE
    if level == sandbox.UID:
        assert probe.signal_parent() == "PermissionError"


def test_the_runners_own_folder_is_not_on_the_learners_path(probe) -> None:
    assert probe.import_solutions() == "ModuleNotFoundError"


def test_the_learners_import_system_holds_nothing_of_the_runner(probe) -> None:
    # Its modules are read in the zygote (learner.runner_modules) and dropped in the learner's
    # process, with every finder the import system had cached: none names the runner's package
    # or the folder it was found in (a source checkout, which holds the solutions).
    held = probe.import_system()
    package = "pytest_autograd_kata"
    assert [name for name in held["modules"] if name.startswith((package, "__editable__"))] == []
    assert [path for path in held["finders"] if path.startswith(str(REPO))] == []
    # the one finder of the package's left is the one that imports the learner's kata modules
    assert [finder for finder in held["meta_path"] if package in finder or "__editable__" in finder] \
        == [finder for finder in held["meta_path"] if ".learner.KataModules object" in finder]


def test_the_runners_modules_are_read_again_once_a_module_was_imported_since_the_last_reading() -> None:
    # The zygote reads them before each learner process it forks, a comparison when nothing was
    # imported since: a module of the package imported later (a warm-up step) is dropped too.
    from pytest_autograd_kata.runner import learner as learner_side

    def scanned() -> set[str]:
        return {name for name in sys.modules if name.split(".")[0] == "pytest_autograd_kata"
                or name.startswith("__editable__")}

    first = set(learner_side.runner_modules())
    assert first == scanned() and "pytest_autograd_kata.runner.learner" in first
    added = {"pytest_autograd_kata.imported_later": types.ModuleType("later"),
             "__editable___later_finder": types.ModuleType("finder")}
    sys.modules.update(added)
    try:
        assert set(learner_side.runner_modules()) == first | set(added) == scanned()
    finally:
        for name in added:
            del sys.modules[name]
    assert set(learner_side.runner_modules()) == first


def test_a_function_on_the_meta_device_runs_without_importing_torchs_compiler(probe) -> None:
    # torch wraps its reference implementations in a guard that imports torch._dynamo (1.3-1.8 s)
    # at its first call; the zygote gives each guard its function beforehand (nothing compiles)
    assert probe.on_the_meta_device() == [[], "meta", True, False]


def test_memory_beyond_the_cap_is_a_memory_error(probe) -> None:
    with pytest.raises(MemoryError):
        probe.hoard(2048)
    assert probe.hoard(16) == 16 * 2**20  # and the process goes on


def test_the_learner_can_start_no_process_but_threads(probe) -> None:
    # A kata needs no process of its own; refusing them makes the memory cap and the CPU time of
    # the learner process the kata's own bounds (no fork bomb, no children each holding the cap).
    if not seccomp.supported():
        pytest.skip("no seccomp filter for this machine's system calls")
    with pytest.raises(PermissionError):
        probe.daemon(60)
    with pytest.raises(PermissionError):
        probe.fork_now()
    assert probe.threads(4) == 4


@pytest.mark.parametrize("level", [level for level in (sandbox.NAMESPACES, sandbox.UID) if level in LEVELS
                                   and os.geteuid() == 0])
def test_a_level_whose_learner_cannot_read_python_is_refused_with_the_folder(level: str, tmp_path: Path,
                                                                             monkeypatch) -> None:
    # As root the learner process runs as a user that owns nothing: a Python (or venv) folder only
    # root may read would make every import the zygote did not do fail (a mis-grade), so the
    # level is refused before any learner code runs, naming the folder to open up.
    locked = tmp_path / "venv" / "lib"
    locked.mkdir(parents=True)
    for folder in (locked, tmp_path / "venv"):
        folder.chmod(0o700)
    python_folders = sandbox.python_folders()
    monkeypatch.setattr(sandbox, "python_folders", lambda: (*python_folders, str(locked)))
    sandbox.problem.cache_clear()
    try:
        refusal = sandbox.problem(level)
        with pytest.raises(LevelRefused):
            Runner(level)
    finally:
        sandbox.problem.cache_clear()
    assert refusal.reason == sandbox.CANNOT_READ and refusal.folder == str(locked)
    # At the uid level every folder on the way counts; in a namespace the folder is mounted as it is.
    assert refusal.blocker == str(tmp_path / "venv" if level == sandbox.UID else locked)


@pytest.mark.skipif(sandbox.NAMESPACES not in LEVELS, reason="needs the namespaces level")
def test_in_a_namespace_the_learner_sees_nothing_of_the_host(tmp_path: Path) -> None:
    # Issue 21: the output folder, the checkout, the machine-id and the host's mounts reached a
    # learner-visible results.json. The runner's folder and its scratch root must show nowhere.
    kata = learner(Runner(sandbox.NAMESPACES, Limits(memory_mib=512, scratch_root=str(tmp_path))))
    try:
        facts = kata.host_facts()
    finally:
        kata.close()
        kata._runner.close()
    everything = "\n".join(str(value) for value in facts.values())
    assert str(REPO) not in everything and str(tmp_path) not in everything
    assert facts["machine_id"] == "FileNotFoundError" and facts["passwd"] == "FileNotFoundError"
    assert "cgroup" not in facts["mounts"] and "/sys" not in facts["mounts"]
    assert facts["hostname"] == "kata" and facts["home"] == facts["tmpdir"] == "/tmp"
    assert "pytest_autograd_kata" not in facts["modules"] and "__editable__" not in facts["path"]


def test_the_learner_holds_no_keyring(probe) -> None:
    # Neither the session keyring it inherited (root's at the uid level, the teacher's at the
    # process level) nor one of its own to leave a key in for a later kata.
    if not seccomp.supported():
        pytest.skip("no seccomp filter for this machine's system calls")
    assert probe.keyctl_errno() == errno.EPERM
    assert probe.add_key_errno() == errno.EPERM


#: learner code that reaches for the machinery by a way the file does not spell out (pickle calls
#: gc.get_objects), then erases what its own process recorded of it, or closes or writes over the
#: pipe the record leaves by
COVERS_ITS_TRACKS = """
import os, pickle

def _erase_records():
    for thing in pickle.loads(b"cgc\\nget_objects\\n(tR."):
        if type(thing) in (dict, set, list) and any(type(k) in (tuple, list) and len(k) in (3, 4) for k in list(thing)[:3]):
            thing.clear()

def _pipes():
    return [fd for fd in range(3, 256) if os.path.exists(f"/proc/self/fd/{fd}") and "pipe:" in os.readlink(f"/proc/self/fd/{fd}")]

def erase():
    _erase_records()
    return 1

def close_pipes():
    for fd in _pipes():
        os.close(fd)
    return 1

def write_pipes():
    for fd in _pipes():
        os.write(fd, b'["gc.get_objects", "nothing", "elsewhere.py", 1]')
    return 1
"""


@pytest.mark.parametrize("call, says", [("erase", "gc.get_objects"), ("close_pipes", t("flag_audit_closed")),
                                        ("write_pipes", t("flag_audit_unreadable"))])
def test_what_the_code_reached_for_leaves_its_process_as_it_happens(call: str, says: str) -> None:
    kata = learner(shared(), COVERS_ITS_TRACKS)
    assert getattr(kata, call)() == 1
    assert getattr(kata, call)() == 1  # still answering, after its first call's reply
    assert any(says in (flag.what, flag.why) for flag in kata.flags), kata.flags
    kata.close()


@pytest.mark.parametrize("call, says", [("exit_now", "exit code 3"), ("segfault", "signal SIGSEGV")])
def test_a_process_that_ends_is_reported_with_how(call: str, says: str) -> None:
    kata = learner(shared())
    with pytest.raises(LearnerCrashed, match=says):
        getattr(kata, call)(*([3] if call == "exit_now" else []))
    assert kata.chatter(2) == 2  # the next call gets a new process
    kata.close()


def test_a_reply_over_the_limit_ends_the_process_and_says_the_runner_did(monkeypatch) -> None:
    monkeypatch.setattr(wire, "REPLY", dataclasses.replace(wire.REPLY, frame_bytes=2**20))
    kata = learner(shared())
    with pytest.raises(LearnerCrashed) as ended:
        kata.megabytes(2)
    assert ended.value.killed_by_runner
    # The message says how long the reply said it was (the 2 MiB and its header), and the limit.
    said = t("learner_broke", "en", what="megabytes(...)",
             detail=t("reply_frame_bytes", "en", sent=123_456_789, limit=2**20))
    length = re.fullmatch(re.escape(said).replace("123,456,789", "([0-9,]+)"), str(ended.value))
    assert length and 2 * 2**20 < int(length[1].replace(",", "")) < 2 * 2**20 + 1000, str(ended.value)
    assert kata.megabytes(0) == b""  # a new process answers the next call
    kata.close()


def test_a_loop_that_catches_everything_is_stopped_at_its_own_cpu_time() -> None:
    # Charged on the learner process's CPU time, which a busy machine does not inflate: stopped
    # right after 0.5 s of it, however long that took on the clock.
    budget = Budget(0.5)
    kata = learner(shared(), seconds=0.5)
    kata.begin_check(budget)
    with pytest.raises(KataTimeout) as stopped:
        kata.spin()
    assert stopped.value.kind == "cpu"
    assert -0.15 < budget.cpu_left <= 0  # at most a few polls past it
    assert budget.wait_left > 0.3  # it computed; it did not wait


def test_code_that_waits_is_stopped_after_as_long_waiting() -> None:
    budget = Budget(0.5)
    kata = learner(shared())
    kata.begin_check(budget)
    with pytest.raises(KataTimeout) as stopped:
        kata.nap(60)
    assert stopped.value.kind == "waited" and budget.cpu_left > 0.3


def test_code_starved_of_the_processor_is_stopped_by_the_clock_as_too_busy(tmp_path: Path) -> None:
    # Neither its CPU time nor waiting: it was ready to run, and the machine did not run it.
    budget = Budget(0.3)  # stopped at CLOCK_FACTOR times that on the clock
    kata = learner(shared())
    kata.begin_check(budget)
    kata.chatter(0)  # its process is started, to be put behind every other process
    os.sched_setscheduler(kata._process.pid, os.SCHED_IDLE, os.sched_param(0))
    # Each hog ends by itself, three times the clock's limit after it began: one left behind by
    # an interrupted run would otherwise burn a core until someone kills it.
    hog = f"import time\nend = time.monotonic() + {3 * budget.clock:g}\nwhile time.monotonic() < end:\n    pass\n"
    hogs = [subprocess.Popen([sys.executable, "-c", hog]) for _ in range(2 * os.cpu_count())]
    try:
        with pytest.raises(KataTimeout) as stopped:
            kata.spin()
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    assert stopped.value.kind == "busy" and budget.cpu_left > 0


def test_what_the_learner_prints_is_counted_not_kept_in_memory() -> None:
    kata = learner(shared())
    kata.begin_check(Budget(30))
    assert kata.chatter(20_000) == 20_000
    lines, head = kata.printed()
    assert lines == 20_000 and head.startswith("line 0\nline 1\n") and len(head) <= 4000
    kata.close()


def test_a_module_that_cannot_load_says_why() -> None:
    kata = learner(shared(), "x = 1 +\n")
    with pytest.raises(KataLoadError, match="SyntaxError at line 1"):
        kata.anything
    kata = learner(shared(), "raise ValueError('nope')\n")
    with pytest.raises(KataLoadError, match=r"ValueError: nope \(line 1\)"):
        kata.anything


SETTINGS_LEAK = """import torch

def draw():
    return torch.rand(3), torch.randint(0, 2**62, (1,)), torch.is_grad_enabled(), str(torch.get_default_dtype())

def leak():
    torch.manual_seed(12345)
    torch.set_grad_enabled(False)
    torch.set_default_dtype(torch.float64)

def hide_accelerator():  # as torch before 2.6 has it: no torch.accelerator
    del torch.accelerator
"""


@pytest.mark.parametrize("accelerator_api", [True, False], ids=["torch.accelerator", "no torch.accelerator"])
def test_each_check_starts_from_torchs_defaults_and_the_same_random_numbers(accelerator_api: bool) -> None:
    kata = learner(shared(), SETTINGS_LEAK)
    first = kata.draw()
    again = kata.draw()
    assert not torch.equal(first[0].value, again[0].value)  # within a check, the generator goes on
    if not accelerator_api:
        kata.hide_accelerator()
    kata.leak()
    kata.begin_check(Budget(30))
    second = kata.draw()
    kata.close()
    assert first[2:] == second[2:] == (True, "torch.float32")
    assert torch.equal(first[0].value, second[0].value) and torch.equal(first[1].value, second[1].value)
    torch.manual_seed(0)  # the generator as every check's begins: seed 0
    assert torch.equal(first[0].value, torch.rand(3))


def test_without_fork_a_fresh_python_serves_the_same_calls() -> None:
    runner = Runner(fork=False)
    try:
        kata = learner(runner)
        assert kata.chatter(3) == 3
        assert kata.whoami()[0] != os.getpid()
        kata.close()
    finally:
        runner.close()


# ---------------------------------------------------------------- what crosses

def test_frames_over_the_limit_are_refused() -> None:
    read, write = os.pipe()
    wire.write_frame(write, {"op": "x"}, [b"a" * 1000])
    with pytest.raises(wire.FrameTooLarge):
        wire.read_frame(read, time.monotonic() + 5, wire.Bounds(frame_bytes=500))
    os.close(read)
    os.close(write)


def test_a_silent_channel_times_out() -> None:
    read, write = os.pipe()
    with pytest.raises(wire.ChannelTimeout):
        wire.read_frame(read, time.monotonic() + 0.1)
    os.close(read)
    os.close(write)


@pytest.mark.parametrize("dtype, shape, blob, where", [
    ("object", [1], b"x" * 8, "cpu"),
    ("float32", [3], b"x" * 8, "cpu"),
    ("float32", [-1], b"", "cpu"),
    ("float32", [2], b"x" * 8, "tpu"),
])
def test_tensor_data_that_does_not_add_up_is_refused(dtype, shape, blob, where) -> None:
    with pytest.raises(codec.CodecError):
        codec.tensor_from_bytes(dtype, shape, where, blob)


def test_values_come_back_as_plain_tensors_with_every_dtype() -> None:
    for dtype in (torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.int64, torch.bool):
        values = torch.arange(6).reshape(2, 3).to(dtype)
        back = codec.tensor_from_bytes(str(dtype).removeprefix("torch."), [2, 3], "cpu", codec.tensor_bytes(values))
        assert type(back) is torch.Tensor and torch.equal(back, values)


@pytest.mark.parametrize("dotted, owner, name", [
    ("torch.sin", torch, "sin"), ("torch.Tensor.cos", torch.Tensor, "cos"), ("math.cos", math, "cos"),
    ("pytest_autograd_kata.runner.probes.call", probes, "call")])
def test_a_dotted_name_is_found_through_its_module_and_attributes(dotted: str, owner, name: str) -> None:
    # Both sides read the names a call is made with this way (the trusted side to check that a
    # function can be named, the learner's process to find it).
    assert names.owner_of(dotted) == (owner, name)
    assert names.owner_of(dotted) == (owner, name)  # once a part was found not to be a module, too


def test_a_dotted_name_that_names_nothing_says_so() -> None:
    with pytest.raises(LookupError):
        names.owner_of("no_module_of_that_name.f")
    with pytest.raises(AttributeError):
        names.owner_of("torch.no_attribute_of_that_name.f")


def test_a_module_that_appears_after_a_failed_lookup_is_found(monkeypatch) -> None:
    with pytest.raises(LookupError):
        names.owner_of("kata_module_made_later.f")
    module = types.ModuleType("kata_module_made_later")
    monkeypatch.setitem(sys.modules, "kata_module_made_later", module)
    assert names.owner_of("kata_module_made_later.f") == (module, "f")


#: a learner's module whose tensors hold no values: on torch's meta device, or made under inference_mode
NO_VALUES = """
import torch

def meta_leaf(n):
    return torch.arange(n, dtype=torch.float32, device="meta", requires_grad=True)

def moved_to_meta(n):
    return torch.arange(n, dtype=torch.float32, requires_grad=True).to("meta")

def backward_through(x):
    torch.sin(x).sum().backward()
    return x.grad

def facts_of(x):
    return str(x.device), list(x.shape), str(x.dtype), x.requires_grad, x.is_leaf

def sin_backward_of_grid(n, device, move_after):
    x = torch.linspace(0, 1, n, device="cpu" if move_after else device, requires_grad=True)
    grid = x.to(device) if move_after else x
    try:
        torch.sin(grid).sum().backward()
    except NotImplementedError:  # the copy back from meta to the CPU leaf has no values to copy
        return "no values"

def inference_leaf(n):
    with torch.inference_mode():
        return torch.arange(n, dtype=torch.float32, requires_grad=True)
"""


def test_a_meta_tensor_crosses_the_codec_as_its_shape_and_dtype_without_bytes() -> None:
    meta = torch.empty(2, 3, dtype=torch.float64, device="meta")
    assert codec.tensor_bytes(meta) == b""
    back = codec.tensor_from_bytes("float64", [2, 3], "meta", b"")
    assert (back.device.type, back.shape, back.dtype) == ("meta", (2, 3), torch.float64)
    with pytest.raises(codec.CodecError):  # a meta tensor has no values: bytes for it do not add up
        codec.tensor_from_bytes("float64", [1], "meta", b"x" * 8)


def test_a_meta_tensor_crosses_the_runner_both_ways_with_its_facts(remote_kata) -> None:
    kata = remote_kata(NO_VALUES)
    leaf = kata.meta_leaf(5)
    assert (leaf.device.type, leaf.shape, leaf.dtype) == ("meta", (5,), torch.float32)
    assert (leaf.requires_grad, leaf.is_leaf, leaf.grad_fn, leaf.grad) == (True, True, None, None)
    moved = kata.moved_to_meta(5)
    assert (moved.device.type, moved.is_leaf, moved.grad_fn) == ("meta", False, "ToCopyBackward0")
    # the check's meta tensor, made a leaf in the learner's process: a backward pass reaches it there
    learner_x = kata.tensor(torch.empty(4, device="meta"), requires_grad=True)
    assert kata.facts_of(learner_x) == ("meta", [4], "torch.float32", True, True)
    grad = kata.backward_through(learner_x)
    assert grad is learner_x.grad and learner_x.passes == 1 and learner_x.grad_as_left
    assert (grad.device.type, grad.shape) == ("meta", (4,))
    assert "meta" in repr(grad)


def test_watch_tells_the_devices_of_the_leaves_a_backward_pass_reaches(remote_kata) -> None:
    kata = remote_kata(NO_VALUES)
    with kata.watch(backward_leaves=True) as seen:
        kata.sin_backward_of_grid(5, "meta", False)
        kata.sin_backward_of_grid(5, "meta", True)  # a CPU leaf moved to meta after it records gradients
        kata.sin_backward_of_grid(5, "cpu", False)
    assert seen.backward_leaves == [["meta"], ["cpu"], ["cpu"]]
    assert [call["kind"] for call in seen.backward_calls] == ["backward"] * 3


def test_an_inference_tensor_comes_back_with_its_facts(remote_kata) -> None:
    x = remote_kata(NO_VALUES).inference_leaf(3)
    assert x.is_inference and x.requires_grad and x.version is None
    assert x.value.tolist() == [0.0, 1.0, 2.0]


def test_a_branch_asked_for_before_its_zygote_is_warm_serves_another_runner_and_is_told_when_it_ends() -> None:
    """The grader's one zygote: a worker's runner adopts a branch asked for at once (the zygote
    forks it once warm), runs learner processes from it, and sees when it can no longer."""
    root = Runner(sandbox.PROCESS)
    try:
        branch = Runner.adopt(sandbox.PROCESS, Limits(), root.branch_control())
        branch.control.send(b'{"name": "zygote:w1"}')
        kata = RemoteKata(branch, KataSource({"k00": "def twice(x):\n    return 2 * x\n"}, {"k00": "k00.py"}, "k00"),
                          "k00")
        kata.begin_check(Budget(60))
        assert kata.twice(21) == 42
        pid = kata._process.pid
        zygote = int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1])  # the keeper's parent
        zygote = int(open(f"/proc/{zygote}/stat").read().rsplit(")", 1)[1].split()[1])
        assert Path(f"/proc/{zygote}/comm").read_text().strip() == "zygote:w1"
        assert zygote != root.zygote.pid and branch.alive()
        kata.close()
    finally:
        root.close()
    deadline = time.monotonic() + 10
    while branch.alive() and time.monotonic() < deadline:  # the branch ends with its zygote
        time.sleep(0.05)
    assert not branch.alive()


def test_a_closed_runners_zygote_ends_cleanly_even_with_news_unread() -> None:
    """The zygote's news of learner processes that ended may be unread when its runner closes
    (the socket then reads as reset, not as closed): it still ends as asked, with status 0 and
    nothing on its standard error."""
    runner = Runner(sandbox.PROCESS)
    runner.start()
    zygote, errors = runner.zygote, os.dup(runner.zygote_errors.fileno())
    try:
        for _ in range(3):
            kata = RemoteKata(runner, KataSource({"k00": "def one():\n    return 1\n"}, {"k00": "k00.py"}, "k00"),
                              "k00")
            kata.begin_check(Budget(60))
            assert kata.one() == 1
            kata.close()
    finally:
        runner.close()
    try:
        assert zygote.returncode == 0
        assert os.pread(errors, 4000, 0) == b""
    finally:
        os.close(errors)


def test_a_runner_without_a_zygote_is_never_taken_for_a_dead_one() -> None:
    """Where learner processes are fresh Pythons (no fork: macOS, Windows), and before a zygote
    starts, the grader must not replace its worker after every job."""
    assert Runner(sandbox.PROCESS, fork=False).alive()
    assert Runner(sandbox.PROCESS).alive()


def _ends(pid: int, seconds: float = 10.0) -> bool:
    """Whether process ``pid`` is gone (or a zombie nobody reaps) within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                return True
        except OSError:
            return True
        time.sleep(0.05)
    return False


def test_a_trusted_process_forked_by_the_zygote_runs_as_a_new_one_would_and_its_end_is_told(tmp_path: Path) -> None:
    """What a grading worker forked from the grader's zygote gets: the folder, the environment
    (nothing of the zygote's) and the descriptors asked for, numbered 3, 4, ..., a session of
    its own, its name, its standard error; how it ended, and its session killed on demand."""
    runner = Runner(sandbox.PROCESS)
    errors = tmp_path / "errors"
    read, write = os.pipe()
    try:
        with errors.open("w+b") as error_file:
            script = ('echo "$PWD|$ONLY|${MPLBACKEND-none}|$(ps -o sid= -p $$ | tr -d " ")|$PPID|'
                      '$(cat /proc/$PPID/comm)" >&2; exec sleep 60')
            process = runner.run_trusted("subprocess:call", ["sh", "-c", script], [read, write], error_file.fileno(),
                                         str(tmp_path), {"ONLY": "yes", "PATH": os.environ["PATH"]}, "kata-trusted")
            deadline = time.monotonic() + 60
            while not errors.read_text().endswith("\n"):
                assert time.monotonic() < deadline, "the trusted process said nothing"
                time.sleep(0.05)
            pid = process.pid
            assert errors.read_text() == f"{tmp_path}|yes|none|{pid}|{pid}|kata-trusted\n"
            assert sorted(int(fd) for fd in os.listdir(f"/proc/{pid}/fd")) == [0, 1, 2, 3, 4]  # nothing of the zygote's
            assert [os.stat(f"/proc/{pid}/fd/{fd}").st_ino for fd in (3, 4)] == [os.fstat(read).st_ino] * 2
            assert process.wait(0.2) is None
            # a branch forked since (it holds what the zygote held then) does not keep the end untold
            branch = Runner.adopt(sandbox.PROCESS, Limits(), runner.branch_control())
            branch.spawn().close()
            process.kill()
            assert process.wait(30) == {"signal": signal.SIGKILL}
            branch.close()
        open_before = len(os.listdir("/proc/self/fd"))
        ended = runner.run_trusted("subprocess:call", ["sh", "-c", "exit 7"], [], sys.stderr.fileno(), str(tmp_path),
                                   {"PATH": os.environ["PATH"]}, "kata-trusted")
        assert ended.wait(30) == {"code": 7}
        assert len(os.listdir("/proc/self/fd")) == open_before  # its status pipe is not kept open
        with (tmp_path / "left").open("w+b") as left_file:  # what it left in its session ends on kill, too
            leaving = runner.run_trusted("subprocess:call", ["sh", "-c", "sleep 60 & echo $! >&2"], [],
                                         left_file.fileno(), str(tmp_path), {"PATH": os.environ["PATH"]},
                                         "kata-trusted")
            assert leaving.wait(30) == {"code": 0}
        left = int((tmp_path / "left").read_text())
        leaving.kill()
        assert _ends(left), "what the trusted process left in its session outlived its kill"
    finally:
        os.close(read)
        os.close(write)
        runner.close()


def test_a_trusted_process_asked_for_before_the_zygote_is_warm_gets_the_imports_its_checks_make_first(
        tmp_path: Path) -> None:
    # A grading worker's first check makes a backward pass with a gradient, which imports sympy
    # (0.6 s): the zygote imports it before it forks the worker, rather than each worker again.
    runner = Runner(sandbox.PROCESS)
    try:  # asked for at once: the request waits while the zygote imports torch
        process = runner.run_trusted("timeit:main", ["-n", "1", "-r", "1", "import os, sys; os._exit("
                                                     "0 if 'sympy' in sys.modules else 3)"],
                                     [], sys.stderr.fileno(), str(tmp_path), {}, "kata-trusted")
        assert process.wait(120) == {"code": 0}
    finally:
        runner.close()


def test_a_trusted_process_dies_with_its_zygote_and_a_branch_forks_none(tmp_path: Path) -> None:
    runner = Runner(sandbox.PROCESS)
    try:
        branch = Runner.adopt(sandbox.PROCESS, Limits(), runner.branch_control())
        refused = branch.run_trusted("subprocess:call", ["true"], [], sys.stderr.fileno(), str(tmp_path), {}, "x")
        assert refused.pid is None and refused.wait(30) == {"unseen": True}
        branch.close()
        process = runner.run_trusted("subprocess:call", ["sleep", "60"], [], sys.stderr.fileno(), str(tmp_path),
                                     {"PATH": os.environ["PATH"]}, "kata-trusted")
        pid = process.pid
        runner.zygote.kill()
        assert process.wait(30) == {"unseen": True}
        assert describe_end(process.wait(0)) == "an end nobody saw (the zygote that forked it ended first)"
        assert _ends(pid), "the trusted process outlived its zygote"
    finally:
        runner.close()
