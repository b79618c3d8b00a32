"""Checks for k07 · Python control flow (Python 控制流)."""
import functools

import numpy
import pytest
import torch
from hypothesis import assume, example, given, strategies as st

from pytest_autograd_kata import (Text, assert_grad_from_backward, assert_is_tensor, assert_tensor_close, fail,
                                  later_call, shown, shown_type, strategies as kst, writing)
from pytest_autograd_kata.remote import RemoteTensor, Returned

pytestmark = pytest.mark.kata("k07")

#: Largest |a| drawn. For |a| ≥ 500 the loop does not run and the 100·b branch gives
#: d = 200·a, so |d| ≤ 2e32 stays far below float32's overflow at 3.4e38: an infinite d would
#: make d / a meaningless. The range is wide so that large values, where rounding shows, are
#: drawn as well as small ones.
BOUND = 1e30
# Non-zero scalars (the book's torch.randn(size=())), in float32 and float64 so the tolerance
# must follow the dtype. Never 0: b.norm() would stay 0 and the book's loop would never end;
# at |a| ≥ 1e-3 (the toolkit's default floor) it ends within 20 doublings.
inputs = st.one_of([kst.nonzero_scalars(dtype=dtype, min_value=-BOUND, max_value=BOUND)
                    for dtype in (torch.float32, torch.float64)])

#: The lesson's value: float32 200·a needs 8 significant digits, so d and d / a are rounded.
LESSON_A = -167772.75
#: Inputs that separate the book's loop from a classic mistake, run in every profile (grading
#: included), each in both dtypes: b = 2·a reaches 1000 exactly, at once (±500) or after
#: doublings (±62.5), where `while b.norm() <= 1000` doubles once more than the book's `<`;
#: the sign picks the branch.
BOUNDARY = (500.0, -500.0, 62.5, -62.5)
#: b = 2·a = ±999.5, just below 1000: the book's loop doubles it once more, where a loop that
#: stops below some other bound (999) does not. With BOUNDARY, both sides of the bound are tried.
JUST_BELOW = (499.75, -499.75)
NAMED = [(LESSON_A, torch.float32)] + [(value, dtype) for value in BOUNDARY + JUST_BELOW
                                       for dtype in (torch.float32, torch.float64)]

#: "A tolerance that suits the dtype", as the statement defines it: torch.testing.assert_close's
#: defaults, |grad − d/a| ≤ atol + rtol·|d/a|, as (rtol, atol).
TOLERANCE = {torch.float32: (1.3e-6, 1e-5), torch.float64: (1e-7, 1e-7)}
#: Differences the statement promises are judged equal (within half the tolerance) and different
#: (twice the tolerance or more). Candidates are placed at 0.4 and 2.5 tolerances: rounding them
#: to float32 moves them by under 0.05 of a tolerance, so they stay on their side of the promise,
#: and any usual formula of the same tolerance (math.isclose's max(rel·max(|x|, |y|), abs) too)
#: gives the verdict the statement asks for.
INSIDE, OUTSIDE = 0.4, 2.5
#: Wrong gradients well beyond rounding, relative to d / a: 1 % and 50 % off on either side.
RELATIVE_ERRORS = (0.01, 0.5)


def with_named_inputs(test):
    """Runs ``test`` on every input the statement names or that tells a classic mistake apart."""
    for value, dtype in reversed(NAMED):
        test = example(a=torch.tensor(value, dtype=dtype))(test)
    return test


def factor_k(a: float) -> float:
    """The k in f(a) = k·a: b = a·2^m for the first m ≥ 1 with |b| ≥ 1000 (doubling is exact in
    floating point), times 100 when b is negative."""
    doubled = 2.0
    while abs(a) * doubled < 1000:
        doubled *= 2
    return doubled if a > 0 else 100 * doubled


def book_values(a: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The exact gradient k and d = k·a rounded once to a's dtype, as the book's f computes it,
    from the check's own a."""
    k = factor_k(a.item())
    return (torch.tensor(k, dtype=a.dtype, device=a.device),
            torch.tensor(k * a.item(), dtype=a.dtype, device=a.device))


def dtype_name(dtype: torch.dtype) -> str:
    return str(dtype).removeprefix("torch.")


def learner_scalar(kata, a: torch.Tensor, device: str):
    """The learner's own copy of the check's a, recording gradients; float64 is skipped on MPS."""
    assume(a.dtype != torch.float64 or device != "mps")  # MPS has no float64
    return kata.tensor(a.to(device), requires_grad=True)


def assert_d(d, a: torch.Tensor, expected_d: torch.Tensor, name: str) -> None:
    """d is a 0-dim tensor of a's dtype, equal to the book's f(a), recorded by autograd."""
    __tracebackhide__ = True
    assert_is_tensor(d, name=name, shape=(), dtype=a.dtype, device=a.device,
                     nudge=Text("f works with tensor operations on a, so d is a 0-dim tensor of a's dtype.",
                                "f 对 a 使用张量运算，所以 d 是与 a 数据类型相同的 0 维张量。"))
    assert_tensor_close(d, expected_d, name=name,
                        expected_words=Text("b = 2·a doubled while b.norm() < 1000, then b if b.sum() > 0, else 100·b",
                                            "b = 2·a，在 b.norm() < 1000 时不断翻倍，然后若 b.sum() > 0 取 b，否则取 100·b"),
                        nudge=Text("follow the book's f step by step: where b starts, when exactly the loop "
                                   "stops doubling it, and which branch a negative b takes.",
                                   "逐步对照书中的 f：b 从哪里开始，循环究竟在什么时候停止翻倍，b 为负时走哪个分支。"))
    if d.grad_fn is None:
        fail(Text(f"{name} has no grad_fn: autograd recorded nothing. Compute with tensor operations on a "
                  "(no .item(), no new tensors), outside torch.no_grad().",
                  f"{name} 没有 grad_fn：自动求导什么也没记录。请对 a 使用张量运算（不要 .item()，不要新建张量），"
                  "并且不要放在 torch.no_grad() 中。"), name=name)


@with_named_inputs
@given(a=inputs)
def test_f_follows_the_loop_and_the_branch(kata, device, a):
    learner_a = learner_scalar(kata, a, device)
    k, expected_d = book_values(a.to(device))
    # autograd.grad reads the graph f recorded without writing a.grad: dd/da must be k. It is
    # asked for in f's request, and read once d is found right.
    run = kata.in_a_row([(kata.f, learner_a),
                         (functools.partial(torch.autograd.grad, allow_unused=True), Returned(0), learner_a)])
    d = next(run)
    assert_d(d, learner_a, expected_d, "f(a)")
    (dd_da,) = next(run)
    if dd_da is None:
        fail(Text("f(a)'s graph does not lead back to a: d was not computed from a by recorded operations.",
                  "f(a) 的计算图没有连回 a：d 不是通过被记录的运算由 a 计算出来的。"), name="f(a)")
    assert_tensor_close(dd_da, k, name="df/da",
                        expected_words=Text("k, the factor the loop and the branch multiply a by",
                                            "k，即循环和分支让 a 乘上的系数"),
                        nudge=Text("every step from a to d must be a recorded tensor operation on a.",
                                   "从 a 到 d 的每一步都必须是被记录的、作用在 a 上的张量运算。"))


@with_named_inputs
@given(a=inputs)
def test_gradient_of_f_returns_a_grad_itself_and_d(kata, device, a):
    learner_a = learner_scalar(kata, a, device)
    k, expected_d = book_values(a.to(device))
    returned = kata.gradient_of_f(learner_a)
    if not isinstance(returned, tuple) or len(returned) != 2:
        fail(Text(f"gradient_of_f(a) returned {shown_type(returned)}; return the tuple (a.grad, d).",
                  f"gradient_of_f(a) 返回了 {shown_type(returned)}；请返回元组 (a.grad, d)。"),
             name="gradient_of_f(a)")
    grad, d = returned
    assert_grad_from_backward(
        learner_a, name="a.grad", passes=1,
        nudge=Text("compute d from the a you were given and run one backward pass of d: autograd fills a.grad.",
                   "用传进来的 a 计算 d，再对 d 执行一次反向传播：自动求导会填写 a.grad。"))
    if grad is not learner_a.grad:
        what = "a copy of it or a value computed another way" if isinstance(grad, RemoteTensor) \
            else f"a {shown_type(grad)}"
        what_zh = "它的拷贝或用别的方法算出的值" if isinstance(grad, RemoteTensor) else f"一个 {shown_type(grad)}"
        fail(Text(f"the first element gradient_of_f(a) returned is not a.grad itself but {what}. The kata "
                  "asks for the gradient autograd stored: return the tensor the backward pass left in a.grad.",
                  f"gradient_of_f(a) 返回的第一个元素不是 a.grad 本身，而是{what_zh}。"
                  "本题要的是自动求导存下的梯度：请返回反向传播留在 a.grad 中的那个张量。"),
             name="gradient_of_f(a)[0]")
    # k is exact in both dtypes: 100 and the powers of 2 multiply without rounding.
    assert_tensor_close(learner_a.grad, k, name="a.grad",
                        expected_words=Text("k = d / a (f(a) = k·a, so its derivative is k)",
                                            "k = d / a（f(a) = k·a，所以它的导数是 k）"))
    assert_d(d, learner_a, expected_d, "d")


def verdict(said) -> bool:
    """What agrees_with_d_over_a returned, as a Python bool; a one-element boolean tensor
    (torch.isclose) or NumPy value (numpy.isclose) counts too, as the statement says."""
    __tracebackhide__ = True
    if isinstance(said, RemoteTensor) and said.dtype == torch.bool and said.numel() == 1:
        return bool(said.item())
    if isinstance(said, (numpy.bool_, numpy.ndarray)) and said.dtype == numpy.bool_ and said.size == 1:
        return bool(said)
    if not isinstance(said, bool):
        fail(Text(f"agrees_with_d_over_a returned {shown_type(said)}; return True or False.",
                  f"agrees_with_d_over_a 返回了 {shown_type(said)}；请返回 True 或 False。"),
             name="agrees_with_d_over_a")
    return said


def tolerance(quotient: torch.Tensor) -> float:
    rtol, atol = TOLERANCE[quotient.dtype]
    return atol + rtol * abs(quotient.item())


def candidates(quotient: torch.Tensor) -> list[tuple[torch.Tensor, bool, Text]]:
    """(grad, whether it equals d / a by the statement, how far from d / a it is in words), on
    both sides of d / a: within half the tolerance, and at several distances beyond it."""
    q, tol = quotient.item(), tolerance(quotient)
    found = []
    for side in (1, -1):
        placed = [(q + side * INSIDE * tol, True), (q + side * OUTSIDE * tol, False)]
        placed += [(q * (1 + side * error), False) for error in RELATIVE_ERRORS]
        for value, equal in placed:
            grad = torch.tensor(value, dtype=quotient.dtype, device=quotient.device)
            # Measured after rounding to the dtype: what the learner is given.
            off = abs(grad.double().item() - q)
            assert (off <= tol / 2) if equal else (off >= 2 * tol), (value, q, tol)
            found.append((grad, equal, Text(f"grad is {off / tol:.2g} tolerances from d / a ({off / abs(q):.2g} of its size)",
                                            f"grad 与 d / a 相差 {off / tol:.2g} 倍容差（为其大小的 {off / abs(q):.2g}）")))
    found.append((-quotient, False, Text("grad has the size of d / a but the opposite sign",
                                         "grad 与 d / a 大小相同，符号相反")))
    return found


@with_named_inputs
@given(a=inputs)
def test_agrees_tells_rounding_from_a_wrong_gradient(kata, device, a):
    assume(a.dtype != torch.float64 or device != "mps")  # MPS has no float64
    a = a.to(device)
    rtol, atol = TOLERANCE[a.dtype]
    dtype = dtype_name(a.dtype)
    # Every question of this example, for both signs, in one request: the learner's answers,
    # read in order; the first wrong one fails the check.
    questions = []
    for sign in (1, -1):  # the book's k is positive; the statement allows any sign
        k, d = (sign * value for value in book_values(a))
        quotient = d / a  # what the learner computes too: the same operation on the same values
        numbers = f"a = {shown(a)}, d = {shown(d)}, d / a = {shown(quotient)} ({dtype})"
        questions.append((k, d, True, None, numbers))
        questions += [(grad, d, equal, how_far, numbers) for grad, equal, how_far in candidates(quotient)]
    answers = kata.each(kata.agrees_with_d_over_a, [(grad, d, a) for grad, d, *_ in questions])
    for (grad, d, equal, how_far, numbers), said in zip(questions, answers):
        if verdict(said) == equal:
            continue
        if how_far is None:  # the exact gradient
            fail(Text(f"agrees_with_d_over_a said False for the exact gradient grad = {shown(grad)} and {numbers}: "
                      f"they differ by rounding only, well within the statement's tolerance for {dtype} "
                      f"(rtol={rtol:g}, atol={atol:g}). An exact comparison, or a tolerance tighter than the "
                      "dtype's, calls rounding a difference.",
                      f"对精确的梯度 grad = {shown(grad)} 和 {numbers}，agrees_with_d_over_a 返回了 False："
                      f"两者只差舍入误差，远在题目给 {dtype} 的容差（rtol={rtol:g}，atol={atol:g}）之内。"
                      "精确比较，或比数据类型的容差更严的容差，会把舍入误差当成差别。"),
                 name="agrees_with_d_over_a")
        if equal:
            said, why = "False", Text("values this close count as equal: the tolerance is there to absorb rounding.",
                                      "这么接近的值应当算作相等：容差正是用来容纳舍入误差的。")
        else:
            said, why = "True", Text("the tolerance absorbs rounding only, and this is a different gradient.",
                                     "容差只应容纳舍入误差，而这是一个不同的梯度。")
        fail(Text(f"agrees_with_d_over_a said {said} for grad = {shown(grad)} and {numbers}: {how_far.en}. "
                  f"The statement's tolerance for {dtype} is atol + rtol·|d / a| with rtol={rtol:g}, "
                  f"atol={atol:g}; {why.en}",
                  f"对 grad = {shown(grad)} 和 {numbers}，agrees_with_d_over_a 返回了 {said}：{how_far.zh}。"
                  f"题目给 {dtype} 的容差是 atol + rtol·|d / a|，其中 rtol={rtol:g}，atol={atol:g}；{why.zh}"),
             name="agrees_with_d_over_a")


def test_exact_equality_is_the_wrong_test(kata, device):
    a = torch.tensor(LESSON_A, device=device)
    grad, d = book_values(a)
    # The lesson itself, checked here so the message below can never lie: == says no.
    assert not torch.equal(grad, d / a)
    if not verdict(kata.agrees_with_d_over_a(grad, d, a)):
        fail(Text(f"agrees_with_d_over_a said False for the float32 a = {LESSON_A}: a.grad = {shown(grad)} "
                  f"is exact, d / a = {shown(d / a)} differs only by rounding (d = 200·a needs "
                  "8 significant digits, float32 keeps about 7). An exact comparison, or a tolerance "
                  "tighter than the dtype's, calls them different.",
                  f"对 float32 的 a = {LESSON_A}，agrees_with_d_over_a 返回了 False：a.grad = {shown(grad)} "
                  f"是精确的，d / a = {shown(d / a)} 只差在舍入上（d = 200·a 需要 8 位有效数字，"
                  "float32 只保存约 7 位）。精确比较，或比数据类型的容差更严的容差，都会把它们判为不同。"),
             name="agrees_with_d_over_a")


LATER_CALL = later_call(Text("its own arguments", "它自己的参数"))


@example(a=torch.tensor(LESSON_A), other=torch.tensor(62.5))
@example(a=torch.tensor(-500.0, dtype=torch.float64), other=torch.tensor(499.75, dtype=torch.float64))
@given(a=inputs, other=inputs)
def test_each_call_answers_for_its_arguments_as_they_are_then(kata, device, a, other):
    """Each function called twice on the very same tensors, with new values written into them in
    place in between (a.grad cleared to zeros for gradient_of_f, as the statement allows): a
    result kept from the first call (a cache keyed by the tensors) answers for the old values."""
    a = a.to(device)
    new = other.to(device=device, dtype=a.dtype)
    (k, d), (new_k, new_d) = book_values(a), book_values(new)
    for_f, for_gradient = learner_scalar(kata, a, device), learner_scalar(kata, a, device)
    # Plain tensors, as the statement gives them to agrees_with_d_over_a; grad first equal to d / a.
    grad, d_given, a_given = (kata.tensor(value) for value in (k, d, a))
    # One request; each answer is read with the state its call left.
    run = kata.in_a_row([(kata.f, for_f), writing(for_f, new), (kata.f, for_f),
                         (kata.gradient_of_f, for_gradient), writing(for_gradient, new, clear_grad=True),
                         (kata.gradient_of_f, for_gradient),
                         (kata.agrees_with_d_over_a, grad, d_given, a_given), writing(grad, -k),
                         (kata.agrees_with_d_over_a, grad, d_given, a_given)])
    assert_d(next(run), for_f, d, "f(a)")
    next(run)  # new values in for_f
    again = Text(f"f(a), called again on the same a after its value went from {shown(a)} to {shown(new)} in place",
                 f"在同一个 a 的值被就地从 {shown(a)} 改为 {shown(new)} 之后再次调用的 f(a)")
    assert_tensor_close(next(run), new_d, name="f(a)", expected_words=again, nudge=LATER_CALL)

    next(run), next(run)  # gradient_of_f(a), then new values in a and a.grad cleared
    returned = next(run)
    again = Text(f"gradient_of_f(a), called again on the same a after a.grad was cleared to zeros and a's value "
                 f"went from {shown(a)} to {shown(new)} in place",
                 f"在同一个 a 的 a.grad 被清零、它的值被就地从 {shown(a)} 改为 {shown(new)} 之后再次调用的 gradient_of_f(a)")
    if not isinstance(returned, tuple) or len(returned) != 2 or for_gradient.passes != 2:
        fail(Text(f"{again.en} did not run its own backward pass and return (a.grad, d). {LATER_CALL.en}",
                  f"{again.zh}没有执行它自己的反向传播并返回 (a.grad, d)。{LATER_CALL.zh}"), name="gradient_of_f(a)")
    assert_tensor_close(returned[1], new_d, name="d", expected_words=again, nudge=LATER_CALL)
    assert_tensor_close(for_gradient.grad, new_k, name="a.grad", expected_words=again, nudge=LATER_CALL)

    verdict(next(run))
    next(run)  # grad's value negated in place
    if verdict(next(run)):
        fail(Text(f"agrees_with_d_over_a(grad, d, a), called again on the same tensors after grad's value went from "
                  f"{shown(k)} to {shown(-k)} in place, returned True, though grad is now d / a with the opposite "
                  f"sign. {LATER_CALL.en}",
                  f"在同一组张量上、grad 的值被就地从 {shown(k)} 改为 {shown(-k)} 之后再次调用的 agrees_with_d_over_a"
                  f"(grad, d, a) 返回了 True，而此时 grad 与 d / a 符号相反。{LATER_CALL.zh}"),
             name="agrees_with_d_over_a")
