"""Where a notebook's course comes from: a clone around the kernel, else the clone the package
was installed from, else the course the package ships, copied into a folder of the learner's
(Colab) whose checks are the recorded ones; and the package build that ships it."""
from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

from conftest import COURSE, KATAS, REPO
from pytest_autograd_kata.course import checksums
from pytest_autograd_kata.notebook import course as notebook_course
from pytest_autograd_kata.notebook.course import copy_of_shipped, open_course, stub

K03 = COURSE.get("k03")


def shipped(tmp_path: Path) -> Path:
    """The course as a built package holds it: katas/ as it is in the repository."""
    folder = tmp_path / "course_data"
    shutil.copytree(KATAS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def test_the_shipped_course_is_copied_into_a_course_folder_whose_checks_count(tmp_path: Path) -> None:
    ws = copy_of_shipped(shipped(tmp_path), tmp_path / "home" / "course")
    assert [k.id for k in ws.course.katas] == [k.id for k in COURSE.katas]
    assert all(checksums.state(ws.course, k) == checksums.INTACT for k in ws.course.katas)
    assert stub(ws.course, K03) == (KATAS / K03.filename).read_text(encoding="utf-8")


def test_a_second_copy_keeps_the_learners_stub_and_restores_the_courses_files(tmp_path: Path) -> None:
    source = shipped(tmp_path)
    ws = copy_of_shipped(source, tmp_path / "course")
    ws.kata_file(K03).write_text("# mine\n", encoding="utf-8")
    ws.checks_file(K03).write_text("# edited checks\n", encoding="utf-8")
    copy_of_shipped(source, tmp_path / "course")
    assert ws.kata_file(K03).read_text(encoding="utf-8") == "# mine\n"
    assert ws.checks_file(K03).read_bytes() == (KATAS / K03.checks_filename).read_bytes()


def test_a_notebook_outside_a_course_uses_the_clone_the_package_runs_from(tmp_path: Path) -> None:
    assert open_course(tmp_path).root == REPO  # this checkout: the package is imported from it


def test_a_notebook_in_a_course_folder_uses_it(tmp_path: Path) -> None:
    ws = copy_of_shipped(shipped(tmp_path), tmp_path / "course")
    (ws.root / "work").mkdir()
    assert open_course(ws.root / "work").root == ws.root


def test_the_package_build_ships_every_subpackage_and_the_course() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    package = REPO / "pytest_autograd_kata"
    folders = {"pytest_autograd_kata" + "".join(f".{part}" for part in p.parent.relative_to(package).parts)
               for p in package.rglob("__init__.py")}
    assert set(config["packages"]) == folders | {"pytest_autograd_kata.course_data"}
    assert config["package-dir"] == {"pytest_autograd_kata.course_data": "katas"}
    assert notebook_course.SHIPPED == package / "course_data"
    assert {"*.toml", "*.sha256"} <= set(config["package-data"]["pytest_autograd_kata.course_data"])
