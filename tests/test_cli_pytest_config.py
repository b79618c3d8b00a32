"""pytest in the course: plain `pytest` runs the katas, with no warning about the project's own
settings (those live in tests/pytest.ini, for `python -m pytest tests`); `pytest katas -n 2`
(pytest-xdist) ends with the same progress view; the README's commands are the ones CI runs."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib

import pytest

from cli_course import COURSE_KATAS, KATA_COUNT, K01, course, course_copy, solve  # noqa: F401  (fixtures)
from conftest import REPO


def pytest_in(folder, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KATA_", "PYTEST_"))}
    return subprocess.run([sys.executable, "-m", "pytest", *args], cwd=folder, env={**env, "KATA_LANG": "en"},
                          capture_output=True, text=True, timeout=600)


def test_plain_pytest_in_the_course_runs_the_katas_without_a_config_warning() -> None:
    # -p no:timeout: as in a learner's install, which has no pytest-timeout to know `timeout`
    ran = pytest_in(REPO, "--collect-only", "-q", "-p", "no:timeout", "-p", "no:cacheprovider")
    collected = [line for line in ran.stdout.splitlines() if "::" in line]
    assert collected and all(line.startswith("katas/") for line in collected), ran.stdout[-3000:]
    assert "Unknown config option" not in ran.stdout + ran.stderr
    assert "PytestConfigWarning" not in ran.stdout + ran.stderr


def test_the_project_settings_name_only_what_the_course_needs() -> None:
    settings = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert settings["tool"]["pytest"]["ini_options"] == {"testpaths": ["katas"]}
    assert any(name.startswith("matplotlib") for name in settings["project"]["dependencies"])  # k12's plot


def test_pytest_katas_with_xdist_ends_with_the_progress_view(course) -> None:
    pytest.importorskip("xdist", reason="the test extra installs pytest-xdist")
    solve(course, "k01")
    ran = pytest_in(course, "katas", "-n", "2", "-p", "no:cacheprovider", "--kata-report=report.json")
    out = ran.stdout
    assert f"1/{KATA_COUNT} done" in out, out[-3000:]
    for kata in COURSE_KATAS:
        assert re.search(rf"^  [✔·✘!⏱] {kata.id}  {re.escape(kata.title['en'])}", out, re.MULTILINE), out[-3000:]
    assert f"next: {COURSE_KATAS[1].id}" in out
    assert "checked on: cpu" in out  # what the workers ran on reaches the controller
    report = json.loads((course / "report.json").read_text(encoding="utf-8"))  # the controller's, whole
    assert [k["id"] for k in report["katas"]] == [k.id for k in COURSE_KATAS]
    assert report["katas"][0]["status"] == "passed" and report["score"] == COURSE_KATAS[0].points


def test_the_readme_quick_start_is_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.*?)```", quick_start, re.DOTALL)
    assert len(commands) == 2 and all(len(c.strip().splitlines()) == 1 for c in commands), commands
    test_command = commands[1].strip().split("&&")[-1].strip()
    assert test_command == "python -m pytest tests"
    assert test_command in (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
