"""Which course a notebook works in, and each kata's stub and names.

The course is found as the terminal finds it, then without a course folder at all:

1. the course folder around the kernel's working folder (a clone of the course, Jupyter started
   in it): the same progress, hints and check service as ``autograd-kata`` there;
2. the clone this package was installed from (``pip install -e .``, the notebook elsewhere);
3. the course this package ships (the repository's ``katas/`` is installed as
   ``pytest_autograd_kata/course_data``: its course.toml, checks, ``checks.sha256`` and stubs),
   copied into a folder of the learner's (``$KATA_HOME/course``, default
   ``~/.autograd-kata/course``) that is then a course folder like any other. This is Colab's
   case: no local files. The checks there are the shipped ones, whose digests are the course's
   record, so their verdicts count; a copy made by an older install is brought up to date.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..course.data import COURSE_FILE, Course, CourseError, Kata, load_course
from ..course.stubs import stub_for
from ..course.workspace import KATAS_DIR, SOLUTIONS_DIR, CliError, Workspace, find
from .cells import defined_names

PACKAGE = Path(__file__).resolve().parents[1]
#: where a built package holds the course (pyproject.toml maps the repository's katas/ there)
SHIPPED = PACKAGE / "course_data"
HOME_ENV = "KATA_HOME"
#: the files of a course folder that are the course's, not the learner's: always as shipped
COURSE_SUFFIXES = (".toml", ".sha256")


def open_course(start: Path | None = None) -> Workspace:
    """The course a notebook in ``start`` (default: the working folder) works in."""
    try:
        return find(start)
    except CliError:
        pass
    clone = PACKAGE.parent
    if (clone / KATAS_DIR / COURSE_FILE).is_file():
        return Workspace(clone, load_course(clone / KATAS_DIR))
    if not (SHIPPED / COURSE_FILE).is_file():
        raise CliError(f"no course here or in this install of pytest-autograd-kata ({PACKAGE}): "
                       f"install the package from the course's repository, or start Jupyter in a clone of it")
    return copy_of_shipped(SHIPPED, home() / "course")


def home() -> Path:
    return Path(os.environ.get(HOME_ENV) or Path.home() / ".autograd-kata")


def copy_of_shipped(shipped: Path, root: Path) -> Workspace:
    """The shipped course in ``root``/katas: its data and checks as shipped, and each stub
    where none is yet (the learner may have worked on it from a terminal)."""
    katas = root / KATAS_DIR
    katas.mkdir(parents=True, exist_ok=True)
    for path in sorted(shipped.iterdir()):
        if not path.is_file() or path.name == "__init__.py":
            continue
        target = katas / path.name
        ours = path.suffix in COURSE_SUFFIXES or path.name.startswith("test_")
        if not target.exists() or ours and target.read_bytes() != path.read_bytes():
            shutil.copyfile(path, target)
    return Workspace(root, load_course(katas))


def stub(course: Course, kata: Kata) -> str:
    """The kata's pristine stub: made from its reference solution where the course folder has
    one beside it (a clone: its ``katas/`` files are the learner's), else the stub beside its
    checks (a teacher's course, a Gradescope bundle), else the one this package ships."""
    solutions = course.root.parent / SOLUTIONS_DIR
    if (solutions / kata.filename).is_file():
        return stub_for(kata, solutions)
    for folder in (course.root, SHIPPED):
        if (folder / kata.filename).is_file():
            return (folder / kata.filename).read_text(encoding="utf-8")
    raise CourseError(f"no stub of {kata.id} ({kata.filename}) beside {course.path}, and no reference "
                      f"solution in {solutions} to make it from")


def kata_names(course: Course) -> dict[str, frozenset[str]]:
    """Each kata's names: what its stub defines (a kata whose stub cannot be found is left out:
    a teacher's course may hold the checks of some katas only)."""
    found = {}
    for kata in course.katas:
        try:
            found[kata.id] = defined_names(stub(course, kata))
        except CourseError:
            continue
    return found
