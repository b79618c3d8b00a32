"""Calls backward() twice (once to look, once to keep), so the gradients add up to 8·x."""
import torch


def backward_two_x_dot_x(x):
    y = 2 * torch.dot(x, x)
    y.backward(retain_graph=True)
    y.backward()
