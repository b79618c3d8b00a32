"""Grading a class on several machines: ``grade --shard I/N`` grades share I of N of the
submissions, and ``grade-merge`` combines the shares' output folders into the folder one run
over every submission writes, byte for byte.

A submission's share depends on a hash of its folder name alone: every machine, given the same
folders in any order, picks the same ones, and the N shares hold each submission once. Every
run writes ``OUT/grading.json``, what the merge needs: what was graded (the course's files,
the settings that can change a verdict, the sandbox, the versions of what runs the checks),
which share of which class, and each kata's result. Shares that differ in any of those are
not merged; the refusal names what differs.
"""
from __future__ import annotations

import hashlib
import json
import platform
from importlib import metadata
from pathlib import Path

from .. import __version__
from ..course import outcomes
from ..course.data import Course
from ..course.i18n import t
from .bundle import COURSE_FILES
from .grade import ClassResult, SubmissionResult
from .plan import GradeError, GradePlan

MANIFEST = "grading.json"
FORMAT = 1
#: what runs the checks: a different version may give another verdict
VERSIONS = ("torch", "hypothesis", "numpy", "pytest")


def parse(text: str) -> tuple[int, int]:
    """``"I/N"`` (1 ≤ I ≤ N) as (I, N)."""
    index, _, count = text.partition("/")
    try:
        shard = int(index), int(count)
    except ValueError:
        raise GradeError(t("grade_bad_shard", value=text)) from None
    if not 1 <= shard[0] <= shard[1]:
        raise GradeError(t("grade_bad_shard", value=text))
    return shard


def share(name: str, count: int) -> int:
    """The share (1 to ``count``) of the submission folder named ``name``."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big") % count + 1


def class_of(names: list[str]) -> dict:
    """Which class a share belongs to: the number of submissions and a digest of their names."""
    digest = hashlib.sha256("\n".join(sorted(names)).encode("utf-8")).hexdigest()
    return {"submissions": len(names), "names": digest}


def course_digest(course: Course) -> str:
    """The course's files that grading reads (course.toml, the checks and their configuration)."""
    hasher = hashlib.sha256()
    for path in sorted({p for pattern in COURSE_FILES for p in course.root.glob(pattern) if p.is_file()}):
        hasher.update(f"{path.name}\0{len(path.read_bytes())}\0".encode())
        hasher.update(path.read_bytes())
    return hasher.hexdigest()


def _versions() -> dict[str, str]:
    found = {"autograd-kata": __version__, "python": platform.python_version()}
    for name in VERSIONS:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "-"
    return found


def describe(plan: GradePlan) -> dict:
    """What a run graded and how: everything but the results (see :func:`manifest`)."""
    return {
        "format": FORMAT,
        "course": course_digest(plan.course),
        "settings": {"timeout": plan.timeout, "memory_mib": plan.memory_mib, "lang": plan.lang,
                     "katas": list(plan.only) if plan.only else None},
        "sandbox": plan.sandbox,
        "versions": _versions(),
        "class": plan.class_digest,
        "shard": list(plan.shard),
    }


def manifest(graded: ClassResult, described: dict) -> dict:
    return {**described, "katas": [k.id for k in graded.katas], "left_out": graded.left_out,
            "results": {sub.name: [k.to_json() for k in sub.katas]
                        for sub in sorted(graded.submissions, key=lambda s: s.name)}}


def write(graded: ClassResult, described: dict, out: Path) -> Path:
    path = out / MANIFEST
    path.write_text(json.dumps(manifest(graded, described), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def read(folder: Path) -> dict:
    path = folder / MANIFEST
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise GradeError(t("grade_merge_unreadable", path=path)) from None
    if not isinstance(found, dict) or found.get("format") != FORMAT:
        raise GradeError(t("grade_merge_unreadable", path=path))
    return found


#: what every share must agree on, in the order a refusal names them
AGREED = ("course", "settings", "sandbox", "versions", "class")


def _differences(first: dict, other: dict) -> list[str]:
    found = []
    for field in AGREED:
        mine, theirs = first[field], other[field]
        if mine == theirs:
            continue
        if isinstance(mine, dict) and isinstance(theirs, dict):
            found += [f"{field} {name}: {theirs.get(name)} / {mine.get(name)}"
                      for name in sorted(set(mine) | set(theirs)) if mine.get(name) != theirs.get(name)]
        else:
            found.append(f"{field}: {theirs} / {mine}")
    if other["shard"][1] != first["shard"][1]:
        found.append(f"shards: {other['shard'][1]} / {first['shard'][1]}")
    return found


def merge(folders: list[Path], course: Course) -> tuple[ClassResult, dict]:
    """The class result that one run over every submission gives, and its description, from
    the output folders of the N shares of one grading."""
    manifests = [read(folder) for folder in folders]
    first = manifests[0]
    for folder, found in zip(folders[1:], manifests[1:]):
        differ = _differences(first, found)
        if differ:
            raise GradeError(t("grade_merge_differ", folder=folder, first=folders[0], what="; ".join(differ)))
    if course_digest(course) != first["course"]:
        raise GradeError(t("grade_merge_course", course=course.root))
    count = first["shard"][1]
    seen: dict[int, Path] = {}
    for folder, found in zip(folders, manifests):
        index = found["shard"][0]
        if index in seen:
            raise GradeError(t("grade_merge_twice", shard=f"{index}/{count}", first=seen[index], second=folder))
        seen[index] = folder
    missing = [f"{i}/{count}" for i in range(1, count + 1) if i not in seen]
    if missing:
        raise GradeError(t("grade_merge_missing", shards=", ".join(missing)))
    graded = [found for found in manifests if found["results"]]
    katas = graded[0]["katas"] if graded else first["katas"]
    if any(found["katas"] != katas for found in graded):
        raise GradeError(t("grade_merge_differ", folder=folders[manifests.index(graded[-1])], first=folders[0],
                           what=f"katas: {graded[-1]['katas']} / {katas}"))
    results = {name: katas_json for found in manifests for name, katas_json in found["results"].items()}
    if len(results) != first["class"]["submissions"]:
        raise GradeError(t("grade_merge_count", found=len(results), expected=first["class"]["submissions"]))
    submissions = [SubmissionResult(name, [outcomes.KataResult.from_json(k) for k in results[name]])
                   for name in sorted(results)]
    described = {field: first[field] for field in ("format", *AGREED)} | {"shard": [1, 1]}
    merged = ClassResult([course.get(k) for k in katas], submissions, first["left_out"], first["sandbox"])
    return merged, described
