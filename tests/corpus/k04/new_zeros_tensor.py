"""Replaces x.grad with a new tensor of zeros instead of clearing the existing one in place."""
import torch


def clear_then_backward_sum(x):
    x.grad = torch.zeros_like(x)
    x.sum().backward()


def backward_sum_without_clearing(x):
    x.sum().backward()
