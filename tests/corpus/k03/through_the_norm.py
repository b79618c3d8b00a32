# y = 2·‖x‖² through x.norm(): the same number, but its gradient goes through a square root and rounds off 4·x.
import torch


def backward_two_x_dot_x(x):
    y = 2 * x.norm() ** 2
    y.backward()
