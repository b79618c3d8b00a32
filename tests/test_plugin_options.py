"""The plugin's options, ini keys and environment variables, seen from the command line:
``--help``, the report header, precedence (option > ini > env > default), bad values, the
``kata`` marker, the Hypothesis profiles and seeds."""
from __future__ import annotations

import json
import re

import pytest

OPTIONS = ("--kata-target", "--kata-devices", "--kata-lang", "--kata-timeout", "--kata-report",
           "--kata-gradescope")
INI_KEYS = ("kata_target", "kata_devices", "kata_lang", "kata_timeout")
ENV_VARS = ("KATA_TARGET", "KATA_DEVICES", "KATA_LANG", "KATA_TIMEOUT")

# A check that records every value Hypothesis draws, one JSON line each, so a test can count
# the examples a profile runs and compare the inputs of two runs.
RECORDING_CHECK = """
import json
import pytest
from hypothesis import given, strategies as st

pytestmark = pytest.mark.kata("k01", points=2)

@given(st.integers(0, 10**9))
def test_draws(kata, n):
    with open("drawn.jsonl", "a") as f:
        f.write(json.dumps(n) + "\\n")
    assert kata.answer() == 42
"""


@pytest.fixture
def one_kata(pytester: pytest.Pytester) -> pytest.Pytester:
    """A folder with the recording check and a right answer in katas/."""
    pytester.makepyfile(test_k01=RECORDING_CHECK)
    pytester.mkdir("katas").joinpath("k01_answer.py").write_text("def answer():\n    return 42\n")
    return pytester


def header_fields(result: pytest.RunResult) -> dict[str, str]:
    """The plugin's header line as {field: value}, in either language."""
    line = next(l for l in result.outlines if l.startswith("autograd-kata"))
    words = {"目标目录": "target", "设备": "devices", "语言": "lang", "配置": "hypothesis-profile",
             "种子": "seed"}
    return {words.get(k, k): v for k, v in re.findall(r"([\w-]+)=(\S+)", line)}


def drawn(pytester: pytest.Pytester) -> list[int]:
    """The values the last run drew; the record is cleared for the next run."""
    path = pytester.path / "drawn.jsonl"
    values = [json.loads(line) for line in path.read_text().splitlines()]
    path.unlink()
    return values


def test_help_lists_every_option_ini_key_and_variable(pytester: pytest.Pytester) -> None:
    out = pytester.runpytest_inprocess("--help").stdout.str()
    section = out[out.index("autograd katas (pytest-autograd-kata):"):]
    for option in OPTIONS:
        # each option is followed by its help text on the same line or the next
        assert re.search(rf"{option}=\S+\s+\w+", section), option
    for key, env in zip(INI_KEYS, ENV_VARS):
        ini_help = re.search(rf"^  {key} \(string\):\s+(.+?)(?=^  \S)", out, re.M | re.S)
        assert ini_help and env in ini_help.group(1), key
    assert "Default: katas" in section and "auto" in section and "en or zh" in section


@pytest.mark.parametrize("field, option, ini, env, default", [
    ("target", "a", "b", "c", "katas"),
    ("devices", "cpu", "cpu,mps", "cuda", "auto"),
    ("lang", "zh", "en", "zh", "en"),
])
def test_option_beats_ini_beats_environment_beats_default(
        pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
        field: str, option: str, ini: str, env: str, default: str) -> None:
    for folder in ("a", "b", "c"):
        pytester.mkdir(folder)
    name = f"kata_{field}"

    def shown(*args: str) -> str:
        return header_fields(pytester.runpytest_inprocess("--co", *args))[field]

    monkeypatch.setenv(name.upper(), env)
    pytester.makeini(f"[pytest]\n{name} = {ini}\n")
    assert shown(f"--{name.replace('_', '-')}={option}") == option
    assert shown() == ini
    pytester.makeini("[pytest]\n")
    assert shown() == env
    monkeypatch.delenv(name.upper())
    assert shown() == default


def test_language_falls_back_to_the_locale(pytester: pytest.Pytester,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LC_ALL")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert header_fields(pytester.runpytest_inprocess("--co"))["lang"] == "zh"
    monkeypatch.setenv("KATA_LANG", "en")
    assert header_fields(pytester.runpytest_inprocess("--co"))["lang"] == "en"


def test_timeout_option_beats_ini_beats_environment(pytester: pytest.Pytester,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    pytester.makepyfile(test_k01="""
        import pytest
        pytestmark = pytest.mark.kata("k01")
        def test_loops(kata):
            kata.spin()
        """)
    pytester.mkdir("katas").joinpath("k01_spin.py").write_text("def spin():\n    while True:\n        pass\n")

    def stopped_after(*args: str) -> str:
        out = pytester.runpytest_inprocess(*args).stdout.str()
        # (on a machine too busy to run it, the message says so, and names the same limit)
        return re.search(r"(?:used more than|before it had used its) (\S+) s of processor time", out).group(1)

    monkeypatch.setenv("KATA_TIMEOUT", "0.1")
    pytester.makeini("[pytest]\nkata_timeout = 0.2\n")
    assert stopped_after("--kata-timeout=0.3") == "0.3"
    assert stopped_after() == "0.2"
    pytester.makeini("[pytest]\n")
    assert stopped_after() == "0.1"


@pytest.mark.parametrize("source, value, expected", [
    ("--kata-devices", "gpu", ["unknown device gpu", "auto or a comma list of cpu, cuda, mps"]),
    ("KATA_DEVICES", "cpu,tpu", ["KATA_DEVICES", "unknown device tpu"]),
    ("kata_devices", "", ["kata_devices", "unknown device"]),
    ("KATA_LANG", "fr", ["KATA_LANG", "unknown language 'fr'", "en, zh"]),
    ("kata_lang", "de", ["kata_lang", "unknown language 'de'", "en, zh"]),
    ("--kata-target", "nowhere", ["nowhere", "does not exist", "--kata-target katas"]),
    ("KATA_TARGET", "nowhere", ["KATA_TARGET", "does not exist"]),
    ("KATA_TIMEOUT", "soon", ["KATA_TIMEOUT", "number of seconds", "'soon'"]),
    ("kata_timeout", "1min", ["kata_timeout", "number of seconds", "'1min'"]),
    ("--kata-timeout", "-1", ["--kata-timeout", "number of seconds (0 for no limit), not '-1.0'"]),
    ("KATA_TIMEOUT", "inf", ["KATA_TIMEOUT", "not 'inf'"]),
    ("KATA_TIMEOUT", "nan", ["KATA_TIMEOUT", "not 'nan'"]),
])
def test_bad_value_is_a_usage_error_that_names_the_fix(
        pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
        source: str, value: str, expected: list[str]) -> None:
    args = []
    if source.startswith("--"):
        args.append(f"{source}={value}")
    elif source.isupper():
        monkeypatch.setenv(source, value)
    else:
        pytester.makeini(f"[pytest]\n{source} = {value or ' ,'}\n")
    result = pytester.runpytest_inprocess("--co", *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    error = result.stderr.str()
    for text in expected:
        assert text in error, (text, error)


@pytest.mark.parametrize("source", ["--kata-sandbox", "KATA_SANDBOX", "kata_sandbox"])
def test_a_sandbox_level_that_cannot_run_learner_code_here_is_a_usage_error_naming_the_fix(
        pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, source: str) -> None:
    # Python in root's home, the uid level asked for: its learner processes could not import the
    # standard library, so every kata would fail for nothing. The run stops before it starts.
    from pytest_autograd_kata.runner import sandbox

    refused = sandbox.Refusal("uid", sandbox.CANNOT_READ, "/root/.pyenv/versions/3.11.7", "/root", 0o700)
    monkeypatch.setattr(sandbox, "problem", lambda level: refused if level == "uid" else None)
    if source.startswith("--"):
        args = [f"{source}=uid"]
    elif source.isupper():
        monkeypatch.setenv(source, "uid")
        args = []
    else:
        pytester.makeini(f"[pytest]\n{source} = uid\n")
        args = []
    result = pytester.runpytest_inprocess("--co", "--kata-lang=en", *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    error = result.stderr.str()
    assert f"{source} uid: a learner process at the uid level cannot read /root/.pyenv/versions/3.11.7" in error
    assert "chmod o+x /root" in error and "Choose another level" in error


@pytest.mark.parametrize("option, value, expected", [
    ("--kata-lang", "fr", "invalid choice: 'fr' (choose from"),
    ("--kata-timeout", "soon", "invalid float value: 'soon'"),
])
def test_bad_option_value_is_refused_by_the_command_line(
        pytester: pytest.Pytester, option: str, value: str, expected: str) -> None:
    result = pytester.runpytest_inprocess(f"{option}={value}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert option in result.stderr.str() and expected in result.stderr.str()


def test_kata_marker_is_registered_and_gives_points(one_kata: pytest.Pytester) -> None:
    markers = one_kata.runpytest_inprocess("--markers").stdout.str()
    assert "@pytest.mark.kata(id, points=None)" in markers
    result = one_kata.runpytest_inprocess("--strict-markers", "--kata-report=report.json")
    result.assert_outcomes(passed=1)
    report = json.loads((one_kata.path / "report.json").read_text())
    assert report["katas"][0]["points"] == 2 and report["score"] == 2


@pytest.mark.parametrize("marker", ["kata(3)", "kata()", "kata('k01', points='two')", "kata('k01', points=-1)"])
def test_misused_marker_is_a_usage_error(pytester: pytest.Pytester, marker: str) -> None:
    pytester.makepyfile(f"import pytest\n\n@pytest.mark.{marker}\ndef test_x():\n    pass\n")
    result = pytester.runpytest_inprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "@pytest.mark.kata('k03', points=1)" in result.stderr.str()


def test_kata_unknown_to_the_course_is_a_usage_error(one_kata: pytest.Pytester) -> None:
    one_kata.makefile(".toml", course='[[kata]]\nid = "k02"\nmodule = "k02_a"\n'
                                     'title.en = "A"\nstatement.en = "S"\nhints.en = ["h"]\n')
    result = one_kata.runpytest_inprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "test_k01.py::test_draws: no kata 'k01' in" in result.stderr.str()
    assert "the course has: k02" in result.stderr.str()


def test_header_names_everything_needed_to_repeat_a_run(one_kata: pytest.Pytester) -> None:
    first = one_kata.runpytest_inprocess("--kata-lang=en")
    fields = header_fields(first)
    assert fields["target"] == "katas" and fields["devices"] == "auto" and fields["lang"] == "en"
    assert fields["hypothesis-profile"] == "kata-learn"
    first_inputs = drawn(one_kata)
    again = one_kata.runpytest_inprocess(f"--hypothesis-seed={fields['seed']}")
    assert header_fields(again)["seed"] == fields["seed"]
    assert drawn(one_kata) == first_inputs
    other = one_kata.runpytest_inprocess(f"--hypothesis-seed={int(fields['seed']) + 1}")
    other.assert_outcomes(passed=1)
    assert drawn(one_kata) != first_inputs


@pytest.mark.parametrize("profile, examples, repeatable", [
    (None, 25, False),
    ("kata-learn", 25, False),
    ("kata-ci", 200, False),
    ("kata-grade", 25, True),
])
def test_profiles_set_the_number_of_examples_and_grading_is_derandomized(
        one_kata: pytest.Pytester, profile: str | None, examples: int, repeatable: bool) -> None:
    args = [f"--hypothesis-profile={profile}"] if profile else []
    runs = []
    for _ in range(2):
        result = one_kata.runpytest_inprocess(*args)
        result.assert_outcomes(passed=1)
        assert header_fields(result)["hypothesis-profile"] == (profile or "kata-learn")
        runs.append(drawn(one_kata))
    assert len(runs[0]) == examples
    assert (runs[0] == runs[1]) == repeatable


def test_a_nested_run_leaves_language_profile_and_seed_as_they_were(one_kata: pytest.Pytester) -> None:
    from hypothesis import core, settings

    from pytest_autograd_kata.course import i18n

    before = i18n.current_language(), settings.get_current_profile_name(), core.global_force_seed
    one_kata.runpytest_inprocess("--kata-lang=zh", "--hypothesis-profile=kata-grade").assert_outcomes(passed=1)
    one_kata.runpytest_inprocess("--kata-lang=zh").assert_outcomes(passed=1)
    after = i18n.current_language(), settings.get_current_profile_name(), core.global_force_seed
    assert after == before
