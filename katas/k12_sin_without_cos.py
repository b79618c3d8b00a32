"""k12 · Derivative of sin without cos · 不用 cos 求 sin 的导数

The section's last exercise: let f(x) = sin(x) and plot f(x) and df(x)/dx, computing
the latter without using f'(x) = cos(x).

Write sin_derivative(x): x is a 1-D grid of points that records gradients; compute d sin(x)/dx
at every point with autograd, in one backward pass for the whole grid, leave it in x.grad and
return it. Then write plot_sin_and_derivative(path, device): over a grid of your choice, plot
sin(x) first and then its derivative from sin_derivative on one axes, save the figure as a PNG
file at path, and return the matplotlib Figure.

The checks compare your derivative with cos(x) on random grids, count the backward passes that
reach x, and watch that no cos (torch.cos, Tensor.cos, math.cos, numpy.cos) is called from your
file while the kata runs. The plot is checked when matplotlib is installed (pip install
matplotlib) and skipped, with a message, when it is not: import matplotlib inside
plot_sin_and_derivative so that the rest works without it.

本节最后一个练习：设 f(x) = sin(x)，画出 f(x) 和 df(x)/dx 的图像，其中后者不能使用
f'(x) = cos(x)。

编写 sin_derivative(x)：x 是一个记录梯度的一维网格点张量；用自动求导计算每个点上的
d sin(x)/dx，整个网格只做一次反向传播，结果留在 x.grad 中并返回它。再编写
plot_sin_and_derivative(path, device)：在你自己选择的网格上，在同一个坐标系中先画 sin(x)，
再画由 sin_derivative 得到的导数，把图保存为 path 处的 PNG 文件，并返回 matplotlib 的 Figure。

检查会在随机网格上把你的导数与 cos(x) 比较，统计到达 x 的反向传播次数，并确认在本题运行期间
你的文件没有调用任何 cos（torch.cos、Tensor.cos、math.cos、numpy.cos）。安装了 matplotlib
（pip install matplotlib）时会检查图像，未安装时跳过并给出说明：请在 plot_sin_and_derivative
内部导入 matplotlib，这样其余部分不依赖它也能运行。

Hints / 提示: autograd-kata hint k12    Check / 检查: autograd-kata run k12
"""

import torch


def sin_derivative(x: torch.Tensor) -> torch.Tensor:
    """For a 1-D grid ``x`` that records gradients, compute d sin(x)/dx at every grid point
    with autograd, in ONE backward pass and without calling cos: leave it in ``x.grad`` and
    return it."""
    raise NotImplementedError("k12 is not started: write `sin_derivative`")


def plot_sin_and_derivative(path, device: str = "cpu"):
    """On one axes, plot sin(x) first and then its derivative from ``sin_derivative``, over
    a grid of your choice on ``device``. Save the figure as a PNG file at ``path`` and
    return the matplotlib Figure."""
    raise NotImplementedError("k12 is not started: write `plot_sin_and_derivative`")
