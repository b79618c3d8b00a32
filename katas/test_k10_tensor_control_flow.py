"""Checks for k10 · control flow with a vector or matrix a (向量/矩阵输入的控制流)."""
import pytest
import torch
from hypothesis import example, given

from pytest_autograd_kata import (Text, CLEARED_AND_NEW_VALUES, assert_grad_from_backward, assert_is_tensor,
                                  assert_tensor_close, called_before, calls_so_far, fail, later_call,
                                  steps_of, strategies as kst, which_call)

pytestmark = pytest.mark.kata("k10")

# Vectors, matrices and 3-D tensors (sides 1..5), float32 like torch.randn. Every entry is at
# least 1e-3 from zero: an all-zero a would keep the book's while loop doubling forever; with
# |a| ≥ 1e-3 it ends within 20 doublings. Entries stay within ±100 (the toolkit's default), so
# even 100·b (|b| < 2000 after the loop) is far from float32 overflow.
inputs = kst.tensors(shape=kst.shapes(min_dims=1, max_dims=3), nonzero=True)

NOT_A_SCALAR = "only for scalar outputs"

# Inputs that tell a right answer from a classic mistake, tried in every profile:
#: b = 2·a has norm exactly 1000 (600² + 800² = 1000²): the loop must stop (`<`, not `<=`).
NORM_REACHES_1000 = torch.tensor([300.0, 400.0])
#: b doubles to exactly 1000 (62.5 → 125 → … → 1000): the same boundary for a 1-element a.
DOUBLES_TO_1000 = torch.tensor([62.5])
#: b ends at [-346.6, 686.8, -638.9], whose norm as torch computes it in float32 (the book's b.norm())
#: is exactly 1000, where float64 gives 999.99998: the loop stops. A loop that tests the norm in float64
#: (b.double().norm(), math.sqrt, np.linalg.norm) or squared (b.pow(2).sum() < 1000**2), or as
#: torch.sqrt((b * b).sum()), doubles once more. Found by a search over random float32 directions of
#: norm 1000, nudged by a few units in the last place, that kept those where some such test disagrees.
NORM_1000_IN_FLOAT32 = torch.tensor([-21.665407180786133, 42.92316818237305, -39.93070983886719])
#: b ends with b.sum() exactly 0 as torch sums float32 (the book's b.sum()), where float64 gives
#: 2.4e-5, and NumPy's float32 sum, Python's sum() of the entries or b.sum(-1).sum() sum in another
#: order and give other signs: the book takes the 100·b branch. Found by the same kind of search, over
#: float32 matrices whose last entry cancels the torch sum of the others.
SUM_0_IN_FLOAT32 = torch.tensor([[13.795793533325195, -53.61343002319336, -0.022095102816820145],
                                 [22.716720581054688, 35.02874755859375, -17.90573501586914]])
#: b = 2·a has norm 999.5, just below 1000: the loop doubles it once more (the other side of the bound).
JUST_BELOW_1000 = torch.tensor([499.75])
#: a itself has norm 1000, so b = 2·a is past the bound before the loop: the loop never runs, and
#: b must start at 2·a (starting from a, or a / 2, gives the same b whenever the loop runs).
LOOP_NEVER_RUNS = torch.tensor([600.0, 800.0])
#: b.sum() is exactly 0: the book's `if b.sum() > 0` takes the 100·b branch (`>`, not `>=`).
SUM_IS_ZERO = torch.tensor([[1.0, -1.0], [2.0, -2.0]])
#: after the loop b = [1000.25, -1000], whose sum 0.25 is just above 0: the book takes the b branch.
SUM_JUST_ABOVE_ZERO = torch.tensor([250.0625, -250.0])
#: entries of very different sizes: a loop decided entry by entry doubles each a different
#: number of times, so every entry gets its own k.
MIXED_SIZES = torch.tensor([[0.001, 50.0, -3.0], [7.0, -0.25, 90.0]])
#: the 100·b branch rounds d, so the book's exact a.grad == d / a misses by one unit in the last
#: place here (a.grad = 1638400, d / a = 1638399.875): an answer that asserts it raises.
ROUNDED_BRANCH = torch.tensor([-0.09])
#: a 3-D a with a negative sum: the 100·b branch, on a shape beyond vectors and matrices.
NEGATIVE_3D = -torch.arange(1.0, 9.0).reshape(2, 2, 2)


def book_f(a: torch.Tensor) -> torch.Tensor:
    """The specification: the book's f, with the whole tensor deciding the loop and the branch."""
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    return b if b.sum() > 0 else 100 * b


def book_grad(a: torch.Tensor) -> torch.Tensor:
    """∂f(a)[i]/∂a[i] for each entry: autograd on the check's own copy, every entry of d weighted by 1."""
    leaf = a.detach().clone().requires_grad_(True)
    book_f(leaf).backward(gradient=torch.ones_like(leaf))
    return leaf.grad


F_WORDS = Text("the book's f: b = 2·a doubled while b.norm() < 1000, then b if b.sum() > 0, else 100·b",
               "书中的 f：b = 2·a，在 b.norm() < 1000 时不断翻倍，然后若 b.sum() > 0 取 b，否则取 100·b")
F_NUDGE = Text("the loop and the branch test the whole tensor (its norm, its sum) and stop or choose once, "
               "so one factor k multiplies every entry; compare each condition with the book's, comparison by "
               "comparison, computed as the book does: b.norm() and b.sum() of the float32 b (in float64, as a "
               "sum of squares or added in another order, they can fall on the other side of 1000 or 0).",
               "循环和分支检查的是整个张量（它的范数、它的和），只停止或选择一次，所以所有元素都乘以同一个"
               "因子 k；请把每个条件与书中的逐一对照，比较符号也要一致，并且像书中那样计算：对 float32 的 b "
               "取 b.norm() 和 b.sum()（用 float64、写成平方和或换一种顺序相加，结果可能落到 1000 或 0 的另一侧）。")


def assert_is_f_of(d, a: torch.Tensor, name: str, said: Text | None = None, nudge: Text | None = None) -> None:
    """``d`` is the book's f(a): a tensor of a's shape and dtype, with its values (``said`` tells
    a call in a row which it was)."""
    __tracebackhide__ = True
    assert_is_tensor(d, name=name, shape=a.shape, dtype=a.dtype, device=a.device,
                     nudge=Text("f(a) multiplies a by one number k, so it keeps a's shape and dtype.",
                                "f(a) 只是把 a 乘以一个数 k，所以它保持 a 的形状和数据类型。"))
    assert_tensor_close(d, book_f(a), name=name,
                        expected_words=F_WORDS if said is None else Text(f"{F_WORDS.en}, {said.en}",
                                                                         f"{F_WORDS.zh}，{said.zh}"),
                        nudge=nudge or F_NUDGE)


def run_backward(kata, learner_a, answer=None):
    """The learner's ``backward_through_f(a)``; a plain ``d.backward()`` on the non-scalar d is
    the mistake this kata is about, so it gets a message of its own. ``answer()`` gives what
    that call returned (or raises what it raised) where a run of calls made it already."""
    __tracebackhide__ = True
    try:
        return answer() if answer else kata.backward_through_f(learner_a)
    except RuntimeError as err:
        if NOT_A_SCALAR not in str(err):
            raise
        fail(Text("d.backward() raised: d = f(a) has a's shape, it is not a scalar, so autograd does "
                  "not know how to weight its entries. Reduce d to one number first, or tell "
                  "backward() the weight of each entry with its gradient= argument.",
                  "d.backward() 报错：d = f(a) 与 a 形状相同，不是标量，自动求导不知道如何给各个元素加权。"
                  "先把 d 归约成一个数，或者用 backward() 的 gradient= 参数给出每个元素的权重。"),
             name="d.backward()")


@example(a=NORM_REACHES_1000)
@example(a=NORM_1000_IN_FLOAT32)
@example(a=SUM_0_IN_FLOAT32)
@example(a=DOUBLES_TO_1000)
@example(a=JUST_BELOW_1000)
@example(a=LOOP_NEVER_RUNS)
@example(a=SUM_IS_ZERO)
@example(a=SUM_JUST_ABOVE_ZERO)
@example(a=MIXED_SIZES)
@example(a=NEGATIVE_3D)
@given(a=inputs)
def test_f_follows_the_book_for_the_whole_tensor(kata, device, a):
    a = a.to(device)
    d = kata.f(kata.tensor(a, requires_grad=True))
    assert_is_f_of(d, a, "f(a)")


@example(a=NORM_REACHES_1000)
@example(a=NORM_1000_IN_FLOAT32)
@example(a=SUM_0_IN_FLOAT32)
@example(a=SUM_IS_ZERO)
@example(a=MIXED_SIZES)
@example(a=ROUNDED_BRANCH)
@example(a=NEGATIVE_3D)
@given(a=inputs)
def test_a_grad_is_the_same_k_in_every_entry_from_one_backward_pass(kata, device, a):
    a = a.to(device)
    learner_a = kata.tensor(a, requires_grad=True)
    d = run_backward(kata, learner_a)
    assert_backward_through_f(d, learner_a, a)


K_WORDS = Text("k = d / a in every entry, the derivative of each entry of d with respect to the matching entry of a",
               "每个元素都是 k = d / a，即 d 的每个元素对 a 中对应元素的导数")


def assert_backward_through_f(d, learner_a, a: torch.Tensor, passes: int = 1, said: Text | None = None,
                              nudge: Text | None = None) -> None:
    """backward_through_f(a) returned f(a) and left k in every entry of a.grad from one more
    backward pass (``passes`` so far, a.grad zeros before this one)."""
    __tracebackhide__ = True
    # d first: a.grad can only be judged once it is the gradient of the right f.
    assert_is_f_of(d, a, "d", said, nudge)
    context = which_call(said, nudge)
    assert_grad_from_backward(
        learner_a, name="a.grad", passes=passes,
        nudge=context or Text("a.grad must be what one backward pass leaves there: autograd fills it in, and a "
                              "second pass would add to it.",
                              "a.grad 必须是一次反向传播留下的结果：由自动求导来填写，再做一次反向传播就会累加上去。"))
    # f(a) = k·a for one k that depends on a only through its norm and sum, which are constant
    # near a: so ∂d[i]/∂a[i] is that k in every entry, the d / a of the book.
    assert_tensor_close(learner_a.grad, book_grad(a), name="a.grad",
                        expected_words=K_WORDS if said is None else Text(f"{K_WORDS.en}, {said.en}",
                                                                         f"{K_WORDS.zh}，{said.zh}"),
                        nudge=nudge or Text("in the backward pass every entry of d must count with the same weight, "
                                            "1; any other weight (1/n, or d's own values) scales a.grad by it.",
                                            "反向传播时 d 的每个元素都必须以相同的权重 1 计入；换成别的权重"
                                            "（1/n，或 d 自己的值），a.grad 就会被乘上这个权重。"))


#: The calls, in order, on a, a2 (another tensor with a's values) and a3 (other values): each
#: function on a and a2, then again on the very same a after new values were written into it in
#: place (a.grad cleared to zeros first, as a training step leaves it). A result kept from an
#: earlier call (a cache keyed by a) answers for the old a.
SEQUENCE = (("f", "a"), ("backward_through_f", "a2"), ("f", "a2"), ("backward_through_f", "a3"),
            (CLEARED_AND_NEW_VALUES, "a"), ("f", "a"), ("backward_through_f", "a"),
            (CLEARED_AND_NEW_VALUES, "a"), ("backward_through_f", "a"), (CLEARED_AND_NEW_VALUES, "a3"),
            ("backward_through_f", "a3"))
CAST = Text("a2 is another tensor with a's values, a3 a third tensor", "a2 是与 a 值相同的另一个张量，a3 是第三个张量")
LATER_CALL = later_call(Text("its own a", "它自己的 a"))


def new_values(a: torch.Tensor) -> torch.Tensor:
    """What a CLEARED_AND_NEW_VALUES step writes into a tensor of values ``a``: -3·a (no entry
    becomes 0, and the sum changes sign, so the branch changes too)."""
    return -3 * a


@example(a=MIXED_SIZES, other=SUM_IS_ZERO)
@given(a=inputs, other=inputs)
def test_calls_in_a_row_each_answer_for_their_own_a(kata, device, a, other):
    values = {"a": a.to(device), "a2": a.to(device), "a3": other.to(device)}
    learner = {who: kata.tensor(value, requires_grad=True) for who, value in values.items()}
    passes = dict.fromkeys(values, 0)
    run = kata.in_a_row(steps_of(kata, SEQUENCE, learner, values, new_values))
    for step, (function, who) in enumerate(SEQUENCE):
        if function == CLEARED_AND_NEW_VALUES:
            next(run)
            values[who] = new_values(values[who])
            continue
        said = calls_so_far(SEQUENCE[:step + 1], CAST)
        nudge = LATER_CALL if called_before(SEQUENCE, step) else None
        if function == "f":
            assert_is_f_of(next(run), values[who], f"f({who})", said, nudge)
            continue
        passes[who] += 1
        assert_backward_through_f(run_backward(kata, learner[who], answer=lambda: next(run)), learner[who],
                                  values[who], passes[who], said, nudge)
