# Wrong: y = 2·‖x‖², as x.norm() squared: the same number within rounding, but through a square root, so the graph's gradient rounds off 4·x (x = [1, 1] gives 3.9999998).


def two_x_dot_x(x):
    return 2 * x.norm() ** 2
