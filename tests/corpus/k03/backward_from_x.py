# Starts the backward pass from the leaf x itself with the gradient 4·x worked out by hand: no y at all.


def backward_two_x_dot_x(x):
    x.backward(4 * x.detach())
