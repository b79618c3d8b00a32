"""Grading a class on several machines: ``grade --shard I/N`` grades a share chosen by the
submission's name alone, and ``grade-merge`` combines the shares into exactly the folder one run
writes; shares graded differently are refused with what differs."""
from __future__ import annotations

import json
import random
import shutil
from contextlib import redirect_stderr, redirect_stdout
from io import StringIO
from pathlib import Path

import pytest

from conftest import COURSE, KATAS, SOLUTIONS
from pytest_autograd_kata.course import i18n
from pytest_autograd_kata.cli import main
from pytest_autograd_kata.grading import shards
from pytest_autograd_kata.grading.plan import GradeError
from pytest_autograd_kata.grading.planning import make_plan

CORPUS = Path(__file__).with_name("corpus")
GRADED = ("k01", "k02")
SHARDS = 3


@pytest.fixture(autouse=True)
def keep_language():
    language = i18n.current_language()
    yield
    i18n.set_language(language)


@pytest.fixture(scope="module")
def a_class(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Seven learners: right, untouched stubs, or a typical mistake in k01."""
    root = tmp_path_factory.mktemp("class")
    sources = {"right": SOLUTIONS, "stub": KATAS}
    folders = []
    for n, kind in enumerate(["right", "stub", "wrong", "right", "wrong", "stub", "right"]):
        folder = root / f"learner{n}"
        folder.mkdir()
        for kata_id in GRADED:
            name = COURSE.get(kata_id).filename
            source = CORPUS / "k01" / "int_dtype.py" if kind == "wrong" and kata_id == "k01" else sources.get(kind, SOLUTIONS) / name
            shutil.copy(source, folder / name)
        folders.append(str(folder))
    return folders


def grade(folders, out: Path, *options: str) -> int:
    with redirect_stdout(StringIO()), redirect_stderr(StringIO()):
        return main(["--lang", "en", "grade", *folders, "--out", str(out), "--course", str(KATAS),
                     "--katas", ",".join(GRADED), "--jobs", "1", "--timeout", "30", *options])


def merge(shares, out: Path) -> tuple[int, str]:
    err = StringIO()
    with redirect_stdout(StringIO()), redirect_stderr(err):
        code = main(["--lang", "en", "grade-merge", *map(str, shares), "--out", str(out), "--course", str(KATAS)])
    return code, err.getvalue()


def written(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def graded(a_class, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The class graded in one run, and in three shares, each given the folders in another order."""
    root = tmp_path_factory.mktemp("graded")
    assert grade(a_class, root / "whole") == 0
    shares = []
    for index in range(1, SHARDS + 1):
        folders = list(a_class)
        random.Random(index).shuffle(folders)
        assert grade(folders, root / f"share{index}", "--shard", f"{index}/{SHARDS}") == 0
        shares.append(root / f"share{index}")
    return {"root": root, "whole": root / "whole", "shares": shares}


def test_three_shares_merged_are_byte_for_byte_the_whole_class_graded_at_once(graded) -> None:
    code, err = merge(reversed(graded["shares"]), graded["root"] / "merged")
    assert (code, err) == (0, "")
    whole, merged = written(graded["whole"]), written(graded["root"] / "merged")
    assert merged == whole
    assert {"gradebook.csv", "summary.txt", "summary.png", shards.MANIFEST} <= set(whole)
    assert len([name for name in whole if name.endswith("report.json")]) == 7


def test_each_submission_is_graded_in_exactly_one_share(graded, a_class) -> None:
    graded_in = [set(json.loads((share / shards.MANIFEST).read_text(encoding="utf-8"))["results"])
                 for share in graded["shares"]]
    assert sorted(name for names in graded_in for name in names) == sorted(Path(f).name for f in a_class)


def test_a_share_is_chosen_by_name_whatever_the_order_of_the_folders(a_class, tmp_path: Path) -> None:
    def share_of(folders: list[str], index: int) -> set[str]:
        plan = make_plan(folders, str(tmp_path / "out"), str(KATAS), shard=(index, 3), no_sandbox=True)
        return {p.name for p in plan.submissions}

    backwards = list(reversed(a_class))
    parts = [share_of(a_class, index) for index in (1, 2, 3)]
    assert parts == [share_of(backwards, index) for index in (1, 2, 3)]
    assert sorted(n for part in parts for n in part) == sorted(Path(f).name for f in a_class)


@pytest.mark.parametrize("shard", ["0/4", "5/4", "2", "a/b", "1/0"])
def test_a_shard_that_is_not_i_of_n_is_refused(shard: str) -> None:
    with pytest.raises(GradeError, match="--shard takes I/N"):
        shards.parse(shard)


def _changed_copy(share: Path, to: Path, change) -> Path:
    shutil.copytree(share, to)
    manifest = json.loads((to / shards.MANIFEST).read_text(encoding="utf-8"))
    change(manifest)
    (to / shards.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    return to


@pytest.mark.parametrize("what, change, says", [
    ("settings", lambda m: m["settings"].update(timeout=60.0), "settings timeout: 60.0 / 30.0"),
    ("sandbox", lambda m: m.update(sandbox="process"), "sandbox: process / "),
    ("versions", lambda m: m["versions"].update(torch="2.0.0"), "versions torch: 2.0.0 / "),
    ("course", lambda m: m.update(course="0" * 64), "course: 0000"),
    ("class", lambda m: m["class"].update(submissions=8), "class submissions: 8 / 7"),
])
def test_shares_graded_differently_are_refused_naming_the_difference(graded, tmp_path: Path, what, change, says) -> None:
    shares = list(graded["shares"])
    shares[2] = _changed_copy(shares[2], tmp_path / "changed", change)
    code, err = merge(shares, tmp_path / "merged")
    assert code == 2
    assert f"{shares[2]} was not graded like {shares[0]}" in err and says in err
    assert not (tmp_path / "merged").exists()


def test_a_missing_or_repeated_share_is_refused(graded, tmp_path: Path) -> None:
    code, err = merge(graded["shares"][:-1], tmp_path / "merged")
    assert code == 2 and f"missing: {SHARDS}/{SHARDS}" in err
    code, err = merge([*graded["shares"][:-1], graded["shares"][0]], tmp_path / "merged")
    assert code == 2 and f"share 1/{SHARDS} was given twice" in err
    code, err = merge([*graded["shares"], tmp_path], tmp_path / "merged")
    assert code == 2 and "is missing or is not a grading record" in err
    assert not (tmp_path / "merged").exists()


def test_merging_with_another_course_is_refused(graded, tmp_path: Path) -> None:
    course = tmp_path / "course"
    shutil.copytree(KATAS, course, ignore=shutil.ignore_patterns("__pycache__"))
    (course / "test_k01_grad_storage.py").write_text("# changed\n", encoding="utf-8")
    err = StringIO()
    with redirect_stdout(StringIO()), redirect_stderr(err):
        code = main(["--lang", "en", "grade-merge", *map(str, graded["shares"]), "--out", str(tmp_path / "m"),
                     "--course", str(course)])
    assert code == 2 and "is not the one the shares were graded with" in err.getvalue()


def test_a_share_that_holds_no_submission_merges_too(a_class, tmp_path: Path) -> None:
    alone = a_class[:1]  # one submission, two shares: one of them holds nothing
    assert grade(alone, tmp_path / "whole") == 0
    for index in (1, 2):
        assert grade(alone, tmp_path / f"share{index}", "--shard", f"{index}/2") == 0
    code, err = merge([tmp_path / "share1", tmp_path / "share2"], tmp_path / "merged")
    assert (code, err) == (0, "")
    assert written(tmp_path / "merged") == written(tmp_path / "whole")
