# Right: reuses the learner's own k02 (the hint says "build y as in k02").
from k02_build_graph import two_x_dot_x


def backward_two_x_dot_x(x):
    two_x_dot_x(x).backward()
