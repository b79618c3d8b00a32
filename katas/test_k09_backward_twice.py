"""Checks for k09 · backward twice (连续两次反向传播)."""
import pytest
from hypothesis import given

from pytest_autograd_kata import (Text, assert_is_tensor, assert_tensor_close, assert_tensor_equal, fail,
                                  strategies as kst, watch_backward)

pytestmark = pytest.mark.kata("k09")

# Any shape up to 3-D: the graph is freed the same way whatever y is computed from. Values
# within the toolkit's default ±100, so y = 2·Σx² stays below 1e7, far from overflow.
inputs = kst.tensors()

#: What torch says when a backward pass needs saved values that an earlier pass freed.
FREED_GRAPH = "backward through the graph a second time"
ONE_PASS = Text("4 * x, the gradient of y = 2 * (x * x).sum() after one backward pass",
                "4 * x，即一次反向传播后 y = 2 * (x * x).sum() 的梯度")


def graph_of_y(x):
    """The statement's y = 2 * (x * x).sum(): its graph saves x, which the gradient 4x needs,
    so a second backward pass finds it freed (y = x.sum() saves nothing and would not fail)."""
    return 2 * (x * x).sum()


@given(x=inputs)
def test_second_backward_raises_the_freed_graph_error(kata, device, x):
    x = x.to(device).requires_grad_(True)
    with watch_backward(x) as watch:
        try:
            error = kata.second_backward_error(graph_of_y(x))
        except RuntimeError as escaped:
            if FREED_GRAPH not in str(escaped):
                raise
            fail(Text("the second y.backward() raised the expected RuntimeError, but it escaped from "
                      "second_backward_error(y): catch it there and return it.",
                      "第二次 y.backward() 抛出了预期的 RuntimeError，但它逃出了 second_backward_error(y)："
                      "请在函数中捕获它并返回。"), name="second_backward_error(y)")
    if error is None:
        fail(Text("second_backward_error(y) returned None: the second y.backward() did not fail. Call "
                  "y.backward() twice the default way, without keeping the graph for the second call.",
                  "second_backward_error(y) 返回了 None：第二次 y.backward() 没有报错。请按默认方式调用两次 "
                  "y.backward()，不要为第二次保留计算图。"), name="second_backward_error(y)")
    if not isinstance(error, RuntimeError):
        fail(Text(f"second_backward_error(y) returned a {type(error).__name__}; return the RuntimeError "
                  "object that the second backward() raised (except RuntimeError as err: return err).",
                  f"second_backward_error(y) 返回了 {type(error).__name__}；请返回第二次 backward() 抛出的 "
                  "RuntimeError 对象（except RuntimeError as err: return err）。"), name="second_backward_error(y)")
    if error.__traceback__ is None or FREED_GRAPH not in str(error):
        first_line = (str(error).splitlines() or [""])[0][:200]
        fail(Text(f"second_backward_error(y) returned RuntimeError({first_line!r}), which is not the error "
                  "that a second y.backward() raises about the freed graph. Return the error you caught.",
                  f"second_backward_error(y) 返回了 RuntimeError({first_line!r})，这不是第二次 y.backward() "
                  "因计算图已被释放而抛出的错误。请返回你捕获到的错误。"), name="second_backward_error(y)")
    watch.assert_grad_from_backward(name="x.grad")
    # The first pass succeeded and the second one stopped before adding anything.
    assert_tensor_close(x.grad, 4 * x.detach(), name="x.grad", expected_words=ONE_PASS)


@given(x=inputs)
def test_retained_graph_gives_twice_the_gradient(kata, device, x):
    x = x.to(device).requires_grad_(True)
    with watch_backward(x) as watch:
        try:
            returned = kata.gradients_of_two_passes(graph_of_y(x), x)
        except RuntimeError as err:
            if FREED_GRAPH not in str(err):
                raise
            fail(Text("the second backward pass in gradients_of_two_passes found the graph freed: the "
                      "first pass must be told to keep it.",
                      "gradients_of_two_passes 中的第二次反向传播发现计算图已被释放：必须让第一次反向传播保留它。"),
                 name="gradients_of_two_passes(y, x)")
    if not isinstance(returned, tuple) or len(returned) != 2:
        fail(Text(f"gradients_of_two_passes(y, x) returned {type(returned).__name__}; return the tuple (first, total).",
                  f"gradients_of_two_passes(y, x) 返回了 {type(returned).__name__}；请返回元组 (first, total)。"),
             name="gradients_of_two_passes(y, x)")
    first, total = returned
    watch.assert_grad_from_backward(name="x.grad", passes=2)
    assert_is_tensor(first, name="first", shape=x.shape, device=device)
    assert_tensor_close(first, 4 * x.detach(), name="first", expected_words=ONE_PASS,
                        nudge=Text("the second pass updates x.grad in place: keep a copy of it after the "
                                   "first pass, not the same tensor under another name.",
                                   "第二次反向传播会就地更新 x.grad：请在第一次之后保存它的一份拷贝，而不是同一个张量的另一个名字。"))
    assert_tensor_equal(total, x.grad, name="total",
                        expected_words=Text("x.grad after the second pass", "第二次反向传播之后的 x.grad"))
    # Adding a gradient to itself doubles it without rounding, so == is right here.
    assert_tensor_equal(total, 2 * first, name="total",
                        expected_words=Text("2 * first: the second pass adds its gradient to the first",
                                            "2 * first：第二次反向传播把它的梯度加到第一次的结果上"),
                        nudge=Text("do not clear x.grad between the passes: the sum is the point.",
                                   "两次反向传播之间不要清零 x.grad：要看的正是两者之和。"))
