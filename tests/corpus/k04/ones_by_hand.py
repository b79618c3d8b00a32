"""Writes ones into x.grad by hand instead of running the backward pass of x.sum()."""
import torch


def clear_then_backward_sum(x):
    x.grad = torch.ones_like(x)


def backward_sum_without_clearing(x):
    x.sum().backward()
