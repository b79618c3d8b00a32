# Right: the dot product written as the sum of squares, scaled first.
def two_x_dot_x(x):
    return (2 * x * x).sum()
