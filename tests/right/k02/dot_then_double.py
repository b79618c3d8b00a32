# Right: the method form of the dot product, the factor 2 written after it.


def two_x_dot_x(x):
    return x.dot(x) * 2
