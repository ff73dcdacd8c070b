"""Chapter 1's receptive-field recurrence, checked against a gradient.

Chapter 1 states r_l = r_(l-1) + (k_l - 1) j_(l-1), j_l = j_(l-1) s_l and
quotes r = 5, 6, 14, 16 for its MNIST network (5x5 conv, 2x2/2 pool, 5x5 conv,
2x2/2 pool). The receptive field of one output is the set of input pixels its
gradient reaches; average pooling has the windows of max pooling and passes a
gradient to every pixel of its window.
"""

import pytest

torch = pytest.importorskip("torch")


def recurrence(layers):
    r, j, out = 1, 1, []
    for k, s in layers:
        r, j = r + (k - 1) * j, j * s
        out.append(r)
    return out


def measured(layers, size=28):
    from torch import nn

    mods = []
    for k, s in layers:
        if s == 1:
            conv = nn.Conv2d(1, 1, k, padding=k // 2, bias=False)
            nn.init.constant_(conv.weight, 1.0)
            mods.append(conv)
        else:
            mods.append(nn.AvgPool2d(k, s))
    out = []
    for depth in range(1, len(mods) + 1):
        x = torch.zeros(1, 1, size, size, requires_grad=True)
        y = nn.Sequential(*mods[:depth])(x)
        c = y.shape[-1] // 2
        y[0, 0, c, c].backward()
        rows = (x.grad[0, 0].abs().sum(1) > 0).nonzero()
        out.append(int(rows.max() - rows.min() + 1))
    return out


def test_the_mnist_network_receptive_fields_are_those_chapter_1_quotes():
    mnist = [(5, 1), (2, 2), (5, 1), (2, 2)]
    assert recurrence(mnist) == measured(mnist) == [5, 6, 14, 16]


def test_the_recurrence_holds_for_strided_stacks():
    layers = [(3, 1), (2, 2), (3, 1), (3, 1), (2, 2), (3, 1)]
    assert recurrence(layers) == measured(layers, size=64)
