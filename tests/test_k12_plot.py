"""k12's plot check with and without matplotlib, and its cos spies, which must never outlive a check."""
from __future__ import annotations

import math
import sys
import textwrap
from pathlib import Path

import numpy
import pytest
import torch

from conftest import SOLUTIONS, checks_file

SOLUTION = SOLUTIONS / "k12_sin_without_cos.py"
CORPUS = Path(__file__).with_name("corpus") / "k12"

#: mistake -> (plot function, words its failure message must contain). sin_derivative stays the
#: reference one, so only the plot check can catch these; they fail only where matplotlib is installed,
#: which is why they live here and not in tests/corpus/k12.
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
        """, "no PNG image"),
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
        """, "first curve is not what it should be"),
}


def with_plot(tmp_path, plot_source: str):
    """The reference solution with its plot function replaced by ``plot_source``."""
    solution = SOLUTION.read_text(encoding="utf-8")
    module = tmp_path / "k12_sin_without_cos.py"
    module.write_text(solution[:solution.index("def plot_sin_and_derivative")]
                      + textwrap.dedent(plot_source), encoding="utf-8")
    return module


def test_plot_check_is_skipped_with_a_reason_without_matplotlib(pytester, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # what `import matplotlib` meets when it is absent
    result = pytester.runpytest_inprocess(str(checks_file("k12")), f"--kata-target={SOLUTIONS}",
                                          "--kata-lang=en", "-p", "no:cacheprovider", "-rs")
    result.assert_outcomes(passed=2, skipped=1)
    result.stdout.fnmatch_lines(["*matplotlib is not installed, so the plot is not checked*"])


@pytest.mark.parametrize("mistake", PLOT_MISTAKES)
def test_plot_mistake_fails_the_plot_check(run_kata, tmp_path, mistake):
    pytest.importorskip("matplotlib")
    plot_source, words = PLOT_MISTAKES[mistake]
    result = run_kata("k12", with_plot(tmp_path, plot_source), "-k", "plot")
    assert result["status"] == "failed", result
    assert words in result["checks"][0]["message"]


def test_cos_spies_are_gone_after_a_check_fails_inside_them(run_kata):
    originals = (torch.cos, torch.cos_, math.cos, numpy.cos)
    # y.backward() raises inside the watched call, and the check fails from there.
    result = run_kata("k12", CORPUS / "backward_on_non_scalar.py")
    assert result["status"] == "failed"
    assert (torch.cos, torch.cos_, math.cos, numpy.cos) == originals
    assert "cos" not in vars(torch.Tensor) and "cos_" not in vars(torch.Tensor)
