# Right: y computed in float64; the gradient comes back to x in float32, still exactly 4·x.
import torch


def backward_two_x_dot_x(x):
    x64 = x.double()
    y = 2 * torch.dot(x64, x64)
    y.backward()
