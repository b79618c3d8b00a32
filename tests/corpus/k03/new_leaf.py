"""Makes a fresh leaf from x inside the function: backward() fills the copy's grad, not the caller's x.grad."""
import torch


def backward_two_x_dot_x(x):
    x = x.detach().clone().requires_grad_(True)
    (2 * torch.dot(x, x)).backward()
