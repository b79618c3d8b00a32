"""A hostile class (issue 9): each submission is the reference solutions with one kata's file
replaced by an attack, or a hostile file or folder name. Each attack gets its exact status and
score, every other kata its true score, the honest members of the class the same reports as
when graded without the hostile ones, and after grading the course and every submission folder
are byte for byte as before, no process of the run is left, and nothing was written outside
--out.

Graded once per sandbox level this machine allows (as root here: namespaces, uid, and process
with --no-sandbox), each with every attack that level is meant to stop, with --no-reuse so
every kata of every submission really runs beside its hostile neighbours."""
from __future__ import annotations

import importlib.util
import os
import py_compile
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from grade_class import (FILES, GRADED, SOLUTION, STUB, Adopter, Disturber, Sub, asks_for, gradebook, grade,
                         kata, messages, private_course, report, tree, wait_for_no_process_named)
from pytest_autograd_kata.grading import pool
from pytest_autograd_kata.runner import sandbox

pytestmark = [pytest.mark.skipif(sandbox.best_level() != sandbox.NAMESPACES or os.geteuid() != 0,
                                 reason="every sandbox level is tried: needs root and Linux namespaces"),
              # a class of some forty attacks graded at one level takes three minutes on two quiet
              # cores, more on a busy machine; the grader's own limits stop anything that hangs
              pytest.mark.timeout(900)]

#: the learner's time for one kata; the checks' own time beyond it before a worker counts as hung
TIMEOUT, GRACE = 5.0, 6.0


@dataclass
class Case:
    """An attack on ``kata_id``: its file's text, or ``prepare`` to make the file (a link, a
    FIFO); the kata's expected status and score and a phrase of its message."""
    kata_id: str
    status: str
    score: float
    says: str = ""
    source: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    prepare: Callable[[Path], None] | None = None

@dataclass
class Places:
    """Where the class lives, as an attacker who knows the machine would aim at it."""
    course: Path
    solutions: Path
    subs: Path
    out: Path
    #: the sandbox level graded at
    level: str


# ------------------------------------------------------------------ the attacks

def stub_after(code: str, kata_id: str = "k01") -> str:
    """``code`` run at import, and then the kata's untouched stub (not started, if nothing helped)."""
    return code + "\n" + STUB[kata_id]


def forging(places: Places) -> dict[str, Case]:
    """A: forging one's own verdict from inside the learner's process. Each reaches for the
    machinery (frames, fds, torch's and the toolkit's functions): scored on its values, and
    marked for review."""
    wrong = "\ndef make_x(n, device='cpu'):\n    return torch.arange(n, device=device)  # int64, no gradients\n"
    return {
        "a_writes_its_fds": Case("k01", "review", 0, "ended", source=(
            "import os, torch\n"
            "JUNK = b'{\"type\": \"result\", \"request\": {\"id\": 0}, \"signals\": [], \"kata\": {\"status\": \"passed\"}}\\n'\n"
            "def make_x(n, device='cpu'):\n"
            "    for fd in os.listdir('/proc/self/fd'):\n"
            "        try:\n            os.write(int(fd), JUNK * 4)\n        except OSError:\n            pass\n"
            "    return torch.arange(n, device=device)\n")),
        "a_patches_torch_and_toolkit": Case("k01", "review", 0, "dtype", source=(
            "import sys, torch\n"
            "torch.equal = lambda *a, **k: True\ntorch.allclose = lambda *a, **k: True\n"
            "torch.testing.assert_close = lambda *a, **k: None\n"
            "torch.Tensor.__eq__ = lambda self, other: torch.tensor(True)\n"
            f"sys.path[:0] = {[str(Path(pool.__file__).parents[2])]!r}\n"
            "try:\n"
            "    import pytest_autograd_kata.course.outcomes as outcomes, pytest_autograd_kata.assertions as assertions\n"
            "    outcomes.CheckResult.to_json = lambda self: {'kata': self.kata, 'name': self.name, 'status': 'passed'}\n"
            "    for name in dir(assertions):\n"
            "        if name.startswith(('assert_', 'fail')):\n"
            "            setattr(assertions, name, lambda *a, **k: None)\n"
            "except Exception:\n    pass\n" + wrong)),
        "a_tensor_subclass_says_equal": Case("k01", "review", 0, "subclass", source=(
            "import torch\n"
            "class Agreeable(torch.Tensor):\n"
            "    @classmethod\n"
            "    def __torch_function__(cls, func, types, args=(), kwargs=None):\n"
            "        if getattr(func, '__name__', '') in ('equal', 'allclose', 'isclose', 'eq', '__eq__'):\n"
            "            return True\n"
            "        return super().__torch_function__(func, types, args, kwargs or {})\n"
            "def make_x(n, device='cpu'):\n"
            "    return torch.zeros(n, device=device).as_subclass(Agreeable).requires_grad_(True)\n")),
        "a_rewrites_frame_locals": Case("k01", "review", 0, "dtype", source=(
            "import ctypes, sys, torch\n"
            "def make_x(n, device='cpu'):\n"
            "    frame = sys._getframe(1)\n"
            "    while frame is not None:\n"
            "        for name in ('expected', 'verdict', 'passed'):\n"
            "            frame.f_locals[name] = True\n"
            "        ctypes.pythonapi.PyFrame_LocalsToFast(ctypes.py_object(frame), ctypes.c_int(0))\n"
            "        frame = frame.f_back\n"
            "    return torch.arange(n, device=device)\n")),
        "a_mutates_its_input": Case("k03", "failed", 0, "x.grad", source=(
            "import torch\n"
            "def backward_two_x_dot_x(x):\n"
            "    with torch.no_grad():\n        x.zero_()\n"
            "    x.grad = torch.zeros_like(x)\n")),
    }


def reaching_out(places: Places) -> dict[str, Case]:
    """B: reaching outside the kata: solutions, peers, links, bytecode, writing elsewhere. What
    runs code it found (exec) is marked for review, whatever it found."""
    solution = places.solutions / FILES["k01"]
    run_first = ("import glob, os\n"
                 "def _first(paths):\n"
                 "    for path in paths:\n"
                 "        try:\n            with open(path) as found:\n                return found.read()\n"
                 "        except OSError:\n            continue\n"
                 "    return None\n")
    private = [str(solution), f"../solutions/{FILES['k01']}", f"../../solutions/{FILES['k01']}",
               f"/autograder/source/solutions/{FILES['k01']}"]
    world_readable = [str(Path(__file__).resolve().parents[1] / "solutions" / FILES["k01"])]
    assert os.stat(world_readable[0]).st_mode & 0o004
    peers = [str(places.subs / "alice" / FILES["k01"]), str(places.out / ".work" / "copies" / "*" / FILES["k01"])]
    write_everywhere = ("import os\n"
                        "def _write(path, text):\n"
                        "    try:\n        with open(path, 'w') as out:\n            out.write(text)\n"
                        "    except OSError:\n        pass\n")
    passing_conftest = ("import pytest\n@pytest.hookimpl(wrapper=True)\n"
                        "def pytest_runtest_makereport(item, call):\n"
                        "    report = yield\n    report.outcome = 'passed'\n    return report\n")
    rewriter = stub_after(write_everywhere
                          + "for _name in ('b_rewrites_its_own_file', 'b_twin_of_a_rewriter'):\n"
                          + f"    _write(os.path.join({str(places.subs)!r}, _name, {FILES['k01']!r}), {SOLUTION['k01']!r})\n")

    def stale_pyc(folder: Path) -> None:
        (folder / FILES["k01"]).write_text(STUB["k01"], encoding="utf-8")
        source = folder / "solution_source.py"
        source.write_text(SOLUTION["k01"], encoding="utf-8")
        # Where this Python would look for the stub's bytecode, and trust it unchecked.
        py_compile.compile(str(source), cfile=importlib.util.cache_from_source(str(folder / FILES["k01"])),
                           invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
        source.unlink()

    return {
        # Each reads what it can reach and runs it; the stub stays if it reaches nothing.
        "b_runs_the_teachers_solutions": Case("k01", "review", 0, "exec", source=(
            run_first + STUB["k01"] + f"\n_code = _first({private!r})\nif _code:\n    exec(_code)\n")),
        # A solutions folder every user may read (this checkout's): out of sight in a mount
        # namespace; as a uid of its own the learner's code reads it, as the README says.
        "b_runs_world_readable_solutions": Case(
            "k01", "review", 1 if places.level == "uid" else 0, "exec", source=(
                run_first + STUB["k01"] + f"\n_code = _first({world_readable!r})\nif _code:\n    exec(_code)\n")),
        "b_runs_a_peers_file": Case("k01", "review", 0, "exec", source=(
            run_first + STUB["k01"]
            + f"\n_code = _first([p for pattern in {peers!r} for p in glob.glob(pattern)])\nif _code:\n    exec(_code)\n")),
        "b_links_to_a_solution": Case("k01", "error", 0, "symbolic link",
                                      prepare=lambda folder: (folder / FILES["k01"]).symlink_to(solution)),
        "b_stale_pycache": Case("k01", "not_started", 0, prepare=stale_pyc),
        "b_writes_into_peers_and_course": Case("k01", "not_started", 0, source=stub_after(
            write_everywhere
            + f"_write({str(places.course / 'conftest.py')!r}, {passing_conftest!r})\n"
            + f"_write({str(places.course / FILES['k01'])!r}, {SOLUTION['k01']!r})\n"
            + f"_write({str(places.subs / 'b_victim' / FILES['k01'])!r}, {SOLUTION['k01']!r})\n")),
        "b_victim": Case("k01", "not_started", 0, source=STUB["k01"]),
        "b_brings_its_own_conftest_and_torch": Case("k01", "not_started", 0, source=STUB["k01"], extra={
            "conftest.py": passing_conftest,
            "pytest.ini": "[pytest]\naddopts = -p no:autograd_kata -p no:hypothesispytest\n",
            "sitecustomize.py": "import torch\ntorch.equal = lambda *a, **k: True\n",
            "torch.py": "raise SystemExit('a fake torch')\n",
        }),
        "b_rewrites_its_own_file": Case("k01", "not_started", 0, source=rewriter),
        # The same file, byte for byte: rewritten by its twin's code after being read, it is
        # still graded as it was handed in.
        "b_twin_of_a_rewriter": Case("k01", "not_started", 0, source=rewriter),
    }


def attacking_processes(places: Places) -> dict[str, Case]:
    """C: attacking the grader's processes: signals, writes into their pipes, a daemon."""
    return {
        "c_kills_what_it_sees": Case("k01", "review", 0, "os.kill", source=stub_after(
            "import os, signal\n"
            "for _pid in os.listdir('/proc'):\n"
            "    if _pid.isdigit() and int(_pid) != os.getpid():\n"
            "        try:\n            os.kill(int(_pid), signal.SIGKILL)\n        except OSError:\n            pass\n"
            "try:\n    os.kill(-1, signal.SIGKILL)\nexcept OSError:\n    pass\n")),
        "c_writes_into_grader_pipes": Case("k01", "review", 0, "os.write", source=stub_after(
            "import glob, os\n"
            "_lines = b'{\"type\": \"ready\"}\\n{\"type\": \"done\", \"job\": 0}\\n' + (2**20).to_bytes(4, 'big') * 2\n"
            "for _fd in glob.glob('/proc/[0-9]*/fd/*'):\n"
            "    if _fd.startswith(f'/proc/{os.getpid()}/'):\n        continue\n"
            "    try:\n"
            "        _out = os.open(_fd, os.O_WRONLY | os.O_NONBLOCK)\n"
            "        os.write(_out, _lines)\n        os.close(_out)\n"
            "    except OSError:\n        pass\n")),
        # A learner process can start no process (seccomp): the daemon's first fork fails.
        "c_leaves_a_daemon": Case("k01", "review", 0, "Operation not permitted", source=stub_after(daemon(places.out))),
    }


def daemon(out: Path) -> str:
    """Code that leaves a detached process (double fork, setsid) which waits for the gradebook
    and then rewrites it and the reports."""
    book = out / "gradebook.csv"
    return ("import ctypes, os, time\n"
            "if os.fork() == 0:\n"
            "    os.setsid()\n"
            "    if os.fork() == 0:\n"
            "        ctypes.CDLL(None).prctl(15, b'kata-daemon', 0, 0, 0)\n"
            "        for _ in range(600):\n"
            f"            if os.path.exists({str(book)!r}):\n"
            "                break\n"
            "            time.sleep(0.1)\n"
            "        try:\n"
            f"            with open({str(book)!r}, 'w') as forged:\n"
            "                forged.write('submission,total\\nc_leaves_a_daemon,100\\n')\n"
            "        except OSError:\n            pass\n"
            "    os._exit(0)\n"
            "os.wait()\n")


def hostile_files(places: Places) -> dict[str, Case]:
    """D: hostile files (a FIFO, a link to /dev/zero, a huge file) and names."""
    return {
        "d_fifo": Case("k01", "error", 0, "special file", prepare=lambda folder: os.mkfifo(folder / FILES["k01"])),
        "d_link_to_dev_zero": Case("k01", "error", 0, "symbolic link",
                                   prepare=lambda folder: (folder / FILES["k01"]).symlink_to("/dev/zero")),
        "d_huge_file": Case("k01", "error", 0, "larger than",
                            source=SOLUTION["k01"] + "#" * (2 * 2**20) + "\n"),
        # Names that collide with the output's or that a spreadsheet would run: solved in full.
        "gradebook.csv": Case("k01", "passed", 1, source=SOLUTION["k01"]),
        "summary.txt": Case("k01", "passed", 1, source=SOLUTION["k01"]),
        "=2+5": Case("k01", "passed", 1, source=SOLUTION["k01"]),
        "@SUM(A1)": Case("k01", "passed", 1, source=SOLUTION["k01"]),
        "-1+1": Case("k01", "passed", 1, source=SOLUTION["k01"]),
    }


def runaway(places: Places) -> dict[str, Case]:
    """Code that ends, loops or hoards instead of returning."""
    loop = "    while True:\n        try:\n            pass\n        except BaseException:\n            pass\n"
    return {
        "r_exits_in_function": Case("k01", "review", 0, "exit code 3",
                                    source="import os\n\ndef make_x(n, device='cpu'):\n    os._exit(3)\n"),
        "r_loops_catching_everything": Case("k01", "timeout", 0, "checks together",
                                            source="def make_x(n, device='cpu'):\n" + loop),
        "r_hoards_memory": Case("k01", "failed", 0, "allocate", source=(
            "import torch\n\ndef make_x(n, device='cpu'):\n"
            "    return torch.ones(5 * 2**27)  # 2.5 GiB, beyond --memory's 2 GiB\n")),
        "r_missing_file": Case("k01", "error", 0, "does not exist", source=None),
    }


def disturbed(places: Places) -> dict[str, Case]:
    """What a signal the runner did not send does: a learner process killed once from outside
    (the OOM killer, an operator) runs again; one killed each time (here by its own crash) is
    marked for review; a worker that dies or stops, or whose runner's zygote dies, is replaced and
    its job run again, and the kata marked for review when that happens each time: twice beside
    the others, then twice alone. (In a pid
    namespace a learner process is its namespace's init: its own kill(getpid(), SIGKILL) is
    ignored, a crash is not.)"""
    return {
        "f_killed_once_from_outside": Case("k01", "passed", 1, source=asks_for("kata-kill-once") + SOLUTION["k01"]),
        "f_crashes_itself": Case("k01", "review", 0, "signal SIGSEGV", source=(
            "import ctypes\n\ndef make_x(n, device='cpu'):\n    ctypes.string_at(0)\n")),
        "f_worker_killed_once": Case("k01", "passed", 1, source=asks_for("kata-kill-wkr") + SOLUTION["k01"]),
        "f_worker_killed_each_time": Case("k01", "review", 0, "grading worker ended (signal SIGKILL)",
                                          source=asks_for("kata-kill-wkrs") + SOLUTION["k01"]),
        "f_worker_stopped_once": Case("k01", "passed", 1, source=asks_for("kata-stop-wkr") + SOLUTION["k01"]),
        "f_zygote_killed_once": Case("k01", "passed", 1, source=asks_for("kata-kill-zyg") + SOLUTION["k01"]),
    }


def forging_evidence(places: Places) -> dict[str, Case]:
    """E (issue 20): forging the evidence a verdict rests on, one attack per class. Each ends at 0
    on its values, or is scored and marked for review, naming the line that reached for the
    machinery; never a silent pass."""
    right_x = "    return torch.arange(n, dtype=torch.float32, device=device).requires_grad_(True)\n"
    return {
        # 1. the learner process's records edited: the pass counter, by the hook the runner put on x
        # (and rejected on its start: no backward pass began from y)
        "e_pass_counter_called_by_hand": Case("k03", "review", 0, "_post_accumulate_grad_hooks", source=(
            "import torch\n\ndef backward_two_x_dot_x(x):\n"
            "    x.grad = 4 * x.detach()\n"
            "    for hook in x._post_accumulate_grad_hooks.values():\n        hook(x)\n")),
        # 1. a tensor's facts edited: a plain arange said to record gradients
        "e_requires_grad_said_by_a_property": Case("k01", "review", 0, "torch.Tensor.requires_grad", source=(
            "import torch\n\ntorch.Tensor.requires_grad = property(lambda self: True)\n"
            "torch.Tensor.is_leaf = property(lambda self: True)\n\n"
            "def make_x(n, device='cpu'):\n    return torch.arange(n, dtype=torch.float32, device=device)\n")),
        # 2. observation slipped past: a backward pass through the engine itself, then hidden
        "e_backward_through_the_engine": Case("k02", "review", 0, "_execution_engine", source=(
            "import torch\n\ndef two_x_dot_x(x):\n    y = 2 * torch.dot(x, x)\n"
            "    torch.autograd.Variable._execution_engine.run_backward((y,), (torch.ones(()),), True, False, (), True)\n"
            "    x.grad = None\n    return y\n")),
        # 3. judgement by name: the check's autograd.grad replaced in the learner's process
        "e_autograd_grad_replaced": Case("k02", "review", 0, "torch.autograd.grad", source=(
            "import torch\n\ntorch.autograd.grad = lambda outputs, inputs, *a, **k: (4 * inputs.detach(),)\n\n"
            "def two_x_dot_x(x):\n    return (0 * x).sum() + 2 * (x.detach() ** 2).sum()\n")),
        # 4. the request as an answer key: the stack read, by name and by a name built at run time
        "e_reads_the_stack": Case("k01", "review", 1, "sys._getframe", source=(
            "import sys, torch\n\ndef make_x(n, device='cpu'):\n    caller = sys._getframe(1)\n" + right_x)),
        # what the learner's process recorded, erased by code that reached it unspelled (pickle)
        # (once, and cheaply: every object of a process that holds torch takes a while to walk)
        "e_erases_what_its_process_heard": Case("k01", "review", 1, "gc.get_objects", source=(
            "import pickle, torch\n\nERASED = []\n\ndef make_x(n, device='cpu'):\n"
            "    for thing in ([] if ERASED else pickle.loads(b'cgc\\nget_objects\\n(tR.')):\n"
            "        first = next(iter(thing), None) if type(thing) is set else None\n"
            "        if type(first) is tuple and len(first) == 3 and type(first[0]) is str and type(first[2]) is int:\n"
            "            thing.clear()\n"
            "            ERASED.append(thing)\n" + right_x)),
        "e_reads_the_stack_by_a_built_name": Case("k01", "review", 1, "sys._getframe", source=(
            "import torch\n\ndef make_x(n, device='cpu'):\n"
            "    getattr(__import__('s' + 'ys'), '_get' + 'frame')(0)\n" + right_x)),
    }


#: learner code that keeps both cores busy with 64 threads (torch's matrix products let go of
#: Python's lock) until its process is stopped
STORM = ("import threading, torch\n"
         "def _burn():\n    a = torch.full((128, 128), 0.01)\n    while True:\n        a = torch.tanh(a @ a)\n"
         "def backward_two_x_dot_x(x):\n"
         "    torch.set_num_threads(1)\n"
         "    for _ in range(63):\n        threading.Thread(target=_burn, daemon=True).start()\n"
         "    _burn()\n")


def storming(places: Places) -> dict[str, Case]:
    """G: a classmate who burns every core, or hoards memory through children of its process.
    A learner process can start no process, and its time limit is its own CPU time: the storm
    ends when its own kata's time is spent, and an honest kata beside it keeps its verdict."""
    return {
        "g_cpu_storm": Case("k03", "timeout", 0, "processor time", source=STORM),
        "g_children_hoard_memory": Case("k02", "review", 0, "Operation not permitted", source=(
            "import os, time, torch\n\ndef two_x_dot_x(x):\n"
            "    for _ in range(3):  # three children of 800 MiB each, under --memory 2048\n"
            "        if os.fork() == 0:\n"
            "            hoard = bytearray(800 * 2**20)\n            time.sleep(60)\n"
            "    return 2 * torch.dot(x, x)\n")),
    }


#: honest learners: all right, untouched stubs, k01 wrong
CLASSMATES = {
    "alice": Sub(),
    "bob": Sub(files=dict(STUB)),
    "carol": Sub(files={"k01": SOLUTION["k01"].replace("dtype=torch.float32, ", "")}),
}


def build(places: Places, cases: dict[str, Case]) -> list[Path]:
    folders = [sub.build(places.subs / name) for name, sub in CLASSMATES.items()]
    for name, case in cases.items():
        folder = Sub(files={case.kata_id: None if case.prepare else case.source},
                     extra=case.extra).build(places.subs / name)
        if case.prepare is not None:
            case.prepare(folder)
        folders.append(folder)
    return folders


@dataclass
class Graded:
    places: Places
    cases: dict[str, Case]
    code: int
    level: str
    before: dict[str, dict]
    after: dict[str, dict]
    left_processes: set[int]
    left_named: list[str]
    temporary: list[str]
    disturbed: dict[str, list[int]]


def grade_hostile(root: Path, level: str, cases_of: list[Callable[[Places], dict[str, Case]]],
                  *options: str) -> Graded:
    course, solutions = private_course(root / "teacher")
    places = Places(course, solutions, root / "subs", root / "out", level)
    cases = {name: case for make in cases_of for name, case in make(places).items()}
    folders = build(places, cases)
    before = {"course": tree(course), "subs": tree(places.subs)}
    # Whatever the grader leaves in a temporary folder lands here (where every uid can reach
    # it, as the uid level needs, but none can list it).
    private_tmp = Path(tempfile.mkdtemp(prefix="grade-hostile-tmp-", dir="/tmp"))
    private_tmp.chmod(0o711)
    with pytest.MonkeyPatch.context() as patch, Adopter() as adopter, Disturber() as disturber:
        patch.setattr(pool, "GRACE", GRACE)
        patch.setenv("TMPDIR", str(private_tmp))
        patch.setattr(tempfile, "tempdir", None)
        code = grade(folders, places.out, course, "--no-reuse", *options, timeout=TIMEOUT)
        left = adopter.left_behind()
        left_named = wait_for_no_process_named("kata-", 3.0)
    temporary = os.listdir(private_tmp)
    shutil.rmtree(private_tmp)
    level = report(places.out, "alice")["sandbox"]
    return Graded(places, cases, code, level, before, {"course": tree(course), "subs": tree(places.subs)},
                  left, left_named, temporary, disturber.done)


def clean_class(root: Path, *options: str) -> Path:
    """The honest classmates alone, graded at the same level: what they must get."""
    course, _ = private_course(root / "teacher")
    folders = [sub.build(root / "subs" / name) for name, sub in CLASSMATES.items()]
    assert grade(folders, root / "out", course, "--no-reuse", *options, timeout=TIMEOUT) == 0
    return root / "out"


LEVELS = {
    "namespaces": ([forging, forging_evidence, reaching_out, attacking_processes, hostile_files, runaway, disturbed,
                    storming], ()),
    "uid": ([forging, forging_evidence, reaching_out, attacking_processes, storming], ("--sandbox", "uid")),
    # Forging the evidence and storming the processor meet the same learner process at every
    # level (the same runner code observes, the same seccomp filter and time budgets bound it),
    # and hostile files and names meet the grader's intake before any learner process starts:
    # graded at the other levels, not again here.
    "process": ([forging, lambda places: {
        "b_links_to_a_solution": reaching_out(places)["b_links_to_a_solution"],
        "b_stale_pycache": reaching_out(places)["b_stale_pycache"],
        "c_leaves_a_daemon": attacking_processes(places)["c_leaves_a_daemon"],
        # Without a sandbox the learner's code can reach its worker: the job is run again on
        # a fresh one, then marked for review; every other kata keeps its true score.
        "p_kills_its_worker": Case("k01", "review", 0, "grading worker ended", source=(
            # its ancestors: the worker, or the zygote that serves it (named zygote:wPID)
            "import os, signal\n\ndef make_x(n, device='cpu'):\n"
            "    pid = os.getppid()\n"
            "    while pid > 1:\n"
            "        name = open(f'/proc/{pid}/comm').read().strip()\n"
            "        if name.startswith('zygote:w'):\n"
            "            os.kill(int(name[8:]), signal.SIGKILL)\n"
            "        if b'grading.worker' in open(f'/proc/{pid}/cmdline', 'rb').read():\n"
            "            os.kill(pid, signal.SIGKILL)\n"
            "        pid = int(open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()[1])\n")),
    }], ("--no-sandbox",)),
}


@pytest.fixture(scope="module", params=[level for level in LEVELS if sandbox.problem(level) is None])
def graded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Graded:
    cases_of, options = LEVELS[request.param]
    return grade_hostile(tmp_path_factory.mktemp(f"hostile-{request.param}"), request.param, cases_of, *options)


@pytest.fixture(scope="module")
def clean(graded: Graded, tmp_path_factory: pytest.TempPathFactory) -> Path:
    options = LEVELS[graded.level][1]
    return clean_class(tmp_path_factory.mktemp(f"clean-{graded.level}"), *options)


def test_the_level_asked_for_is_the_level_used(graded: Graded, request: pytest.FixtureRequest) -> None:
    assert graded.level == request.node.callspec.params["graded"]
    assert {row["sandbox"] for row in gradebook(graded.places.out).values()} == {graded.level}


def wrongly_graded(graded: Graded, cases: dict[str, Case]) -> dict[str, tuple]:
    wrong = {}
    for name, case in cases.items():
        found = kata(graded.places.out, name, case.kata_id)
        if (found["status"], found["score"]) != (case.status, case.score) or case.says not in messages(found):
            wrong[name] = (found["status"], found["score"], messages(found)[:300])
    return wrong


def test_each_attack_gets_its_exact_status_and_score(graded: Graded) -> None:
    assert wrongly_graded(graded, graded.cases) == {}


def test_every_other_kata_keeps_its_true_score(graded: Graded) -> None:
    wrong = {}
    for name, case in graded.cases.items():
        for kata_id in GRADED:
            found = kata(graded.places.out, name, kata_id)
            if kata_id != case.kata_id and (found["status"], found["score"]) != ("passed", 1):
                wrong[f"{name} {kata_id}"] = (found["status"], messages(found)[:300])
    assert not wrong


def test_honest_classmates_get_what_they_get_without_hostile_peers(graded: Graded, clean: Path) -> None:
    alone, beside = gradebook(clean), gradebook(graded.places.out)
    for name in CLASSMATES:
        assert beside[name] == alone[name]
        assert (graded.places.out / "submissions" / name / "report.json").read_bytes() == \
               (clean / "submissions" / name / "report.json").read_bytes()
    assert [alone[n]["total"] for n in CLASSMATES] == ["3", "0", "2"]


def test_course_and_submissions_are_byte_identical_after_grading(graded: Graded) -> None:
    assert graded.after["course"] == graded.before["course"]
    assert graded.after["subs"] == graded.before["subs"]


def test_nothing_of_the_run_is_left(graded: Graded) -> None:
    assert graded.left_processes == set()  # not even a daemon that double-forked and called setsid
    assert graded.left_named == []
    assert graded.temporary == []
    assert sorted(os.listdir(graded.places.out)) == ["gradebook.csv", "grading.json", "submissions", "summary.png", "summary.txt"]
    assert sorted(os.listdir(graded.places.out / "submissions")) == sorted(os.listdir(graded.places.subs))


def test_the_gradebook_is_the_graders_and_spreadsheet_safe(graded: Graded) -> None:
    rows = gradebook(graded.places.out)
    assert set(rows) == {("'" + name if name[0] in "=+-@" else name) for name in os.listdir(graded.places.subs)}
    for name, row in rows.items():
        real = name[1:] if name.startswith("'") else name
        assert float(row["total"]) == report(graded.places.out, real)["score"]
    text = (graded.places.out / "gradebook.csv").read_text(encoding="utf-8")
    assert not any(line.startswith(("=", "+", "-", "@")) for line in text.splitlines())


def test_a_kata_that_could_not_be_graded_for_sure_is_marked_for_review(graded: Graded) -> None:
    rows = gradebook(graded.places.out)
    review = sorted(name for name, case in graded.cases.items() if case.status == "review")
    assert sorted(name for name, row in rows.items() if row["status"] == "review") == review
    summary = (graded.places.out / "summary.txt").read_text(encoding="utf-8")
    assert ("to review (each submission's report.json says more):" in summary) == bool(review)
    for name in review:  # why: where its code reached for the machinery, or why it could not be graded
        kata_id = graded.cases[name].kata_id
        assert f"\n  {name}  {kata_id}: its code reaches for the machinery" in summary \
            or f"\n  {name}  {kata_id}: could not be graded for sure: " in summary, name


def test_the_disturbances_really_happened(graded: Graded) -> None:
    """Otherwise the 'f_' cases would pass without having been disturbed."""
    expected = {"kata-kill-once": 1, "kata-kill-wkr": 1, "kata-kill-wkrs": 4, "kata-stop-wkr": 1, "kata-kill-zyg": 1}
    if graded.level != "namespaces":
        expected = dict.fromkeys(expected, 0)
    assert {name: len(pids) for name, pids in graded.disturbed.items()} == expected


def test_a_storm_beside_shared_files_gives_no_one_a_timeout(tmp_path: Path) -> None:
    """Issue 21: reuse ran a file several honest submissions share once, during a classmate's CPU
    storm, and gave them all its timeout. Now the storm is its own kata's time, and a reused
    result that was stopped is never shared: every honest submission scores in full."""
    course, _ = private_course(tmp_path / "teacher")
    honest = [Sub().build(tmp_path / "subs" / name) for name in ("dave", "erin", "frank")]
    stormer = Sub(files={"k03": STORM}).build(tmp_path / "subs" / "a_stormer")
    assert grade([stormer, *honest], tmp_path / "out", course, timeout=TIMEOUT) == 0
    rows = gradebook(tmp_path / "out")
    assert {name: rows[name]["total"] for name in ("dave", "erin", "frank")} == dict.fromkeys(("dave", "erin", "frank"), "3")
    assert kata(tmp_path / "out", "a_stormer", "k03")["status"] == "timeout"
