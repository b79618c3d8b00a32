"""Where a kata run's CPU goes, on both sides: the learner's own functions, the checks' own torch
work (in the checking process, and what a check runs in the learner's process: probes,
``torch.autograd.grad`` on the learner's graph), Hypothesis, pytest and the plugin, watching
the learner's code as it runs, the protocol (encode, decode, send, dispatch, refresh, the
records a reply carries), and a learner process's start and end. The first two are the floor
no grader asking these checks' questions goes under; issue 23 wants the protocol under 10 %.

How: a few submissions of the reference solutions graded by one grading worker (the
``process`` sandbox level, so that a learner process may write what it measured), twice (see
``wrapped.py``). Timed: CPU clocks read only where the learner's functions, the check's
questions and the protocol begin and end, in the worker and in every learner process; the
protocol's true share, which the issue's goal is judged on. Profiled: Python's profiler on CPU
time (not the clock: a busy machine then changes little); each function's own time goes to the
part its file belongs to (in a learner process, the learner's functions count with everything
they call): every part, but as shares, the profiler slowing Python code more than torch's C. A
learner process's start and end (fork, sandbox, exit) are timed apart: ``bench_grade``'s sandbox
line measures them. ``python benchmarks/bench_breakdown.py`` runs it alone.
"""
from __future__ import annotations

import json
import pstats
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from run import REPO, clean_environment

#: the grader (argv: FOLDER MODE BENCHMARKS GRADE_ARGS...), its zygote (whose forks are the
#: learner processes and the grading workers), each measured as benchmarks/wrapped.py says (MODE)
GRADER = r"""
import sys
folder, mode, benchmarks = sys.argv[1:4]
wrap = "sys.path.insert(0, %r); import wrapped; sys.path.remove(%r); " % (benchmarks, benchmarks)


def replaced(boot, old, new):
    assert old in boot, f"{old!r} is not in {boot!r}: see benchmarks/bench_breakdown.py"
    return boot.replace(old, new, 1)


from pytest_autograd_kata.runner import client
from pytest_autograd_kata.grading import pool
IMPORT = "from importlib import import_module; "
client.BOOT = replaced(client.BOOT, IMPORT, wrap + "wrapped.learner_processes(%r, %r); " % (folder, mode) + IMPORT)
pool.WORKER_ENTRY = "wrapped:forked_grading_worker"  # the zygote has imported wrapped: it finds it
from pytest_autograd_kata.cli import main
sys.exit(main(sys.argv[4:]))
"""
#: submissions graded one after another by one worker, as a class is: the first pays for
#: collecting the checks and drawing their inputs, the others replay them
SUBMISSIONS = 4

PARTS = ("learner's functions", "checks' torch work", "checks' work in the learner process", "Hypothesis",
         "pytest and the plugin", "observing the learner's code", "protocol (checking side)", "protocol (learner side)",
         "imports and collection", "other")
PACKAGE = "pytest_autograd_kata"
PROTOCOL_FILES = (f"{PACKAGE}/remote.py", f"{PACKAGE}/runner/client.py", f"{PACKAGE}/runner/wire.py",
                  f"{PACKAGE}/runner/codec.py", f"{PACKAGE}/runner/learner.py", f"{PACKAGE}/runner/audit.py",
                  f"{PACKAGE}/runner/integrity.py", f"{PACKAGE}/runner/facts.py", "/json/", "/socket.py",
                  "/selectors.py", "/weakref.py", "/functools.py")


def _stats(path: Path) -> dict:
    return pstats.Stats(str(path)).stats


def _own_part(filename: str, name: str) -> str | None:
    """The part a function's own time belongs to by its file, or None for Python's own functions
    (builtins, the standard library), whose time belongs to whoever called them."""
    if "<frozen importlib" in filename or filename.endswith(("importlib/__init__.py", "importlib/_bootstrap.py")):
        return "imports and collection"
    if "/hypothesis/" in filename:
        return "Hypothesis"
    if any(part in filename for part in PROTOCOL_FILES) or name.startswith((
            "<built-in method posix.", "<built-in method select.", "<method 'recv", "<method 'send")):
        return "protocol (checking side)"
    if "/torch/" in filename or "torch" in name:
        return "checks' torch work"
    if "/_pytest/" in filename or "/pluggy/" in filename or f"{PACKAGE}/" in filename or "/katas/" in filename:
        return "pytest and the plugin"
    if "/site-packages/" in filename:  # NumPy, sympy, matplotlib...: what the checks use
        return "other"
    return None


def checking_side(stats: dict) -> dict[str, float]:
    """Each function's own time to its part; Python's own functions' time to their callers'
    parts, in proportion to the time each caller spent in them."""
    mixes: dict[tuple, dict[str, float]] = {}

    def mix(key: tuple, seen: frozenset) -> dict[str, float]:
        filename, _, name = key
        own = _own_part(filename, name if filename == "~" else "")
        if own is not None:
            return {own: 1.0}
        if key in mixes:
            return mixes[key]
        callers = stats[key][4] if key in stats else {}
        spent = sum(timing[2] for timing in callers.values())
        found: dict[str, float] = defaultdict(float)
        for caller, timing in callers.items():
            if caller not in seen and spent > 0:
                for part, share in mix(caller, seen | {key}).items():
                    found[part] += share * timing[2] / spent
        mixes[key] = dict(found) or {"other": 1.0}
        return mixes[key]

    parts: dict[str, float] = defaultdict(float)
    for key, (_, _, own, _, _) in stats.items():
        for part, share in mix(key, frozenset()).items():
            parts[part] += own * share
    return parts


#: the runner's functions in a learner process that watch the learner's code as it runs
OBSERVERS = {("runner/learner.py", name) for name in ("__torch_function__", "__torch_dispatch__", "_on_call",
                                                       "_on_event", "spy", "_seen")} | {("runner/audit.py", "_hook")}


def learner_side(stats: dict, learner_files: set[str]) -> dict[str, float]:
    """A learner process: what its serving loop runs for the checks, by what was run (a
    learner's function, or a function the check named: a probe, ``torch.autograd.grad``), less
    the watching of the learner's code while it ran; the rest of its serving (decode, dispatch,
    snapshots, records, encode, send) is protocol."""
    serving = learner = checks = observing = 0.0
    for (filename, _, name), (_, _, _, total, callers) in stats.items():
        if filename.endswith("runner/learner.py") and name == "serve":  # the module's, around Server.serve
            serving = max(serving, total)
        if any(filename.endswith(file) and name == observer for file, observer in OBSERVERS):
            observing += total
        for (caller_file, _, caller), timing in callers.items():
            if caller_file.endswith("runner/learner.py") and caller == "_run":
                if Path(filename).name in learner_files:
                    learner += timing[3]
                else:
                    checks += timing[3]
    learner = max(learner - observing, 0.0)  # the watching happens while the learner's code runs
    return {"learner's functions": learner, "checks' work in the learner process": checks,
            "observing the learner's code": observing,
            "protocol (learner side)": max(serving - learner - checks - observing, 0.0)}


def _submissions(root: Path, katas: list) -> list[str]:
    """SUBMISSIONS copies of the reference solutions, no two files alike (as in a real class)."""
    subs = []
    for i in range(SUBMISSIONS):
        sub = root / f"learner{i}"
        sub.mkdir()
        for _, filename in katas:
            text = (REPO / "solutions" / filename).read_text(encoding="utf-8")
            (sub / filename).write_text(f"{text}\n# handed in by learner{i}\n", encoding="utf-8")
        subs.append(str(sub))
    return subs


def _grade_measured(root: Path, mode: str, subs: list[str]) -> Path:
    """The submissions graded by one worker, its processes measured in ``mode``; the folder
    their measures were written to."""
    folder = root / mode
    folder.mkdir()
    done = subprocess.run([sys.executable, "-c", GRADER, str(folder), mode, str(Path(__file__).parent),
                           "--lang", "en", "grade", *subs, "--out", str(root / f"out-{mode}"), "--course", "katas",
                           "--jobs", "1", "--no-reuse", "--sandbox", "process"],
                          cwd=REPO, env={**clean_environment(), "PYTHONPATH": str(REPO)},
                          capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"the measured grading ({mode}) failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return folder


def report_profiled(folder: Path, katas: list) -> None:
    parts: dict[str, float] = defaultdict(float)
    for path in folder.glob("worker-*.prof"):
        for part, seconds in checking_side(_stats(path)).items():
            parts[part] += seconds
    learner_files = {filename for _, filename in katas}
    learners = list(folder.glob("learner-*.prof"))
    if not learners:
        sys.exit("no learner process wrote its profile: see GRADER in benchmarks/bench_breakdown.py")
    for path in learners:
        for part, seconds in learner_side(_stats(path), learner_files).items():
            parts[part] += seconds
    runs = SUBMISSIONS * len(katas)
    total = sum(parts.values())
    print("where a kata run's CPU goes, under Python's profiler (which slows Python code more than "
          "torch's C: shares, not seconds; the protocol's true share is the timed one above), per kata run:")
    for part in PARTS:
        print(f"  {part:<36} {parts[part] / runs * 1000:8.1f} ms  {parts[part] / total:6.1%}")


def report_timed(folder: Path, katas: list) -> None:
    learners = [json.loads(path.read_text()) for path in folder.glob("learner-*.json")]
    workers = [json.loads(path.read_text()) for path in folder.glob("worker-*.json")]
    if len(learners) < SUBMISSIONS * len(katas) or not workers:
        sys.exit(f"{len(learners)} learner processes and {len(workers)} workers wrote their measures: "
                 f"see GRADER in benchmarks/bench_breakdown.py")
    runs = len(learners)

    def per_run(records: list[dict], part: str) -> float:
        return sum(record.get(part, 0.0) for record in records) / runs * 1000

    learner = {part: per_run(learners, part) for part in (
        "process", "serving", "learner's functions", "checks' questions", "loading the learner's module")}
    learner_protocol = learner["serving"] - learner["learner's functions"] - learner["checks' questions"] \
        - learner["loading the learner's module"]
    worker, checking_protocol = per_run(workers, "process"), per_run(workers, "protocol")
    total = learner["process"] + worker
    print(f"where a kata run's CPU goes, timed without a profiler (CPU clocks read where each part begins "
          f"and ends), {runs} kata runs; per kata run:")
    print(f"  a learner process: {learner['process']:.1f} ms (its exit not counted: see bench_grade's lifecycle)")
    for part in ("learner's functions", "checks' questions", "loading the learner's module"):
        print(f"    {part:<34} {learner[part]:8.1f} ms")
    print(f"    {'protocol (learner side)':<34} {learner_protocol:8.1f} ms")
    print(f"    {'before its first request':<34} {learner['process'] - learner['serving']:8.1f} ms")
    print(f"  the grading worker: {worker:.1f} ms (its imports and collection shared by {SUBMISSIONS} submissions)")
    print(f"    {'protocol (checking side)':<34} {checking_protocol:8.1f} ms")
    print(f"    {'pytest, Hypothesis, the checks':<34} {worker - checking_protocol:8.1f} ms")
    protocol = learner_protocol + checking_protocol
    verdict = "meets" if protocol / total <= 0.10 else "MISSES"
    print(f"  protocol, both sides: {protocol:.1f} ms, {protocol / total:.1%} of a kata run's CPU "
          f"({verdict} the goal <= 10 %)")


def measure() -> None:
    katas = json.loads(subprocess.run([sys.executable, "-c", (
        "import json; from pytest_autograd_kata.course.data import load_course; "
        "print(json.dumps([[k.id, k.filename] for k in load_course('katas').katas]))")],
        cwd=REPO, capture_output=True, text=True, check=True).stdout)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        subs = _submissions(root, katas)
        report_timed(_grade_measured(root, "time", subs), katas)
        report_profiled(_grade_measured(root, "profile", subs), katas)


if __name__ == "__main__":
    measure()
