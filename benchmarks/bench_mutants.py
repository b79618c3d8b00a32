"""Mutation testing of the whole course's checks: ``autograd-kata dev mutants`` on every kata, as
CI would run it, with the time it takes. It takes minutes on two cores, past the project's
test budget, so it runs here rather than in ``python -m pytest tests``; the goal is that every
mutant is killed or recorded as equivalent (katas/equivalent_mutants.toml).
``python benchmarks/bench_mutants.py`` runs it alone."""
from __future__ import annotations

import subprocess
import sys
import time

from run import REPO, clean_environment


def measure() -> None:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest_autograd_kata.cli", "dev", "mutants"], cwd=REPO,
                          env={**clean_environment(), "PYTHONPATH": str(REPO)}, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    verdict = "meets" if done.returncode == 0 else "MISSES"
    print(f"dev mutants on every kata: {seconds:.0f} s wall ({verdict} the goal: every mutant killed or "
          f"recorded as equivalent)")
    print(done.stdout if done.returncode == 0 else done.stdout + done.stderr[-3000:])


if __name__ == "__main__":
    measure()
