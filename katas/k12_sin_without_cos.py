"""k12 · Derivative of sin without cos · 不用 cos 求 sin 的导数

The section's last exercise: let f(x) = sin(x) and plot f(x) and df(x)/dx, computing
the latter without using f'(x) = cos(x).

Write sin_derivative(x): x is a 1-D float32 grid of points that records gradients; compute
d sin(x)/dx at every point with autograd, calling backward() exactly once for the whole grid
(torch.autograd.grad, which hands the gradient back without storing it in x.grad, is not what
this kata asks for), and return x.grad itself, the tensor backward() filled in. Then write
plot_sin_and_derivative(path, device): over a grid of your choice of at least 20 different
points on device, draw on one axes sin(x) as its first line and, as its second, the
derivative that sin_derivative computes; save the figure as a PNG file at path (a str), and return the
matplotlib Figure.

The checks compare x.grad with cos(x) on random grids, within torch.testing's default tolerance
for float32 (rtol 1.3e-6, atol 1e-5); count the backward passes that reach x; and watch that no
cos (torch.cos, Tensor.cos, math.cos, numpy.cos) is called from your file while the kata runs.
They call sin_derivative again on the same grid after new values were written into it (and
x.grad cleared in place), as a training loop does: each call works from x as it is then. They
check the plot too: a complete PNG file at path, written by each call even where a file is there
already, one axes, a backward() call while it is drawn, and its first two lines against sin and cos within 1e-4 (other lines may follow those two,
never come before or between them). device is a string: the checks ask for the CPU (and each GPU
present) and for "meta", PyTorch's device that holds a tensor's shape and dtype but no values,
present on every machine. Nothing can be drawn from meta tensors, so there the checks require only
that every backward pass reaches a grid made on that device (make the grid on device before you
ask autograd to record: a tensor moved with .to(device) after that is a copy, not a leaf), and that
your function stops at torch's own error when it first reads values from a meta tensor (.cpu(),
.numpy(), .tolist()). The plot is part of the kata: without matplotlib (pip install matplotlib)
k12 is not done.

本节最后一个练习：设 f(x) = sin(x)，画出 f(x) 和 df(x)/dx 的图像，其中后者不能使用
f'(x) = cos(x)。

编写 sin_derivative(x)：x 是一个记录梯度的一维 float32 网格点张量；用自动求导计算每个点上的
d sin(x)/dx，整个网格恰好调用一次 backward()（torch.autograd.grad 只把梯度返回、不会存进
x.grad，不是本题要求的做法），并返回 x.grad 本身，即 backward() 填写的那个张量。再编写
plot_sin_and_derivative(path, device)：在 device 上自己选一个至少 20 个不同点的网格，在同一个
坐标系中先画 sin(x) 作为第一条曲线，再画 sin_derivative 算出的导数作为第二条曲线；把图保存为
path（一个字符串）处的 PNG 文件，并返回 matplotlib 的 Figure。

检查会在随机网格上把 x.grad 与 cos(x) 比较，容差为 torch.testing 对 float32 的默认值
（rtol 1.3e-6，atol 1e-5）；统计到达 x 的反向传播次数；并确认在本题运行期间你的文件没有调用
任何 cos（torch.cos、Tensor.cos、math.cos、numpy.cos）。检查还会像训练循环那样，在同一个网格被就地
写入新值（并就地清除 x.grad）之后再次调用 sin_derivative：每次调用都依据当时的 x。图像也会检查：
path 处有完整的 PNG 文件（每次调用都要写入，即使那里已经有文件），只有一个坐标系，画图时调用了 backward()，前两条曲线在 1e-4 以内分别与 sin 和 cos 一致（这两条
之后可以再画其他线，但不能画在它们之前或之间）。device 是一个字符串：检查会要求 CPU（以及机器上的每块
GPU），也会要求 "meta"——PyTorch 中只保存张量的形状和数据类型、不保存数值的设备，每台机器上都有。meta
张量画不出任何东西，所以在那里检查只要求每次反向传播到达的网格都是在该设备上创建的（先在 device 上创建
网格，再让自动求导记录：在那之后用 .to(device) 移动得到的是副本，而不是叶子张量），并且你的函数在第一次
从 meta 张量读取数值时（.cpu()、.numpy()、.tolist()）因 torch 自己的报错而停止。
图像是本题的一部分：没有 matplotlib（pip install matplotlib）时，k12 不算完成。

Hints / 提示: autograd-kata hint k12    Check / 检查: autograd-kata run k12
"""

import torch


def sin_derivative(x: torch.Tensor) -> torch.Tensor:
    """For a 1-D float32 grid ``x`` that records gradients, compute d sin(x)/dx at every grid
    point with autograd, calling ``backward()`` exactly ONCE and never cos: it is left in
    ``x.grad``; return ``x.grad`` itself."""
    raise NotImplementedError("k12 is not started: write `sin_derivative`")


def plot_sin_and_derivative(path, device: str = "cpu"):
    """On one axes, draw sin(x) as the first line and its derivative from ``sin_derivative``
    as the second, over a grid of your choice (at least 20 different points) on ``device``. Save the
    figure as a PNG file at ``path`` (a str) and return the matplotlib Figure."""
    raise NotImplementedError("k12 is not started: write `plot_sin_and_derivative`")
