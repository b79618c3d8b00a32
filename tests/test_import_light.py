"""pytest loads the plugin on every run in an environment where it is installed: loading it,
the package and the command line must not import torch, Hypothesis or NumPy (seconds of
start-up for a project that never runs a kata)."""
from __future__ import annotations

import ast
import subprocess
import sys

import pytest

HEAVY = ("torch", "hypothesis", "numpy")


def test_importing_the_package_plugin_and_command_loads_nothing_heavy() -> None:
    code = ("import sys, pytest_autograd_kata, pytest_autograd_kata.plugin, pytest_autograd_kata.cli\n"
            "pytest_autograd_kata.cli.build_parser()\n"
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_collecting_an_unrelated_project_loads_nothing_heavy(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_plain="def test_one():\n    assert 1 + 1 == 2\n")
    pytester.makeconftest(
        "import sys\n\n"
        "def pytest_unconfigure(config):\n"
        f"    print('heavy:', sorted(m for m in {HEAVY!r} if m in sys.modules))\n")
    # Hypothesis's own pytest plugin imports hypothesis at the end of every run: leave it out to
    # see what this plugin loads.
    result = pytester.runpytest_subprocess("--co", "-p", "no:cacheprovider", "-p", "no:hypothesispytest")
    assert "autograd-kata:" in result.stdout.str()  # the plugin was loaded
    result.stdout.fnmatch_lines(["*<Module test_plain.py>", "heavy: []"])


def test_a_grader_starts_its_zygote_before_loading_pytest_or_anything_heavy(tmp_path) -> None:
    """The zygote's torch import is the cold grade's first wait: the grader starts it before it
    loads anything of its own that takes time (its workers, not the grader, run pytest)."""
    (tmp_path / "alice").mkdir()
    code = ("import sys\n"
            "from pytest_autograd_kata.runner import client\n"
            "def start(self):\n"
            f"    print(sorted(m for m in {(*HEAVY, 'pytest')!r} if m in sys.modules))\n"
            "    raise SystemExit(0)\n"
            "client.Runner.start = start\n"
            "from pytest_autograd_kata.cli import main\n"
            f"main(['grade', {str(tmp_path / 'alice')!r}, '--out', {str(tmp_path / 'out')!r}, '--no-sandbox'])\n")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_a_grader_imports_the_charts_library_only_once_its_zygote_is_started(tmp_path) -> None:
    """The grader's thread that imports matplotlib for the class chart (0.6 to 0.9 s of CPU) would
    hold back the zygote's start, and numpy, which it imports, is what the test above forbids
    before it: the thread is begun once the zygote is started, and begun in every grade."""
    (tmp_path / "alice").mkdir()
    code = ("from pytest_autograd_kata.grading import class_summary\n"
            "from pytest_autograd_kata.runner import client\n"
            "events = []\n"
            "begin = class_summary.import_chart_library_meanwhile\n"
            "class_summary.import_chart_library_meanwhile = lambda: (events.append('chart'), begin())\n"
            "start = client.Runner.start\n"
            "client.Runner.start = lambda self: (events.append('zygote'), start(self))[1]\n"
            "from pytest_autograd_kata.cli import main\n"
            f"main(['grade', {str(tmp_path / 'alice')!r}, '--out', {str(tmp_path / 'out')!r}, '--no-sandbox',"
            " '--katas', 'k01', '--jobs', '1'])\n"  # the order is the same for a class of any size
            "print(events)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    events = ast.literal_eval(done.stdout.strip().splitlines()[-1])
    # (Runner.start is called again on the way, for each worker's branch: a no-op once the zygote runs)
    assert events[0] == "zygote" and events.count("chart") == 1
