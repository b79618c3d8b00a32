"""A kata check's inputs do not depend on what else the checking process imported: Hypothesis
draws some inputs from the constants of every "local" module imported so far, and a kata
session pins those to none (plugin/hypothesis_constants.py)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from pytest_autograd_kata.plugin import hypothesis_constants


@pytest.fixture(autouse=True)
def unpinned():
    """Each test begins with Hypothesis's own local constants (this very run may have pinned them:
    its files name the kata marker), and leaves the pin as it found it."""
    was = hypothesis_constants.pinned()
    hypothesis_constants.unpin()
    yield
    hypothesis_constants.unpin()
    if was:
        hypothesis_constants.pin()


def drawn() -> list:
    """The inputs a derandomized check draws, as a kata-grade check draws them."""
    seen = []

    @settings(derandomize=True, database=None, max_examples=60)
    @given(st.floats(-10, 10), st.integers(0, 10**6))
    def check(x, n):
        seen.append((x, n))

    check()
    return seen


def import_a_local_module(folder: Path, name: str, low: float) -> None:
    """A module with constants of its own, imported from outside site-packages (as a course's
    helper module, or this package's editable install, is)."""
    path = folder / f"{name}.py"
    path.write_text(f"LOW = {low!r}\nHIGH = {-low / 2!r}\nMANY = {int(-low * 250_000)}\n", encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules[name] = module


@pytest.fixture
def local_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    def imported(name: str, low: float) -> None:
        monkeypatch.setitem(sys.modules, name, None)  # removed again afterwards
        import_a_local_module(tmp_path, name, low)
    return imported


def test_a_pinned_process_draws_the_same_inputs_whatever_it_imported_between(local_module) -> None:
    assert hypothesis_constants.pin()
    try:
        before = drawn()
        local_module("course_helper_with_constants", -3.8125)
        assert drawn() == before
    finally:
        hypothesis_constants.unpin()


def test_without_the_pin_the_same_import_changes_the_inputs(local_module) -> None:
    """What the pin is for: Hypothesis's own behaviour, which the test above would miss if it changed."""
    before = drawn()
    local_module("another_course_helper_with_constants", -2.90625)
    assert drawn() != before


def test_a_kata_session_pins_them_and_puts_them_back(pytester: pytest.Pytester) -> None:
    from hypothesis.internal.conjecture import providers

    original = providers._get_local_constants
    pytester.makepyfile(test_k01="""
        import pytest
        from hypothesis.internal.conjecture import providers

        pytestmark = pytest.mark.kata("k01")

        def test_pinned():
            assert len(providers._get_local_constants()) == 0
    """)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert providers._get_local_constants is original


def test_a_kata_session_inside_a_pinned_one_leaves_the_pin(pytester: pytest.Pytester) -> None:
    from hypothesis.internal.conjecture import providers

    pytester.makepyfile(test_k01="""
        import pytest

        pytestmark = pytest.mark.kata("k01")

        def test_nothing():
            pass
    """)
    assert hypothesis_constants.pin()
    try:
        pinned = providers._get_local_constants
        pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)
        assert providers._get_local_constants is pinned
    finally:
        hypothesis_constants.unpin()
