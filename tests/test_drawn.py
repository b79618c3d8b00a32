"""Inputs kept beside the checks (pytest_autograd_kata.plugin.drawn): a record written to a file
and read back replays exactly the inputs the engine drew, bit for bit, and draws nothing; a
record written for another check (a changed check, another version) or a damaged file is
never taken: the engine draws as it always did, and the verdict is the same."""
from __future__ import annotations

import json
import math
import shutil

import pytest
import torch

from cli_course import cut_course
from conftest import COURSE, KATAS, SOLUTIONS
from test_replay import Learner, engine_runs, make_check
from pytest_autograd_kata.plugin import drawn, replay

CHECK_NAME = "check[cpu]"


def kept_record(tmp_path, learner: Learner):
    """A check recorded by the engine, written to a file beside a check file and read back."""
    check_file = tmp_path / "test_k99_kept.py"
    check_file.write_text("# the check's source\n", encoding="utf-8")
    check, store = make_check(learner), replay.Store()
    found = replay.key(check, "check")
    replay.run(check, {}, found, store)
    digest = drawn.digest(check, check_file, CHECK_NAME)
    drawn.write(drawn.path_for(check_file), {CHECK_NAME: drawn.entry(store.get(found), digest)})
    return check, check_file, found


def test_a_kept_record_replays_the_inputs_the_engine_drew_and_draws_nothing(tmp_path):
    engine_alone = Learner()
    make_check(engine_alone)()
    check, check_file, found = kept_record(tmp_path, Learner())
    record = drawn.record(drawn.read(check_file)[CHECK_NAME], drawn.digest(check, check_file, CHECK_NAME))
    assert record is not None and len(record.inputs) == 25
    learner, store = Learner(), replay.Store()
    store.put(found, record)
    check = make_check(learner)
    with engine_runs() as counted:
        replay.run(check, {}, found, store)
    assert counted["runs"] == 0
    assert learner.calls == engine_alone.calls


def test_a_record_kept_for_another_check_or_a_damaged_file_is_not_taken(tmp_path):
    check, check_file, _ = kept_record(tmp_path, Learner())
    entry = drawn.read(check_file)[CHECK_NAME]
    digest = drawn.digest(check, check_file, CHECK_NAME)
    assert drawn.record(entry, digest) is not None
    # the check file changed since: another digest
    check_file.write_text("# the check's source, changed\n", encoding="utf-8")
    assert drawn.digest(check, check_file, CHECK_NAME) != digest
    assert drawn.record(entry, drawn.digest(check, check_file, CHECK_NAME)) is None
    # the same text with \r\n line ends (a git checkout on Windows) is the same check
    check_file.write_bytes(b"# the check's source\r\n")
    assert drawn.digest(check, check_file, CHECK_NAME) == digest
    # another check of the same file (another parameter) has a digest of its own
    assert drawn.digest(check, check_file, "check[cuda]") != drawn.digest(check, check_file, CHECK_NAME)
    # damaged entries: values that do not decode, kinds that are not a record's
    tensor = next(v for v in entry["inputs"][0]["tuple"] if isinstance(v, dict) and "tensor" in v)
    for damage in ({**tensor, "data": "not base64!"}, {**tensor, "shape": [1000]}, {**tensor, "tensor": "str"},
                   {"pickle": "cos\nsystem\n"}, [1, 2]):
        damaged = {**entry, "inputs": [{"tuple": [damage]}] + entry["inputs"][1:]}
        assert drawn.record(damaged, digest) is None, damage
    assert drawn.record({**entry, "kinds": ["raised"] * len(entry["kinds"])}, digest) is None
    assert drawn.record({**entry, "kinds": entry["kinds"][1:]}, digest) is None
    # damaged files read as no entries
    for text in ("not json", json.dumps({"format": 99, "checks": {}}), json.dumps([1])):
        drawn.path_for(check_file).write_text(text, encoding="utf-8")
        assert drawn.read(check_file) == {}


def test_values_cross_the_file_bit_for_bit():
    values = (-0.0, math.nan, -math.inf, 1e-45, True, None, 7, "cpu", [1, (2, "a")], {"k": [0.5]},
              torch.tensor([-0.0, math.nan, 1.5e-45], dtype=torch.float32),
              torch.arange(6, dtype=torch.float64).reshape(2, 3).requires_grad_(),
              torch.tensor(3, dtype=torch.int64), torch.empty(0, 4), torch.float64)
    back = drawn.decode(json.loads(json.dumps(drawn.encode(values))))
    assert replay._same(back, values)
    assert math.copysign(1.0, back[0]) == -1.0 and back[11].requires_grad and back[11].is_leaf


@pytest.mark.parametrize("value", [lambda x: x, torch.arange(6.0).reshape(2, 3).t(), torch.arange(6.0)[2:],
                                   torch.ones(2, requires_grad=True) * 2, object()],
                         ids=["function", "transposed", "offset view", "not a leaf", "object"])
def test_a_value_the_file_cannot_rebuild_as_drawn_leaves_its_check_out(value):
    with pytest.raises(drawn.NotKept):
        drawn.encode((1, value))


def test_the_course_grades_from_its_kept_inputs_and_a_stale_file_costs_time_not_the_verdict(tmp_path, run_kata,
                                                                                              pytester):
    kata = COURSE.get("k03")
    solution = SOLUTIONS / kata.filename
    with engine_runs() as counted:
        kept = run_kata("k03", solution, "--hypothesis-profile", "kata-grade")
    assert counted["runs"] == 0, "the course's kept inputs were not taken"
    # The same check, its kept inputs written for another version of it.
    cut_course(KATAS, tmp_path / "copy", ("k03",))
    check_file = tmp_path / "copy" / "katas" / kata.checks_filename
    stale = json.loads(drawn.path_for(KATAS / kata.checks_filename).read_text(encoding="utf-8"))
    for entry in stale["checks"].values():
        entry["digest"] = "0" * 64
    drawn.write(drawn.path_for(check_file), stale["checks"])
    report = tmp_path / "report.json"
    target = tmp_path / "target"
    target.mkdir()
    shutil.copy(solution, target)
    with engine_runs() as counted:
        pytester.runpytest_inprocess(str(check_file), f"--kata-target={target}", f"--kata-report={report}",
                                     "-p", "no:cacheprovider", "--hypothesis-profile", "kata-grade")
    assert counted["runs"] == 1
    drawn_again = json.loads(report.read_text(encoding="utf-8"))["katas"][0]
    assert (drawn_again["status"], drawn_again["score"]) == (kept["status"], kept["score"]) == ("passed", kept["points"])
