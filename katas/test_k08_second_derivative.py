"""Checks for k08 · second derivatives (二阶导数)."""
import math
from functools import partial

import pytest
import torch
from hypothesis import assume, example, given, settings, strategies as st

from pytest_autograd_kata import (Text, NEW_VALUES, assert_gradcheck, assert_gradgradcheck, assert_is_tensor,
                                  assert_tensor_close, called_before, calls_so_far, fail, later_call,
                                  one_minus_half, strategies as kst, writing)

pytestmark = pytest.mark.kata("k08")

#: name -> (f as the learner's process is handed it, its first and second derivatives computed
#: here on the check's own x, element by element). Functions the learner's process can resolve:
#: torch's own, or a partial of one.
FUNCTIONS = {
    "x³": (partial(torch.pow, exponent=3), lambda t: 3 * t ** 2, lambda t: 6 * t),
    "sin x": (torch.sin, torch.cos, lambda t: -torch.sin(t)),
    "tanh x": (torch.tanh, lambda t: 1 - torch.tanh(t) ** 2,
               lambda t: -2 * torch.tanh(t) * (1 - torch.tanh(t) ** 2)),
}
# Which function is drawn, so a derivative written by hand for one of them fails on the others.
functions = st.sampled_from(sorted(FUNCTIONS))
# Shapes up to 3-D (vectors, matrices, 3-D tensors, as the statement says): f acts element by
# element, and the learner must handle more than one element. Values within the toolkit's
# default ±100: x³ stays below 1e6, far from overflow. float32 and float64, so the comparison's
# tolerance follows the dtype.
inputs = st.one_of([kst.tensors(dtype=dtype) for dtype in (torch.float32, torch.float64)])
# gradcheck and gradgradcheck perturb one element at a time, in float64: 1 to 3 elements (in
# up to 3 dimensions) keep them fast, and elementwise mathematics needs no more.
small_inputs = kst.tensors(kst.shapes(max_side=3).filter(lambda shape: math.prod(shape) <= 3),
                           dtype=torch.float64)

LEAVE_X_GRAD = Text("use torch.autograd.grad, which returns the derivative; backward() adds it into x.grad instead.",
                    "请使用 torch.autograd.grad，它直接返回导数；backward() 则会把导数累加到 x.grad 中。")
#: What torch says when asked for the gradient of a tensor with more than one element.
NOT_A_SCALAR = "only for scalar outputs"
#: What torch says when asked for the gradient with respect to a tensor the output was not computed from.
NOT_USED = "appears to not have been used"
#: What torch says when asked to differentiate a tensor that carries no graph.
NO_GRAPH = "does not require grad and does not have a grad_fn"

#: Shapes the statement names, in every profile: a matrix and a 3-D tensor, where a reduction
#: other than the sum (a mean) or a derivative taken per row shows.
SHAPED = [("sin x", torch.linspace(-3, 3, 6).reshape(2, 3)),
          ("x³", torch.linspace(-2, 2, 12, dtype=torch.float64).reshape(2, 3, 2))]


def with_named_shapes(test):
    for name, x in SHAPED:
        test = example(name=name, x=x)(test)
    return test


def learner_x(kata, x: torch.Tensor, device: str):
    """The learner's own copy of the check's x, recording gradients; float64 is skipped on MPS."""
    assume(x.dtype != torch.float64 or device != "mps")  # MPS has no float64
    return kata.tensor(x.to(device), requires_grad=True)


def derivative(kata, which: str, f, x, nudge: Text | None = None, name: str | None = None, answer=None):
    """The learner's ``first_derivative`` or ``second_derivative`` of ``f`` at the learner's ``x``:
    a tensor of x's shape, dtype and device, with x.grad left alone. ``answer()`` gives what that
    call returned (or raises what it raised) where a run of calls made it already."""
    __tracebackhide__ = True
    name = name or f"{which}(f, x)"
    try:
        result = answer() if answer else getattr(kata, which)(f, x)
    except RuntimeError as err:
        if NOT_USED in str(err):
            fail(Text(f"{name} raised RuntimeError: “{NOT_USED} in the graph”. That is torch saying that what it "
                      "was asked to differentiate was not computed from this x: from a copy of x, or from another "
                      "x, by an earlier call." + (f" {nudge.en}" if nudge else ""),
                      f"{name} 抛出了 RuntimeError：“{NOT_USED} in the graph”。这是 torch 在说：要求它求导的张量"
                      "不是由这个 x 计算出来的——而是由 x 的拷贝，或者由之前某次调用的另一个 x 算出来的。"
                      + (nudge.zh if nudge else "")), name=name)
        if NOT_A_SCALAR in str(err):
            fail(Text(f"{name} raised: torch.autograd.grad was given a tensor with one element per "
                      "element of x, not a scalar. f works element by element, so the gradient of the sum "
                      "holds every element's derivative.",
                      f"{name} 报错：传给 torch.autograd.grad 的是一个与 x 元素一一对应的张量，而不是标量。"
                      "f 是逐元素的，所以对它的和求梯度就得到每个元素的导数。"), name=name)
        if NO_GRAPH in str(err):
            fail(Text(f"{name} raised RuntimeError: “element 0 of tensors {NO_GRAPH}”. That is torch "
                      "saying that the tensor it was asked to differentiate carries no graph: autograd did "
                      "not record how the first derivative was computed, so there is nothing to "
                      "differentiate a second time.",
                      f"{name} 抛出了 RuntimeError：“element 0 of tensors {NO_GRAPH}”。这是 torch 在说："
                      "要求它求导的张量没有计算图——自动求导没有记录一阶导数是如何算出来的，所以没有东西可以再求一次导。"),
                 name=name)
        raise
    assert_is_tensor(result, name=name, shape=x.shape, dtype=x.dtype, device=x.device)
    if x.passes or x.grad is not None:
        fail(Text(f"{name} wrote into x.grad: " + LEAVE_X_GRAD.en, f"{name} 写入了 x.grad：" + LEAVE_X_GRAD.zh),
             name="x.grad")
    return result


def assert_recorded(dy_dx) -> None:
    """The first derivative carries the graph of how it was computed."""
    __tracebackhide__ = True
    if dy_dx.grad_fn is None:
        fail(Text("first_derivative(f, x) has no grad_fn: autograd did not record how the derivative "
                  "was computed, so it cannot be differentiated again. Ask torch.autograd.grad to "
                  "build a graph of the backward pass.",
                  "first_derivative(f, x) 没有 grad_fn：自动求导没有记录这个导数是如何计算的，因此无法再次求导。"
                  "请让 torch.autograd.grad 为反向传播也建立计算图。"), name="first_derivative(f, x)")


@with_named_shapes
@given(name=functions, x=inputs)
def test_first_derivative_carries_a_graph(kata, device, name, x):
    f, f_prime, _ = FUNCTIONS[name]
    dy_dx = derivative(kata, "first_derivative", f, learner_x(kata, x, device))
    assert_tensor_close(dy_dx, f_prime(x.to(device)), name="first_derivative(f, x)",
                        expected_words=Text(f"dy/dx for y = {name}, element by element",
                                            f"y = {name} 的 dy/dx，逐元素"))
    assert_recorded(dy_dx)


@with_named_shapes
@given(name=functions, x=inputs)
def test_second_derivative_matches_the_formula(kata, device, name, x):
    f, _, f_second = FUNCTIONS[name]
    d2y_dx2 = derivative(kata, "second_derivative", f, learner_x(kata, x, device))
    assert_tensor_close(d2y_dx2, f_second(x.to(device)), name="second_derivative(f, x)",
                        expected_words=Text(f"d²y/dx² for y = {name}, element by element",
                                            f"y = {name} 的 d²y/dx²，逐元素"),
                        nudge=Text("the second derivative is the derivative of the first derivative: autograd "
                                   "takes it, element by element, for whichever f it is given.",
                                   "二阶导数是一阶导数的导数：无论给的是哪个 f，都由自动求导逐元素求出。"))


# Each example costs gradcheck's and gradgradcheck's hundred-odd calls into the learner's
# process; a few examples over the three functions suffice, since the checks above already
# compare both derivatives with their formulas on every drawn input. A fixed number keeps
# this check within its time limit in every profile (kata-ci would otherwise run 200).
@settings(max_examples=8)
@given(name=functions, x=small_inputs)
def test_first_derivative_is_differentiable_in_float64(kata, device, name, x):
    if device == "mps":
        pytest.skip("MPS has no float64, which gradcheck's finite differences need")
    f = FUNCTIONS[name][0]
    x = x.to(device)
    # gradcheck treats an output that records nothing as a constant, and passes wherever the
    # derivative happens to be 0 (x = 0 for x³): rule that out first.
    assert_recorded(derivative(kata, "first_derivative", f, kata.tensor(x, requires_grad=True)))
    first = partial(kata.first_derivative, f)
    nudge = Text("compute the first derivative with torch.autograd.grad from y = f(x) itself, and "
                 "return it as autograd gave it (no detach, no formula of your own).",
                 "请用 torch.autograd.grad 直接从 y = f(x) 求一阶导数，并原样返回自动求导给出的结果"
                 "（不要 detach，也不要自己写公式）。")
    # gradcheck: autograd's derivative of the learner's first derivative (the second
    # derivative) against finite differences; gradgradcheck: the same one order higher.
    # Both run here, on values and derivatives the learner's process computes on its own graph,
    # and neither relies on a known formula.
    assert_gradcheck(first, (x,), name="first_derivative(f, x)", nudge=nudge)
    assert_gradgradcheck(first, (x,), name="first_derivative(f, x)", nudge=nudge)


LATER_CALL = later_call(Text("its own f and x", "它自己的 f 和 x"))
#: The calls, in order: f's first derivative at x, then g's and f's second derivatives and g's
#: first at the same x, f's second and g's first derivative at x2 (another tensor with x's
#: values), then f's first and second derivatives at x again, the same calls with the very same
#: f and x, after new values were written into x in place (as a training step leaves it).
SEQUENCE = (("first_derivative", "f", "x"), ("second_derivative", "g", "x"), ("second_derivative", "f", "x"),
            ("first_derivative", "g", "x"), ("second_derivative", "f", "x2"), ("first_derivative", "g", "x2"),
            (NEW_VALUES, "", "x"), ("first_derivative", "f", "x"), ("second_derivative", "f", "x"))
#: f is one of torch's own functions, which the learner's process gets as the same object at
#: every call (a partial is rebuilt for each), so a cache keyed by f and x would find it again.
SAME_OBJECT_FUNCTIONS = st.sampled_from(["sin x", "tanh x"])


def cast(names: dict[str, str]) -> Text:
    return Text(f"f is {names['f']}, g is {names['g']} and x2 another tensor with x's values",
                f"f 是 {names['f']}，g 是 {names['g']}，x2 是与 x 值相同的另一个张量")


@example(f_name="sin x", g_name="x³", x=SHAPED[0][1])
@example(f_name="tanh x", g_name="sin x", x=SHAPED[1][1])
@given(f_name=SAME_OBJECT_FUNCTIONS, g_name=functions, x=inputs)
def test_calls_in_a_row_each_answer_for_their_own_f_and_x(kata, device, f_name, g_name, x):
    assume(f_name != g_name)
    names = {"f": f_name, "g": g_name}
    values = {"x": x.to(device), "x2": x.to(device)}
    learner = {name: learner_x(kata, value, device) for name, value in values.items()}
    run = kata.in_a_row(writing(learner[who], one_minus_half(values[who])) if function == NEW_VALUES
                        else (getattr(kata, function), FUNCTIONS[names[f]][0], learner[who])
                        for function, f, who in SEQUENCE)
    for step, (function, f, who) in enumerate(SEQUENCE):
        if function == NEW_VALUES:
            next(run)
            values[who] = one_minus_half(values[who])
            continue
        said = calls_so_far(SEQUENCE[:step + 1], cast(names))
        nudge = LATER_CALL if called_before(SEQUENCE, step) else None
        forms = FUNCTIONS[names[f]]
        result = derivative(kata, function, forms[0], learner[who], nudge, name=f"{function}({f}, {who})",
                            answer=lambda: next(run))
        order, formula = (1, forms[1]) if function == "first_derivative" else (2, forms[2])
        assert_tensor_close(result, formula(values[who]), name=f"{function}({f}, {who})",
                            expected_words=Text(f"the {'first' if order == 1 else 'second'} derivative of "
                                                f"{names[f]} at {who} as it is then, {said.en}",
                                                f"{names[f]} 在调用时的 {who} 处的{'一' if order == 1 else '二'}阶导数，"
                                                f"{said.zh}"),
                            nudge=nudge)
        if order == 1:
            assert_recorded(result)
