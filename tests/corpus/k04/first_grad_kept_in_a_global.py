# Wrong: keeps the first x.grad it clears in a module-level global and clears that one on every later call, so another x's old gradient is never cleared.
_grad = None


def clear_then_backward_sum(x):
    global _grad
    if _grad is None:
        _grad = x.grad
    if _grad is not None:
        _grad.zero_()
    x.sum().backward()


def backward_sum_without_clearing(x):
    x.sum().backward()
