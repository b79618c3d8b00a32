"""``autograd-kata gradescope-bundle OUT.zip``: the zip's layout, and its run_autograder
grading a submission when pointed at local folders instead of /autograder."""
from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import COURSE, KATAS, REPO, SOLUTIONS, checks_file
from pytest_autograd_kata.cli import main
from pytest_autograd_kata.runner import sandbox
from pytest_autograd_kata.plugin import drawn

#: the course in the bundle: k01's checks only, so run_autograder grades quickly
KATA = "k01"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bundle")
    course = root / "course"
    course.mkdir()
    shutil.copy(KATAS / "course.toml", course)
    shutil.copy(checks_file(KATA), course)
    shutil.copy(KATAS / COURSE.get(KATA).filename, course)  # a stub: the names a notebook upload is read for
    (course / "drawn").mkdir()
    shutil.copy(drawn.path_for(checks_file(KATA)), course / "drawn")
    assert main(["gradescope-bundle", str(root / "autograder.zip"), "--course", str(course)]) == 0
    return root / "autograder.zip"


def test_bundle_holds_the_scripts_the_checks_and_the_package(bundle: Path) -> None:
    with zipfile.ZipFile(bundle) as zipped:
        names = set(zipped.namelist())
        modes = {info.filename: info.external_attr >> 16 for info in zipped.infolist()}
    assert {"setup.sh", "run_autograder", "course/course.toml", f"course/{checks_file(KATA).name}",
            "package/pyproject.toml", "package/pytest_autograd_kata/plugin/__init__.py",
            "package/pytest_autograd_kata/grading/worker.py"} <= names
    assert f"course/{COURSE.get(KATA).filename}" in names  # a notebook upload's katas are found by its names
    # the inputs the checks draw when grading, where the grader looks for them: no submission draws them
    assert f"course/drawn/{checks_file(KATA).stem}.json" in names
    assert "package/katas/course.toml" in names  # the package ships the course: its build needs it
    assert not any("__pycache__" in name for name in names)
    assert modes["run_autograder"] & stat.S_IXUSR and modes["setup.sh"] & stat.S_IXUSR


def test_setup_installs_a_cpu_torch_and_the_package(bundle: Path) -> None:
    setup = zipfile.ZipFile(bundle).read("setup.sh").decode()
    assert "download.pytorch.org/whl/cpu" in setup
    assert "/autograder/source/package" in setup
    # the uid level's learner users import from the venv (else the level is refused)
    assert "chmod o+x /autograder" in setup and "chmod -R o+rX /autograder/venv" in setup


def notebook_upload(submission: Path) -> None:
    """A learner who uploaded their notebook: the kata's solution in a cell of their own."""
    source = (SOLUTIONS / COURSE.get(KATA).filename).read_text(encoding="utf-8")
    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": text}
             for text in ("!pip install torch", source, "make_x(3)")]
    (submission / "my work.ipynb").write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                                                          "cells": cells}), encoding="utf-8")


@pytest.mark.parametrize("upload", ["folder", "notebook"])
def test_run_autograder_grades_the_submission_into_results_json(bundle: Path, tmp_path: Path, upload: str) -> None:
    autograder = tmp_path / "autograder"
    with zipfile.ZipFile(bundle) as zipped:
        zipped.extractall(autograder / "source")
    if upload == "folder":
        (autograder / "submission" / "katas").mkdir(parents=True)  # a learner who uploaded the folder
        shutil.copy(SOLUTIONS / COURSE.get(KATA).filename, autograder / "submission" / "katas")
    else:
        (autograder / "submission").mkdir()
        notebook_upload(autograder / "submission")
    script = autograder / "source" / "run_autograder"
    script.chmod(0o755)
    # This checkout's grader, as the installed one would run (the console script may be another copy's).
    env = {**os.environ, "AUTOGRADER": str(autograder), "PYTHONPATH": str(REPO),
           "KATA_GRADER": f"{sys.executable} -m pytest_autograd_kata.cli"}
    done = subprocess.run([str(script)], env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    results = json.loads((autograder / "results" / "results.json").read_text(encoding="utf-8"))
    assert (results["score"], results["max_score"]) == (COURSE.get(KATA).points,) * 2
    assert [t["name"].split()[0] for t in results["tests"]] == [KATA]
    # Gradescope runs it as root, where some sandbox can always be had: no --no-sandbox needed.
    assert results["extra_data"]["sandbox"] == sandbox.best_level() != sandbox.PROCESS
