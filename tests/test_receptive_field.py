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


def dilated_support(dilations, size=65):
    """Which input pixels reach the centre output of a stack of 3x3 convolutions."""
    from torch import nn

    layers = []
    for d in dilations:
        conv = nn.Conv2d(1, 1, 3, padding=d, dilation=d, bias=False)
        nn.init.constant_(conv.weight, 1.0)
        layers.append(conv)
    x = torch.zeros(1, 1, size, size, requires_grad=True)
    nn.Sequential(*layers)(x)[0, 0, size // 2, size // 2].backward()
    return (x.grad[0, 0] != 0).numpy()


def test_chapter_5s_dilated_stack_sees_every_pixel_of_its_47_pixel_window():
    seen = dilated_support([1, 2, 4, 8, 4, 2, 1, 1])
    rows, cols = seen.nonzero()
    assert rows.max() - rows.min() + 1 == 47 == cols.max() - cols.min() + 1
    assert seen[rows.min():rows.max() + 1, cols.min():cols.max() + 1].all()


def test_dilations_that_share_a_factor_leave_a_grid_of_unseen_pixels():
    seen = dilated_support([2, 4, 8])
    rows, cols = seen.nonzero()
    window = seen[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    assert window.mean() < 0.5  # most pixels of the window never reach the output
    assert not window[1::2].any()  # every odd row is missed: a grid
