"""What the teacher asked for, checked before any work starts: the course and its checks,
the submission folders, the output folder and the limits. Every problem is a
:class:`~.plan.GradeError` that names it and the fix; what passes becomes the run's
:class:`~.plan.GradePlan`."""
from __future__ import annotations

import os
from pathlib import Path

from ..course.data import Course, CourseError, load_course
from ..course.i18n import t
from ..course.inert import inert_line
from .intake import is_notebook, submission_name
from .isolation import choose
from .plan import DEFAULT_MEMORY_MIB, DEFAULT_TIMEOUT, GradeError, GradePlan
from .shards import class_of, share


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _course(course_dir: Path) -> Course:
    try:
        return load_course(course_dir.resolve())
    except CourseError as err:
        raise GradeError(str(err)) from None


def _check_files(course: Course, only: tuple[str, ...] | None) -> tuple[Path, ...]:
    if only is None:
        found = tuple(sorted(course.root.glob("test_*.py")))
    else:
        for kata_id in only:
            if course.find(kata_id) is None:
                raise GradeError(t("grade_unknown_kata", kata=kata_id, known=", ".join(k.id for k in course.katas)))
        found = tuple(course.root / f"test_{course.get(k).module}.py" for k in only)
        found = tuple(path for path in found if path.is_file())
    if not found:
        raise GradeError(t("grade_no_checks", folder=course.root))
    return found


def _submissions(folders: list[str], out: Path) -> tuple[Path, ...]:
    resolved = []
    for folder in folders:
        path = Path(folder).resolve()
        named = inert_line(folder)  # a learner may have named it (the teacher typed subs/*)
        if not (path.is_dir() or is_notebook(path) and path.is_file()):
            raise GradeError(t("grade_no_submission", path=named))
        if _inside(out, path):
            raise GradeError(t("grade_out_inside", out=out, submission=named))
        if _inside(path, out):
            raise GradeError(t("grade_submission_inside_out", out=out, submission=named))
        resolved.append(path)
    names = [submission_name(p) for p in resolved]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise GradeError(t("grade_same_name", names=", ".join(twice)))
    if not resolved:
        raise GradeError(t("grade_no_submissions"))
    return tuple(sorted(resolved, key=submission_name))


def make_plan(submissions: list[str], out: str, course_dir: str = "katas", jobs: int | None = None,
              timeout: float = DEFAULT_TIMEOUT, memory_mib: int = DEFAULT_MEMORY_MIB, lang: str = "en",
              only: list[str] | None = None, reuse: bool = True, sandbox: str | None = None,
              no_sandbox: bool = False, shard: tuple[int, int] = (1, 1)) -> GradePlan:
    """Check everything the teacher gave; ``sandbox``/``no_sandbox`` as ``--sandbox``/``--no-sandbox``,
    ``shard`` as ``--shard I/N``."""
    if jobs is not None and jobs < 1:
        raise GradeError(t("grade_bad_number", option="--jobs", value=jobs))
    if timeout <= 0:
        raise GradeError(t("grade_bad_number", option="--timeout", value=timeout))
    if memory_mib < 0:
        raise GradeError(t("grade_bad_number", option="--memory", value=memory_mib))
    course = _course(Path(course_dir))
    out_path = Path(out).resolve()
    if out_path.exists() and not out_path.is_dir():
        raise GradeError(t("grade_out_not_folder", out=out))
    selected = tuple(only) if only else None
    check_files = _check_files(course, selected)
    folders = _submissions(submissions, out_path)
    mine = tuple(folder for folder in folders if share(folder.name, shard[1]) == shard[0])
    return GradePlan(course=course, check_files=check_files, submissions=mine, out=out_path,
                     jobs=jobs or os.cpu_count() or 1, timeout=timeout, memory_mib=memory_mib,
                     lang=lang, only=selected, reuse=reuse, sandbox=choose(sandbox, no_sandbox),
                     shard=shard, class_digest=class_of([folder.name for folder in folders]))
