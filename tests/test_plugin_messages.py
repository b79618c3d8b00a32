"""What a learner reads: a wrong gradient, a tensor compared with ``==``, a runaway loop and
an untouched stub, in English and Chinese."""
from __future__ import annotations

import pytest

GRADIENT_CHECK = """
import pytest
import torch
from pytest_autograd_kata import Text, assert_tensor_close

pytestmark = pytest.mark.kata("k03")

def test_gradient(kata, device):
    x = torch.arange(4.0, device=device)
    assert_tensor_close(kata.gradient(kata.tensor(x, requires_grad=True)), 4 * x, name="x.grad",
                        expected_words=Text("4·x, the gradient of 2·xᵀx", "4·x，即 2·xᵀx 的梯度"))

def test_compared_with_equals(kata, device):
    x = torch.arange(4.0, device=device)
    assert kata.gradient(kata.tensor(x, requires_grad=True)) == 4 * x
"""

WRONG_GRADIENT = """
def gradient(x):
    y = (x * x).sum()  # the learner forgot the factor 2 of y = 2·xᵀx
    y.backward()
    return x.grad
"""


@pytest.fixture
def wrong_gradient(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(test_k03=GRADIENT_CHECK)
    pytester.mkdir("katas").joinpath("k03_backward.py").write_text(WRONG_GRADIENT)
    return pytester


@pytest.mark.parametrize("lang, expected", [
    ("en", ["x.grad is not what it should be.",
            "  expected: 4·x, the gradient of 2·xᵀx",
            "  3 of 4 elements differ; obtained vs expected:",
            "    x.grad[1] = 2   expected 4",
            "    x.grad[2] = 4   expected 8",
            "    x.grad[3] = 6   expected 12",
            "  tolerance: rtol=1.3e-06, atol=1e-05 (float32)"]),
    ("zh", ["x.grad 的值不对。",
            "  应当是：4·x，即 2·xᵀx 的梯度",
            "  4 个元素中有 3 个不一致；实际值 vs 期望值：",
            "    x.grad[1] = 2   期望 4",
            "  容差：rtol=1.3e-06，atol=1e-05（float32）"]),
])
def test_wrong_gradient_gets_a_learner_grade_message(wrong_gradient: pytest.Pytester, lang: str,
                                                     expected: list[str]) -> None:
    result = wrong_gradient.runpytest_inprocess("-k", "test_gradient", f"--kata-lang={lang}")
    result.assert_outcomes(failed=1)
    for line in expected:
        assert line in result.outlines, line
    # the learner's message replaces pytest's traceback of the helper
    assert "def assert_tensor_close" not in result.stdout.str()


def test_learner_tensor_compared_with_equals_names_the_helpers(wrong_gradient: pytest.Pytester) -> None:
    result = wrong_gradient.runpytest_inprocess("-k", "equals")
    result.assert_outcomes(failed=1)
    assert "a RemoteTensor is compared with assert_tensor_equal or assert_tensor_close" in result.stdout.str()


@pytest.mark.parametrize("lang, helper_named", [
    ("en", "Compare with assert_tensor_equal(a, b, name=...) or assert_tensor_close(a, b, name=...)"),
    ("zh", "请使用 pytest_autograd_kata 中的 assert_tensor_equal(a, b, name=...) 或 assert_tensor_close"),
])
def test_tensors_compared_with_equals_get_the_ambiguity_explained(
        pytester: pytest.Pytester, lang: str, helper_named: str) -> None:
    pytester.makepyfile(test_k03="""
        import pytest
        import torch
        pytestmark = pytest.mark.kata("k03")
        def test_compared_with_equals(kata):
            assert torch.arange(4.0) == 4 * torch.ones(4)
        """)
    result = pytester.runpytest_inprocess(f"--kata-lang={lang}")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "Boolean value of Tensor with more than one value is ambiguous" in out
    assert helper_named in out


def test_ambiguity_is_explained_outside_katas_too(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("import torch\n\ndef test_plain():\n    assert torch.ones(2) == torch.ones(2)\n")
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(failed=1)
    assert "assert_tensor_close(a, b, name=...)" in result.stdout.str()


LOOPS = """
import pytest
from hypothesis import given, strategies as st

pytestmark = pytest.mark.kata("k07")

def test_plain(kata):
    kata.spin(0)

@given(st.integers(0, 3))
def test_inside_given(kata, n):
    kata.spin(n)

def test_after(kata):
    assert kata.spin is not None
"""


@pytest.mark.parametrize("lang, message", [
    ("en", "your code used more than 0.2 s of processor time in this check and was stopped. Is there a loop that never ends"),
    ("zh", "你的代码在这项检查中占用处理器时间超过 0.2 秒，已被停止。是否有永不结束的循环"),
])
def test_runaway_loop_ends_in_a_timeout_of_that_check(pytester: pytest.Pytester, lang: str,
                                                      message: str) -> None:
    pytester.makepyfile(test_k07=LOOPS)
    # the learner's `except BaseException` must not swallow the timeout
    pytester.mkdir("katas").joinpath("k07_loop.py").write_text(
        "def spin(n):\n    while True:\n        try:\n            n = n * 2\n        except BaseException:\n            pass\n")
    result = pytester.runpytest_inprocess("--kata-timeout=0.2", f"--kata-lang={lang}")
    result.assert_outcomes(failed=2, passed=1)
    # once per stopped check, as the body of its failure (summary lines quote it again in CI)
    assert sum(line.startswith(message) for line in result.outlines) == 2
    result.stdout.fnmatch_lines(["*k07*timeout*" if lang == "en" else "*k07*超时*"])


STUB_CHECK = """
import pytest
pytestmark = pytest.mark.kata("k01")

def test_one(kata):
    kata.make_x(3)

def test_two(kata):
    kata.make_x(4)
"""

ONE_KATA_COURSE = """
[[kata]]
id = "k01"
module = "k01_grad_storage"
title.en = "Where gradients live"
statement.en = "Write make_x."
hints.en = ["arange"]
"""


@pytest.mark.parametrize("verbose", [False, True])
def test_untouched_stub_is_reported_as_not_started(pytester: pytest.Pytester, verbose: bool) -> None:
    pytester.makepyfile(test_k01=STUB_CHECK)
    pytester.makefile(".toml", course=ONE_KATA_COURSE)
    pytester.mkdir("katas").joinpath("k01_grad_storage.py").write_text(
        'def make_x(n):\n    raise NotImplementedError("k01 is not started: write `make_x`")\n')
    result = pytester.runpytest_inprocess(*(["-v"] if verbose else []))
    out = result.stdout.str()
    assert "NotImplementedError" not in out and "Traceback" not in out
    assert "FAILED" not in out and "ERROR" not in out
    result.stdout.fnmatch_lines([
        "*test_one NOT STARTED*" if verbose else "test_k01.py NN *",
        "*k01*Where gradients live*not started*",
        "*katas/k01_grad_storage.py*",  # where the learner starts
        "*2 not started*",
    ])


def test_not_implemented_in_the_check_itself_is_a_failure_not_a_stub(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_k01="""
        import pytest
        pytestmark = pytest.mark.kata("k01")
        def test_one(kata):
            kata.make_x(3)
            raise NotImplementedError("a check that is not finished")
        """)
    pytester.mkdir("katas").joinpath("k01_x.py").write_text("def make_x(n):\n    return n\n")
    result = pytester.runpytest_inprocess()
    result.assert_outcomes(failed=1)
    assert "not started" not in result.stdout.str()


STATEFUL_CHECK = """
import pytest
import torch
from hypothesis import given, strategies as st
from pytest_autograd_kata import Text, assert_tensor_equal

pytestmark = pytest.mark.kata("k03")

@given(n=st.integers(1, 4))
def test_gradient(kata, device, n):
    x = torch.arange(1.0, n + 1, device=device)
    assert_tensor_equal(kata.gradient(kata.tensor(x, requires_grad=True)), 4 * x, name="x.grad",
                        expected_words=Text("4·x", "4·x"))
"""

#: Wrong at its first call only: when Hypothesis tries the failing input again to be sure, it
#: passes, and Hypothesis reports its own FlakyFailure, which says nothing to a learner.
STATEFUL_ANSWER = """
calls = []

def gradient(x):
    calls.append(1)
    y = (2 if len(calls) > 1 else 1) * (x * x).sum()
    y.backward()
    return x.grad
"""


@pytest.mark.parametrize("lang, expected", [
    ("en", ["x.grad is not exactly what it should be.",
            "this check failed, then passed when the same input was tried again: what your code returns depends on "
            "earlier calls. Each call must work from its own arguments alone: keep nothing from one call to the "
            "next (no cache, no module-level variable, no counter)."]),
    ("zh", ["x.grad 与期望值不完全相等。",
            "这项检查先是失败，用同样的输入再试一次却通过了：你的代码的结果取决于之前的调用。每次调用都只能依据它自己的参数："
            "不要在两次调用之间保留任何东西（不要缓存，不要用模块级变量，也不要计数）。"]),
])
def test_an_answer_that_keeps_state_between_calls_is_told_so(pytester: pytest.Pytester, lang: str,
                                                                 expected: list[str]) -> None:
    pytester.makepyfile(test_k03=STATEFUL_CHECK)
    pytester.mkdir("katas").joinpath("k03_backward.py").write_text(STATEFUL_ANSWER)
    result = pytester.runpytest_inprocess(f"--kata-lang={lang}")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    for line in expected:
        assert line in out, line
    assert "FlakyFailure" not in out and "unreliable" not in out
