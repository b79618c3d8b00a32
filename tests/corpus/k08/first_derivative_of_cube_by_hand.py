# Wrong: writes 3x², the derivative of x³, by hand (it even carries a grad_fn): right for x³ only.
import torch


def first_derivative(f, x):
    return 3 * x ** 2


def second_derivative(f, x):
    (d2y_dx2,) = torch.autograd.grad(first_derivative(f, x).sum(), x)
    return d2y_dx2
