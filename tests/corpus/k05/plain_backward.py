"""Calls y.backward() on the non-scalar y = x * x in both routes, which raises."""


def backward_square_by_sum(x):
    (x * x).backward()


def backward_square_with_ones(x):
    (x * x).backward()


def non_scalar_backward_error(x):
    try:
        (x * x).backward()
    except RuntimeError as err:
        return err
