"""The trusted side's reading of a learner's file for code that reaches for the machinery
(pytest_autograd_kata.course.machinery): every way of forging evidence that the evidence issue
names is found, with its line and what it reaches for; no honest answer, in any style, is."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO
from pytest_autograd_kata.course.machinery import scan

#: attacks by class (issue 20): (source, what must be named among the findings)
ATTACKS = {
    # 1. claims edited: the runner's records reached and rewritten
    "pass counter reached through the hook the runner put on x": (
        "def backward_two_x_dot_x(x):\n    x.grad = 4 * x.detach()\n"
        "    for hook in x._post_accumulate_grad_hooks.values():\n        hook(x)\n",
        "._post_accumulate_grad_hooks"),
    "watch switched off through the runner's module": (
        "import sys\nsys.modules['pytest_autograd_kata.runner.learner'].Observation.report = lambda self: {}\n",
        "sys.modules"),
    "runner imported by name": ("import pytest_autograd_kata.runner.learner as l\n", "import pytest_autograd_kata.runner.learner"),
    "runner imported from a computed name": ("import importlib\nm = importlib.import_module('pytest_' + 'autograd_kata')\n",
                                             "import importlib"),
    "objects found through the garbage collector": ("import gc\nwatches = [o for o in gc.get_objects()]\n", "import gc"),
    "version counter forged through a private attribute": ("def f(y):\n    u = y.data\n    u._version\n    return u\n",
                                                           "._version"),
    "error built by hand with a traceback of its own making": (
        "import types\ndef second_backward_error(y):\n    tb = types.TracebackType(None, None, 0, 0)\n"
        "    return RuntimeError('Trying to backward through the graph a second time').with_traceback(tb)\n",
        "types.TracebackType"),
    "frame locals rewritten": ("import ctypes, sys\ndef make_x(n, device='cpu'):\n    f = sys._getframe(1)\n"
                               "    f.f_locals['expected'] = True\n", "sys._getframe"),
    "a tensor that answers for torch's functions": (
        "import torch\nclass Agreeable(torch.Tensor):\n    @classmethod\n"
        "    def __torch_function__(cls, func, types, args=(), kwargs=None):\n        return True\n",
        "def __torch_function__"),
    # 2. observation slipped past
    "backward run through the engine directly": (
        "import torch\ndef backward_square_by_sum(x):\n    y = (x * x).sum()\n"
        "    torch.autograd.Variable._execution_engine.run_backward((y,), (torch.ones(()),), False, False, (), True)\n",
        "torch.autograd.Variable._execution_engine"),
    "cos through torch's aten operators": ("import torch\ndef sin_derivative(x):\n    return torch.ops.aten.cos(x)\n",
                                           "torch.ops"),
    "cos through torch's private functions": ("import torch\ndef sin_derivative(x):\n    return torch._C._VariableFunctions.cos(x)\n",
                                              "torch._C"),
    "watch noticed through torch's private dispatch state": (
        "from torch.utils._python_dispatch import _get_current_dispatch_mode\n",
        "torch.utils._python_dispatch"),
    "a backward formula of its own": (
        "import torch\nclass Twice(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x):\n"
        "        return 2 * (x * x).sum()\n    @staticmethod\n    def backward(ctx, g):\n        return g * 4\n",
        "class Twice(torch.autograd.Function)"),
    # 3. judgement by name replaced
    "autograd.grad replaced": ("import torch\ntorch.autograd.grad = lambda *a, **k: (None,)\n", "torch.autograd.grad"),
    "a Tensor method replaced": ("from torch import Tensor\nTensor.backward = lambda self, *a, **k: None\n",
                                 "torch.Tensor.backward"),
    "a function replaced through setattr": ("import torch\nsetattr(torch, 'equal', lambda *a: True)\n", "setattr"),
    "math.cos hidden": ("import math\nmath.cos = math.sin\n", "math.cos"),
    # 4. the request as an answer key: the stack read
    "answers from the stack": ("import inspect\ndef agrees_with_d_over_a(grad, d, a):\n"
                               "    return inspect.stack()[3].frame.f_locals['equal']\n", "import inspect"),
    "answers from a frame's caller": ("import sys\ndef agrees_with_d_over_a(grad, d, a):\n"
                                      "    return sys._getframe(2).f_back.f_locals['equal']\n", "sys._getframe"),
    # code from strings and computed names, which hide any of the above
    "code from a string": ("exec('import g' + 'c')\n", "exec"),
    "code compiled from a string": ("code = compile('1', 'x', 'eval')\n", "compile"),
    "an attribute by a computed name": ("import torch\nf = getattr(torch, '_' + 'C')\n", "getattr(…, …)"),
    "a private attribute by name": ("import torch\nf = getattr(torch, '_C')\n", "getattr(…, '_C')"),
    "Python's own functions": ("import builtins\nbuiltins.print = None\n", "import builtins"),
    "the channel's file descriptors": ("import os\nos.write(3, b'{}')\n", "os.write"),
    "the process's own state": ("fds = open('/proc/self/maps').read()\n", "open('/proc/self/maps')"),
}

#: honest answers in styles the corpora may not have: none of them reaches for anything
HONEST = {
    "book style": "import torch\n\ndef backward_two_x_dot_x(x):\n    y = 2 * torch.dot(x, x)\n    y.backward()\n",
    "own class with private state": (
        "import torch\n\nclass Doubler:\n    def __init__(self):\n        self._factor = 2\n"
        "    def __call__(self, x):\n        return self._factor * x\n\ndef f(a):\n    return Doubler()(a)\n"),
    "getattr with a public literal name": "import torch\n\ndef f(x):\n    return getattr(x, 'grad')\n",
    "hasattr on a grad": "def f(x):\n    return hasattr(x, 'grad') and x.grad is not None\n",
    "os.path for the plot": ("import os\n\ndef plot(path):\n    os.makedirs(os.path.dirname(path), exist_ok=True)\n"
                             "    return os.path.join(path)\n"),
    "x.grad set to None (a mistake, not machinery)": "def clear(x):\n    x.grad = None\n",
    "requires_grad set as an attribute": "import torch\n\ndef make_x(n):\n    x = torch.arange(n * 1.0)\n    x.requires_grad = True\n    return x\n",
    "x.grad.data zeroed": "def clear(x):\n    x.grad.data.zero_()\n",
    "matplotlib settings": "import matplotlib\nmatplotlib.rcParams['figure.dpi'] = 80\nimport matplotlib.pyplot as plt\n",
    "type name for a message": "def name_of(x):\n    return type(x).__name__\n",
    "traceback printed while debugging": ("import traceback\n\ndef f(y):\n    try:\n        y.backward()\n"
                                          "    except RuntimeError as err:\n        traceback.print_exc()\n        return err\n"),
    "sys.float_info for a tolerance": "import sys\n\nEPS = sys.float_info.epsilon\n",
    "re.compile is not compile": "import re\nPATTERN = re.compile('x')\n",
    "torch.compile is not compile": "import torch\n\ndef f(x):\n    return x\n\ng = torch.compile\n",
    "numpy and math in k07's comparison": ("import math\nimport numpy as np\n\ndef agrees(g, d, a):\n"
                                          "    return bool(np.isclose(g, d / a)) and math.isfinite(float(g))\n"),
    "the learner's own other kata": "from k02_build_graph import two_x_dot_x\nfrom . import helpers\n",
    "a dataclass of results": "from dataclasses import dataclass\n\n@dataclass\nclass R:\n    first: object\n",
    "autograd's public graph hooks": ("import torch\n\ndef f(x):\n    y = x * x\n    y.register_hook(lambda g: g)\n"
                                      "    torch.autograd.backward(y.sum())\n"),
    "a syntax error is the checks' to report": "def f(:\n",
}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_each_attack_is_found_with_its_line_and_what_it_reaches_for(attack: str) -> None:
    source, named = ATTACKS[attack]
    found = scan(source)
    assert any(named in finding.what for finding in found), found
    assert all(finding.code == source.splitlines()[finding.line - 1].strip() for finding in found)


@pytest.mark.parametrize("style", sorted(HONEST))
def test_honest_code_in_any_style_is_not_found(style: str) -> None:
    assert scan(HONEST[style]) == []


@pytest.mark.parametrize("folder", ["solutions", "katas", "tests/right", "tests/corpus"])
def test_no_answer_of_the_course_reaches_for_anything(folder: str) -> None:
    # The stubs, the reference solutions, the right answers and the plausible wrong ones: a wrong
    # answer is a mistake to reject, never a reason for a teacher to review.
    files = [p for p in (REPO / folder).rglob("*.py") if not p.name.startswith("test_")]
    assert files
    assert {str(p.relative_to(REPO)): scan(p.read_text(encoding="utf-8")) for p in files
            if scan(p.read_text(encoding="utf-8"))} == {}
