"""Checks for k06 · detaching a computation (分离计算)."""
import pytest
from hypothesis import given

from pytest_autograd_kata import (Text, assert_grad_fn, assert_is_tensor, assert_shares_storage,
                                  assert_tensor_close, assert_tensor_equal, fail,
                                  strategies as kst, watch_backward)

pytestmark = pytest.mark.kata("k06")

# Any shape up to 3-D: detach() works the same for every shape. Values within the toolkit's
# default ±100, so z = x³ stays below 1e6, far inside float32's exact range for the checks.
inputs = kst.tensors()

U_IS_A_CONSTANT = Text("u: with u a constant, d(u·x)/dx = u", "u：u 是常数时，d(u·x)/dx = u")
Y_NOT_RECORDED = Text("y has no grad_fn: y itself was computed outside autograd. Compute y = x * x "
                      "normally and detach only u; detach() makes a new tensor and leaves y as it was.",
                      "y 没有 grad_fn：y 本身是在自动求导之外计算的。请正常计算 y = x * x，只把 u 分离出来；"
                      "detach() 会生成新张量，不会改变 y。")
#: What torch says when a backward pass needs saved values that an earlier pass freed.
FREED_GRAPH = "backward through the graph a second time"


def detach_step(kata, x):
    """The learner's ``detach_y_and_backward(x)``, unpacked into ``(y, u, z)``."""
    __tracebackhide__ = True
    returned = kata.detach_y_and_backward(x)
    if not isinstance(returned, tuple) or len(returned) != 3:
        fail(Text(f"detach_y_and_backward(x) returned {type(returned).__name__}; return the tuple (y, u, z).",
                  f"detach_y_and_backward(x) 返回了 {type(returned).__name__}；请返回元组 (y, u, z)。"),
             name="detach_y_and_backward(x)")
    for name, value in zip("yuz", returned):
        assert_is_tensor(value, name=name, shape=x.shape, device=x.device)
    return returned


@given(x=inputs)
def test_x_grad_equals_u(kata, device, x):
    x = x.to(device).requires_grad_(True)
    with watch_backward(x) as watch:
        y, u, z = detach_step(kata, x)
    x_value = x.detach()
    assert_tensor_close(u, x_value * x_value, name="u",
                        expected_words=Text("the values of y = x * x", "y = x * x 的值"))
    assert_tensor_close(z, u * x_value, name="z", expected_words=Text("u * x", "u * x"))
    watch.assert_grad_from_backward(name="x.grad")
    # d(sum(u·x))/dx is u·1, computed without rounding, so the book's exact == holds here.
    assert_tensor_equal(x.grad, u, name="x.grad", expected_words=U_IS_A_CONSTANT,
                        nudge=Text("if x.grad looks like 3·x², autograd traced u back to x: u must be "
                                   "y with its history dropped, and z must be computed from that u.",
                                   "如果 x.grad 像是 3·x²，说明自动求导沿 u 追溯回了 x：u 必须是丢弃了计算历史的 y，"
                                   "z 也必须由这个 u 计算出来。"))


@given(x=inputs)
def test_u_is_y_cut_from_the_graph(kata, device, x):
    x = x.to(device).requires_grad_(True)
    y, u, z = detach_step(kata, x)
    assert_grad_fn(u, None, name="u")
    if u.requires_grad:
        fail(Text("u.requires_grad is True: autograd still records what is computed from u, "
                  "so u is not a constant to it.",
                  "u.requires_grad 是 True：自动求导仍会记录由 u 计算出的结果，u 对它来说不是常数。"),
             name="u.requires_grad")
    assert_shares_storage(u, y, name="u", other_name="y",
                          nudge=Text("detach() gives the same memory without the history; clone() or "
                                     "building a new tensor copies the data.",
                                     "detach() 得到同一块内存、但没有计算历史；clone() 或新建张量会复制数据。"))
    if y.grad_fn is None:
        fail(Y_NOT_RECORDED, name="y.grad_fn")


@given(x=inputs)
def test_y_still_backpropagates_to_x(kata, device, x):
    x = x.to(device).requires_grad_(True)
    y, _, _ = detach_step(kata, x)
    if x.grad is None:
        fail(Text("x.grad is None after detach_y_and_backward(x): run the backward pass of z.sum() there.",
                  "detach_y_and_backward(x) 之后 x.grad 是 None：请在其中对 z.sum() 执行反向传播。"),
             name="x.grad")
    # A second handle on the memory of dz/dx keeps it alive, so a new gradient cannot be
    # allocated at the same address and pass for clearing in place.
    grad_of_z = x.grad.detach()
    if y.grad_fn is None:
        fail(Y_NOT_RECORDED, name="y.grad_fn")
    with watch_backward(x) as watch:
        try:
            returned = kata.backward_through_y(x, y)
        except RuntimeError as err:
            if FREED_GRAPH not in str(err):
                raise
            fail(Text("y.sum().backward() found y's graph already freed: the backward pass of z.sum() "
                      "went through y, which happens only when u is still connected to y. Detach u.",
                      "y.sum().backward() 发现 y 的计算图已被释放：z.sum() 的反向传播经过了 y，"
                      "这只会在 u 仍与 y 相连时发生。请把 u 分离出来。"), name="y")
    watch.assert_grad_from_backward(name="x.grad")
    assert_tensor_close(returned, 2 * x.detach(), name="backward_through_y(x, y)",
                        expected_words=Text("2 * x, the gradient of y.sum() = Σ x²", "2 * x，即 y.sum() = Σ x² 的梯度"),
                        nudge=Text("x.grad still held dz/dx = u when backward_through_y started, and "
                                   "backward() adds to it: clear it first; then return x.grad.",
                                   "backward_through_y 开始时 x.grad 中仍是 dz/dx = u，而 backward() 会累加："
                                   "先清零，再返回 x.grad。"))
    assert_tensor_equal(x.grad, returned, name="x.grad",
                        expected_words=Text("what backward_through_y returned", "backward_through_y 返回的值"))
    assert_shares_storage(x.grad, grad_of_z, name="x.grad", other_name="the x.grad that held dz/dx",
                          nudge=Text("clear the existing x.grad in place (a method whose name ends in _) "
                                     "rather than replacing it.",
                                     "请就地清零已有的 x.grad（用名字以 _ 结尾的方法），而不是替换它。"))
