"""The Gradescope autograder zip: ``setup.sh`` (installs Python, a CPU torch and this
package), ``run_autograder`` (grades /autograder/submission, a folder of kata files or a
notebook, and writes /autograder/results/results.json), the course's checks, data and stubs
(a notebook's katas are found by the names their stubs define), and the package source."""
from __future__ import annotations

import zipfile
from pathlib import Path

from ..course.data import Course
from ..course.i18n import t
from .plan import GradeError

SCRIPTS = Path(__file__).with_name("gradescope")
PACKAGE = Path(__file__).resolve().parents[1]
#: files of a course folder that grading needs (not the stubs a learner edits); drawn/: the
#: inputs its checks draw when grading, kept so that no submission draws them again
COURSE_FILES = ("course.toml", "test_*.py", "conftest.py", "pytest.ini", "drawn/*.json")
#: fixed time for every entry, so the same sources make the same zip
STAMP = (2020, 1, 1, 0, 0, 0)


#: the project's own course, which the package ships (pyproject.toml maps it into the package)
PACKAGE_COURSE = "katas"


def _package_files() -> list[tuple[Path, str]]:
    project = PACKAGE.parent
    if not (project / "pyproject.toml").is_file():
        raise GradeError(t("bundle_no_source", path=project))
    files = [(project / "pyproject.toml", "package/pyproject.toml")]
    readme = project / "README.md"
    if readme.is_file():  # pyproject names it as the long description
        files.append((readme, "package/README.md"))
    for folder in (PACKAGE, project / PACKAGE_COURSE):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                files.append((path, f"package/{path.relative_to(project).as_posix()}"))
    return files


def _course_files(course: Course) -> list[tuple[Path, str]]:
    found = {p for pattern in COURSE_FILES for p in course.root.glob(pattern)}
    # Each kata's stub: the names a notebook upload's cells are searched for.
    found |= {course.root / k.filename for k in course.katas if (course.root / k.filename).is_file()}
    return [(path, f"course/{path.relative_to(course.root).as_posix()}") for path in sorted(found)]


def write_bundle(course: Course, zip_path: Path) -> Path:
    entries = [(SCRIPTS / "setup.sh", "setup.sh"), (SCRIPTS / "run_autograder", "run_autograder")]
    entries += _course_files(course) + _package_files()
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as bundle:
        for source, name in entries:
            info = zipfile.ZipInfo(name, STAMP)
            info.external_attr = (0o755 if name in ("setup.sh", "run_autograder") else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(info, source.read_bytes())
    return zip_path
