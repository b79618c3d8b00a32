# Wrong: keeps the graph, then has a hook raise torch's freed-graph message inside the second backward() and returns that error: the graph was never freed.
FREED_GRAPH = ("Trying to backward through the graph a second time (or directly access saved tensors after they "
               "have already been freed). Saved intermediate values of the graph are freed when you call "
               ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
               "graph a second time or if you need to access saved tensors after calling backward.")


def _raise(gradient):
    raise RuntimeError(FREED_GRAPH)


def second_backward_error(y):
    y.backward(retain_graph=True)
    y.register_hook(_raise)
    try:
        y.backward()
    except RuntimeError as err:
        return err


def gradients_of_two_passes(y, x):
    y.backward(retain_graph=True)
    first = x.grad.clone()
    y.backward()
    return first, x.grad
