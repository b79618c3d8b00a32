"""k12's plot check: plot mistakes fail it, a missing matplotlib fails it with a message (the
plot is part of the kata), and the cos spies live in the learner's process, never in this one."""
from __future__ import annotations

import json
import math
import sys
import textwrap
from pathlib import Path

import numpy
import pytest
import torch

from conftest import KATAS, SOLUTIONS, checks_file
from pytest_autograd_kata.course.outcomes import NOT_STARTED

SOLUTION = SOLUTIONS / "k12_sin_without_cos.py"
CORPUS = Path(__file__).with_name("corpus") / "k12"

#: mistake -> (plot function, words its failure message must contain). sin_derivative stays the
#: reference one, so only the plot check can catch these.
PLOT_MISTAKES = {
    "second curve drawn with numpy.cos": ("""
        def plot_sin_and_derivative(path, device="cpu"):
            import matplotlib.pyplot as plt
            import numpy as np

            x = np.linspace(-6.0, 6.0, 100)
            figure, axes = plt.subplots()
            axes.plot(x, np.sin(x))
            axes.plot(x, np.cos(x))
            figure.savefig(path)
            return figure
        """, "numpy.cos (line"),
    "figure shown, never saved": ("""
        def plot_sin_and_derivative(path, device="cpu"):
            import matplotlib.pyplot as plt

            x = torch.linspace(-6.0, 6.0, 100, device=device, requires_grad=True)
            derivative = sin_derivative(x)
            figure, axes = plt.subplots()
            axes.plot(x.detach().cpu().numpy(), torch.sin(x).detach().cpu().numpy())
            axes.plot(x.detach().cpu().numpy(), derivative.cpu().numpy())
            plt.show()
            return figure
        """, "no complete PNG image"),
    "saved somewhere else": ("""
        def plot_sin_and_derivative(path, device="cpu"):
            import matplotlib.pyplot as plt

            x = torch.linspace(-6.0, 6.0, 100, device=device, requires_grad=True)
            derivative = sin_derivative(x)
            figure, axes = plt.subplots()
            axes.plot(x.detach().cpu().numpy(), torch.sin(x).detach().cpu().numpy())
            axes.plot(x.detach().cpu().numpy(), derivative.cpu().numpy())
            figure.savefig("plot.png")
            return figure
        """, "no complete PNG image"),
    "derivative drawn first, then sin": ("""
        def plot_sin_and_derivative(path, device="cpu"):
            import matplotlib.pyplot as plt

            x = torch.linspace(-6.0, 6.0, 100, device=device, requires_grad=True)
            derivative = sin_derivative(x)
            figure, axes = plt.subplots()
            axes.plot(x.detach().cpu().numpy(), derivative.cpu().numpy())
            axes.plot(x.detach().cpu().numpy(), torch.sin(x).detach().cpu().numpy())
            figure.savefig(path)
            return figure
        """, "the first line on the axes is cos(x), but sin(x) is line 2 of the 2 drawn"),
    "zero line drawn first": ("""
        def plot_sin_and_derivative(path, device="cpu"):
            import matplotlib.pyplot as plt

            x = torch.linspace(-6.0, 6.0, 100, device=device, requires_grad=True)
            derivative = sin_derivative(x)
            figure, axes = plt.subplots()
            axes.axhline(0.0)
            axes.plot(x.detach().cpu().numpy(), torch.sin(x).detach().cpu().numpy())
            axes.plot(x.detach().cpu().numpy(), derivative.cpu().numpy())
            figure.savefig(path)
            return figure
        """, "the first line on the axes is a line at 2 different x value(s), but sin(x) is line 2 of the 3"),
    "zero line between the curves": ("""
        def plot_sin_and_derivative(path, device="cpu"):
            import matplotlib.pyplot as plt

            x = torch.linspace(-6.0, 6.0, 100, device=device, requires_grad=True)
            derivative = sin_derivative(x)
            figure, axes = plt.subplots()
            axes.plot(x.detach().cpu().numpy(), torch.sin(x).detach().cpu().numpy())
            axes.axhline(0.0)
            axes.plot(x.detach().cpu().numpy(), derivative.cpu().numpy())
            figure.savefig(path)
            return figure
        """, "the second line on the axes is a line at 2 different x value(s), but the derivative, cos(x), is line 3"),
    "two axes": ("""
        def plot_sin_and_derivative(path, device="cpu"):
            import matplotlib.pyplot as plt

            x = torch.linspace(-6.0, 6.0, 100, device=device, requires_grad=True)
            derivative = sin_derivative(x)
            figure, (top, bottom) = plt.subplots(2)
            top.plot(x.detach().cpu().numpy(), torch.sin(x).detach().cpu().numpy())
            bottom.plot(x.detach().cpu().numpy(), derivative.cpu().numpy())
            figure.savefig(path)
            return figure
        """, "the figure has 2 axes"),
    "axes returned instead of the figure": ("""
        def plot_sin_and_derivative(path, device="cpu"):
            import matplotlib.pyplot as plt

            x = torch.linspace(-6.0, 6.0, 100, device=device, requires_grad=True)
            derivative = sin_derivative(x)
            figure, axes = plt.subplots()
            axes.plot(x.detach().cpu().numpy(), torch.sin(x).detach().cpu().numpy())
            axes.plot(x.detach().cpu().numpy(), derivative.cpu().numpy())
            figure.savefig(path)
            return axes
        """, "return the matplotlib Figure"),
    "five points": ("""
        def plot_sin_and_derivative(path, device="cpu"):
            import matplotlib.pyplot as plt

            x = torch.linspace(-6.0, 6.0, 5, device=device, requires_grad=True)
            derivative = sin_derivative(x)
            figure, axes = plt.subplots()
            axes.plot(x.detach().cpu().numpy(), torch.sin(x).detach().cpu().numpy())
            axes.plot(x.detach().cpu().numpy(), derivative.cpu().numpy())
            figure.savefig(path)
            return figure
        """, "the first curve is drawn at 5 different x value(s)"),
    "one point 200 times": ("""
        def plot_sin_and_derivative(path, device="cpu"):
            import matplotlib.pyplot as plt

            x = torch.full((200,), 1.5, device=device, requires_grad=True)
            derivative = sin_derivative(x)
            figure, axes = plt.subplots()
            axes.plot(x.detach().cpu().numpy(), torch.sin(x).detach().cpu().numpy())
            axes.plot(x.detach().cpu().numpy(), derivative.cpu().numpy())
            figure.savefig(path)
            return figure
        """, "the first curve is drawn at 1 different x value(s)"),
}


#: mistake -> plot function that draws the right figure on the CPU but computes it elsewhere than
#: on the device it is given: only the device check, on the meta device, can catch these
DEVICE_MISTAKES = {
    "device ignored": """
        def plot_sin_and_derivative(path, device="cpu"):
            import matplotlib.pyplot as plt

            x = torch.linspace(-6.0, 6.0, 100, requires_grad=True)
            derivative = sin_derivative(x)
            figure, axes = plt.subplots()
            axes.plot(x.detach().numpy(), torch.sin(x).detach().numpy())
            axes.plot(x.detach().numpy(), derivative.numpy())
            figure.savefig(path)
            return figure
        """,
    "moved to device after requires_grad": """
        def plot_sin_and_derivative(path, device="cpu"):
            import matplotlib.pyplot as plt

            x = torch.linspace(-6.0, 6.0, 100, requires_grad=True).to(device)
            derivative = sin_derivative(x)
            figure, axes = plt.subplots()
            axes.plot(x.detach().cpu().numpy(), torch.sin(x).detach().cpu().numpy())
            axes.plot(x.detach().cpu().numpy(), derivative.cpu().numpy())
            figure.savefig(path)
            return figure
        """,
}


def with_plot(tmp_path, plot_source: str) -> Path:
    """The reference solution with its plot function replaced by ``plot_source``."""
    solution = SOLUTION.read_text(encoding="utf-8")
    module = tmp_path / "k12_sin_without_cos.py"
    module.write_text(solution[:solution.index("def plot_sin_and_derivative")]
                      + textwrap.dedent(plot_source), encoding="utf-8")
    return module


def check_named(result: dict, start: str) -> dict:
    return next(c for c in result["checks"] if c["name"].startswith(start))


def plot_check(result: dict) -> dict:
    return check_named(result, "test_plot_shows")


def derivative_checks(result: dict) -> list[str]:
    """The statuses of the checks of sin_derivative alone."""
    return [c["status"] for c in result["checks"]
            if c["name"].startswith(("test_derivative", "test_cos", "test_calls_in_a_row"))]


@pytest.mark.parametrize("mistake", PLOT_MISTAKES)
def test_plot_mistake_fails_the_plot_check(run_kata, tmp_path, mistake):
    plot_source, words = PLOT_MISTAKES[mistake]
    result = run_kata("k12", with_plot(tmp_path, plot_source))
    assert result["status"] == "failed", result
    check = plot_check(result)
    assert check["status"] == "failed" and words in check["message"], check
    assert derivative_checks(result) == ["passed"] * 3


@pytest.mark.parametrize("mistake", DEVICE_MISTAKES)
def test_a_plot_computed_off_its_device_fails_the_device_check_alone(run_kata, tmp_path, mistake):
    result = run_kata("k12", with_plot(tmp_path, DEVICE_MISTAKES[mistake]))
    check = check_named(result, "test_plot_is_computed_on_the_device")
    assert check["status"] == "failed", check
    assert "backward() computed the gradient of a grid made on cpu, not on the device it was given" in check["message"]
    assert [c["status"] for c in result["checks"] if c is not check] == ["passed"] * 5


def run_without_matplotlib(pytester, monkeypatch, target: Path) -> dict:
    """k12's checks on ``target`` in a run where this process cannot import matplotlib."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # what `import matplotlib` meets when it is absent
    report = pytester.path / "report.json"
    pytester.runpytest_inprocess(str(checks_file("k12")), f"--kata-target={target}", f"--kata-report={report}",
                                 "--kata-lang=en", "-p", "no:cacheprovider")
    return next(k for k in json.loads(report.read_text(encoding="utf-8"))["katas"] if k["id"] == "k12")


def test_without_matplotlib_k12_is_not_done_and_says_why(pytester, monkeypatch):
    result = run_without_matplotlib(pytester, monkeypatch, SOLUTIONS)
    assert result["status"] == "failed", result
    plot_checks = [c for c in result["checks"] if c["name"].startswith("test_plot")]
    assert len(plot_checks) == 2
    for check in plot_checks:
        assert check["status"] == "failed"
        assert "matplotlib is not installed" in check["message"] and "pip install matplotlib" in check["message"]
    assert derivative_checks(result) == ["passed"] * 3


def test_without_matplotlib_an_untouched_stub_is_still_not_started(pytester, monkeypatch):
    result = run_without_matplotlib(pytester, monkeypatch, KATAS)
    assert result["status"] == NOT_STARTED, result
    assert {c["status"] for c in result["checks"]} == {NOT_STARTED}


def test_cos_spies_live_in_the_learner_process(run_kata):
    originals = (torch.cos, torch.cos_, torch.Tensor.cos, torch.Tensor.cos_, math.cos, numpy.cos)
    # numpy.cos is called inside the watched calls, and the checks fail from there.
    result = run_kata("k12", CORPUS / "checks_against_numpy_cos.py")
    assert result["status"] == "failed"
    messages = [c["message"] for c in result["checks"] if c["status"] == "failed"]
    assert messages and all("numpy.cos (line 8)" in m for m in messages), messages
    assert (torch.cos, torch.cos_, torch.Tensor.cos, torch.Tensor.cos_, math.cos, numpy.cos) == originals
