"""Where a kata run's CPU goes, on both sides: the learner's own functions, the checks' own torch
work (in the checking process, and what a check runs in the learner's process: probes,
``torch.autograd.grad`` on the learner's graph), Hypothesis, pytest and the plugin, watching
the learner's code as it runs, the protocol (encode, decode, send, dispatch, refresh, the
records a reply carries), and a learner process's start and end. The first two are the floor
no grader asking these checks' questions goes under; issue 23 wants the protocol under 10 %.

How: a few submissions of the reference solutions graded by one grading worker (the
``process`` sandbox level, so that a learner process may write its profile), with Python's
profiler on CPU time (not the clock: a busy machine then changes little) in the worker and in
every learner process. Each function's own time goes to the part its file belongs to; in a
learner process, the learner's functions count with everything they call. A learner process's
start and end (fork, sandbox, exit) are timed apart: ``bench_grade``'s sandbox line measures
them. ``python benchmarks/bench_breakdown.py`` runs it alone.
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

#: the grader, with its workers' BOOT wrapped so that each grading worker runs under the
#: profiler and wraps the runner's BOOT so that every learner process profiles its serving
#: (argv: PROFILE_DIR, grade args...)
PROFILED_GRADER = r"""
import sys
folder = sys.argv[1]
LEARNER_BOOT = ("import cProfile, json, os, sys, time; paths = json.load(os.fdopen(int(sys.argv[1]))); "
                "sys.path[:0] = paths; from pytest_autograd_kata.runner import learner; serve = learner.serve\n"
                "def profiled(*args):\n"
                "    profile = cProfile.Profile(time.process_time); profile.enable()\n"
                "    try:\n        serve(*args)\n"
                "    finally:\n        profile.disable(); profile.dump_stats(%r + '/learner-%%d.prof' %% os.getpid())\n"
                "learner.serve = profiled\n"
                "from importlib import import_module; "
                "import_module('pytest_autograd_kata.runner.' + sys.argv[2]).main([json.dumps(paths), *sys.argv[3:]])"
                ) % folder
from pytest_autograd_kata.grading import worker
worker.BOOT = ("import cProfile, json, os, sys, time; sys.path[:0] = json.loads(sys.argv[1]); "
               "from pytest_autograd_kata.runner import client; client.BOOT = %r; "
               "profile = cProfile.Profile(time.process_time); profile.enable(); "
               "from pytest_autograd_kata.grading.worker import main; code = main(sys.argv[2:]); "
               "profile.disable(); profile.dump_stats(%r + '/worker-%%d.prof' %% os.getpid()); sys.exit(code)"
               ) % (LEARNER_BOOT, folder)
from pytest_autograd_kata.cli import main
sys.exit(main(sys.argv[2:]))
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


def measure() -> None:
    katas = json.loads(subprocess.run([sys.executable, "-c", (
        "import json; from pytest_autograd_kata.course.data import load_course; "
        "print(json.dumps([[k.id, k.filename] for k in load_course('katas').katas]))")],
        cwd=REPO, capture_output=True, text=True, check=True).stdout)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "profiles").mkdir()
        subs = []
        for i in range(SUBMISSIONS):  # no two files alike, as in a real class
            sub = root / f"learner{i}"
            sub.mkdir()
            for _, filename in katas:
                text = (REPO / "solutions" / filename).read_text(encoding="utf-8")
                (sub / filename).write_text(f"{text}\n# handed in by learner{i}\n", encoding="utf-8")
            subs.append(str(sub))
        done = subprocess.run([sys.executable, "-c", PROFILED_GRADER, str(root / "profiles"), "--lang", "en",
                               "grade", *subs, "--out", str(root / "out"), "--course", "katas", "--jobs", "1",
                               "--no-reuse", "--sandbox", "process"],
                              cwd=REPO, env={**clean_environment(), "PYTHONPATH": str(REPO)},
                              capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"the profiled grading failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        parts: dict[str, float] = defaultdict(float)
        for path in (root / "profiles").glob("worker-*.prof"):
            for part, seconds in checking_side(_stats(path)).items():
                parts[part] += seconds
        learner_files = {filename for _, filename in katas}
        for path in (root / "profiles").glob("learner-*.prof"):
            for part, seconds in learner_side(_stats(path), learner_files).items():
                parts[part] += seconds
    runs = SUBMISSIONS * len(katas)
    total = sum(parts.values())
    print(f"where a kata run's CPU goes: {SUBMISSIONS} submissions x {len(katas)} katas graded by one worker "
          f"(--jobs 1 --no-reuse, process level), CPU under Python's profiler (which slows Python code more "
          f"than torch's: shares, not seconds), per kata run; a learner process's start and end: see bench_grade")
    for part in PARTS:
        print(f"  {part:<36} {parts[part] / runs * 1000:8.1f} ms  {parts[part] / total:6.1%}")
    protocol = parts["protocol (checking side)"] + parts["protocol (learner side)"]
    verdict = "meets" if protocol / total <= 0.10 else "MISSES"
    print(f"  protocol, both sides: {protocol / total:.1%} of a kata run's CPU ({verdict} the goal <= 10 %)")
    floor = parts["learner's functions"] + parts["checks' torch work"] + parts["checks' work in the learner process"]
    print(f"  the floor (the learner's functions and the checks' own torch work): {floor / total:.1%}")


if __name__ == "__main__":
    measure()
