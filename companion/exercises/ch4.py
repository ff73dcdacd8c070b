"""Exercises of chapter 4, "A VGG-16 encoder and its mirrored decoder"."""

from __future__ import annotations

import numpy as np

from . import CodeExercise, Exercise, Mistake, register


def _tconv_output_shape():
    from ..shapes import conv_transpose_output_size

    side = conv_transpose_output_size(7, 3, stride=2, padding="valid")
    return (side, side, 256)


def _tconv_params():
    from ..models.vgg import Layer, layer_table

    layer = Layer("t", "tconv", filters=64, kernel=4, stride=2)
    return layer_table([layer], (8, 8, 128))[0].params


def _undo_layer():
    from ..shapes import conv_output_size, conv_transpose_output_size

    kernel, stride, size = 5, 2, 64
    coded = conv_output_size(size, kernel, stride, "valid")  # 30
    output_padding = next(
        a for a in range(stride)
        if conv_transpose_output_size(coded, kernel, stride, "valid", a) == size)
    return (3, kernel, stride, output_padding)


def _settings_search():
    from ..shapes import solve_conv_transpose

    found = solve_conv_transpose(SEARCH_IN, SEARCH_OUT, kernels=SEARCH_KERNELS,
                                 strides=[SEARCH_STRIDE])
    return tuple(sorted((s.kernel, s.padding, s.output_padding) for s in found))


def _decoder_macs():
    from ..models.vgg import Layer, layer_table

    layer = Layer("tconv1_2_5x5", "tconv", filters=64, kernel=5)
    return layer_table([layer], (224, 224, 128))[0].macs


#: ``ch4.settings_search``: stride 2, kernels 1 to 6, from 5 pixels to 10.
SEARCH_IN, SEARCH_OUT, SEARCH_STRIDE, SEARCH_KERNELS = 5, 10, 2, range(1, 7)


def _diagnose_settings(answer) -> str | None:
    """Say what is wrong with a list of (kernel, padding, output_padding)."""
    from ..shapes import conv_transpose_output_size

    if isinstance(answer, np.ndarray):
        answer = answer.tolist()
    if not isinstance(answer, (tuple, list)) or not all(
            isinstance(t, (tuple, list, np.ndarray)) and len(t) == 3
            for t in answer):
        return None
    try:
        given = [tuple(int(v) for v in t) for t in answer]
    except (TypeError, ValueError):
        return None
    if any(tuple(t) != g for t, g in zip(answer, given)):
        return None  # fractions: the generic message says which item
    right = list(_settings_search())
    if sorted(given) == right and given != right:
        return ("These are the right settings, but not in order: sort them "
                "(sorted(...) orders the tuples by kernel, then padding).")
    for t in given:
        k, p, a = t
        if k not in SEARCH_KERNELS:
            return (f"{t} has kernel {k}; the question asks for kernels "
                    f"{SEARCH_KERNELS[0]} to {SEARCH_KERNELS[-1]}.")
        if p < 0 or not 0 <= a < SEARCH_STRIDE:
            return (f"{t} is not a valid setting: padding >= 0 and "
                    f"0 <= output_padding < {SEARCH_STRIDE} (the stride).")
        size = conv_transpose_output_size(SEARCH_IN, k, SEARCH_STRIDE, p, a)
        if size != SEARCH_OUT:
            return (f"{t} maps {SEARCH_IN} pixels to {size}, not "
                    f"{SEARCH_OUT}: (5 - 1)*2 - 2*{p} + {k} + {a} = {size}.")
    if len(set(given)) < len(given):
        return "Your list names a setting twice; list each one once."
    return None  # right settings, some missing: the generic count says so


def _undo_size(kernel: int, output_padding: int) -> int:
    from ..shapes import conv_transpose_output_size

    return conv_transpose_output_size(30, kernel, 2, "valid", output_padding)


register(Exercise(
    name="ch4.tconv_output_shape",
    question="Keras Conv2DTranspose(256, (3, 3), strides=2) (default 'valid' "
             "padding) receives a 7x7x512 map. What is the output shape "
             "(height, width, channels)?",
    expected=_tconv_output_shape,
    hints=("Two separate questions: the side, from the scatter of a 3-wide "
           "kernel with stride 2 over 7 inputs, and the channels, which "
           "depend only on the layer.",
           "Keras 'valid': the last copy starts at (H - 1)*s and is K wide, "
           "so o = (H - 1)*s + K when K >= s; the output has one channel per "
           "filter, whatever came in."),
    solution_text="7*2 + max(3 - 2, 0) = 15 on each side and 256 filters: "
                  "(15, 15, 256). companion.shapes.conv_transpose_output_size("
                  "7, 3, stride=2, padding='valid') gives 15.",
    worked=("(15, 15, 256)",),
    mistakes=[
        Mistake((14, 14, 256), "14 = H*s is Keras' 'same' size; the default "
                               "'valid' adds the max(K - s, 0) = 1 cells the "
                               "last copy sticks out."),
        Mistake((15, 15, 512), "The output has as many channels as the layer "
                               "has filters, 256; the input's 512 do not "
                               "carry over."),
        Mistake((13, 13, 256), "13 = (H - 1)*s + 1 counts the last copy as one "
                               "pixel wide; it is K = 3 wide: (H - 1)*s + K."),
        Mistake((256, 15, 15), "Right numbers, but channels first, PyTorch's "
                               "order; Keras is channels-last: (height, width, "
                               "channels)."),
    ],
    next_step="Recompute the side with (H - 1)*s + K (Keras 'valid', stride "
              "<= kernel) and take the channels from the layer's filters.",
))

register(Exercise(
    name="ch4.tconv_params",
    question="How many parameters has Conv2DTranspose(64, (4, 4), strides=2) "
             "applied to a map with 128 channels?",
    expected=_tconv_params,
    hints=("The stride changes the output size, not the parameter count: "
           "count the numbers in the kernel tensor and the biases.",
           "The kernel holds k*k weights for every pair of an input and an "
           "output channel, and there is one bias per output channel."),
    solution_text="4*4*128*64 + 64 = 131,136.",
    worked=("131,136",),
    mistakes=[
        Mistake(131_072, "131,072 = 4*4*128*64 leaves out the 64 biases, one "
                         "per output channel."),
        Mistake(131_200, "You counted the bias once per input channel (128); "
                         "there is one bias per filter, that is per output "
                         "channel (64)."),
        Mistake((128 + 1) * 64, "You left out the 4x4 kernel area: each of "
                                "the 128 x 64 channel pairs has 16 weights."),
        Mistake(4 * 4 * 128 * 64 * 4 + 64, "The stride does not change the "
                                           "parameter count, only the output "
                                           "size."),
    ],
    next_step="Recompute the weights, k*k*c_in*c_out, then add one bias per "
              "output channel.",
))

register(Exercise(
    name="ch4.undo_layer",
    question="An encoder's Conv2D(32, (5, 5), strides=2) maps 64x64x3 to "
             "30x30x32. Give (filters, kernel, strides, output_padding) of "
             "the 'valid' Conv2DTranspose, with the same kernel size and "
             "stride as the encoder's layer, that brings 30x30x32 back to "
             "64x64x3.",
    expected=_undo_layer,
    hints=("Mirror the encoder layer: the kernel and stride stay, and the "
           "filters are the channels you want back. Then check the size the "
           "mirror gives on 30 pixels.",
           "A 'valid' Conv2DTranspose gives (H - 1)*s + K + a pixels with "
           "output_padding a < s; several input sizes shrink to 30 under the "
           "encoder, and a picks the one you need."),
    solution_text="(3, 5, 2, 1): (30 - 1)*2 + 5 = 63, so one extra row and "
                  "column (output_padding=1) reaches 64. Without it Keras "
                  "gives 30*2 + max(5 - 2, 0) = 63.",
    worked=("(3, 5, 2, 1)",),
    mistakes=[
        Mistake((3, 5, 2, 0), f"Without output_padding the layer gives "
                              f"{_undo_size(5, 0)}: both 63 and 64 shrink to "
                              f"30, and output_padding=1 picks 64."),
        Mistake((32, 5, 2, 1), "The filters are the channels to restore, 3; "
                               "32 is what the encoder produced."),
        Mistake((3, 6, 2, 0), f"Kernel 6 does give {_undo_size(6, 0)}, but "
                              f"the question asks for the encoder's kernel "
                              f"size, 5; output_padding then fixes the odd "
                              f"size."),
        Mistake((3, 4, 2, 0), f"Kernel 4 gives {_undo_size(4, 0)}; the mirror "
                              f"of the encoder keeps its kernel, 5, and fixes "
                              f"the odd size with output_padding."),
    ],
    next_step="Recompute the size of your setting, (30 - 1)*2 + K + a, and "
              "check the channels: they are the layer's filters.",
))

register(Exercise(
    name="ch4.settings_search",
    question="List every PyTorch ConvTranspose2d setting with stride 2, "
             "kernel 1 to 6 and no dilation that maps a 5-pixel side to 10, "
             "as (kernel, padding, output_padding) tuples, sorted.",
    expected=_settings_search,
    hints=("Treat the kernels one at a time: for each k from 1 to 6, is there "
           "a padding and an output_padding that give 10?",
           "The size is (H - 1)*s - 2p + k + a with p >= 0 and 0 <= a < s; "
           "solve it for each k by hand or with a small loop over p and a, "
           "and keep the tuples sorted."),
    solution_text="(1, 0, 1), (2, 0, 0), (3, 1, 1), (4, 1, 0), (5, 2, 1), "
                  "(6, 2, 0): one setting per kernel, the odd kernels need "
                  "output_padding=1. companion.shapes.solve_conv_transpose("
                  "5, 10, kernels=range(1, 7), strides=[2]) finds the same "
                  "six.",
    worked=("(1, 0, 1)", "(2, 0, 0)", "(3, 1, 1)", "(4, 1, 0)", "(5, 2, 1)",
            "(6, 2, 0)"),
    mistakes=[
        Mistake(((2, 0, 0), (4, 1, 0), (6, 2, 0)),
                "Only the even kernels: the odd ones work too, with "
                "output_padding=1 adding the missing row."),
        Mistake(((2, 0, 0),), "One setting per kernel works here, six in "
                              "all; try each kernel from 1 to 6."),
        Mistake(((1, 0, 1), (2, 0, 0), (3, 1, 1), (4, 1, 0), (5, 2, 1)),
                "Kernel 6 is missing: 8 - 2p + 6 = 10 with p = 2."),
    ],
    diagnose=_diagnose_settings,
    next_step="Recompute for each kernel k from 1 to 6 the p and a "
              "(0 <= a < 2) that solve (5 - 1)*2 - 2p + k + a = 10.",
))

register(Exercise(
    name="ch4.decoder_macs",
    question="The decoder layer tconv1_2 is Conv2DTranspose(64, (3, 3), "
             "padding='same') on a 224x224x128 map. How many multiply-adds "
             "would it perform for one image with a 5x5 kernel instead?",
    expected=_decoder_macs,
    hints=("Count the work per input value: each one meets a whole kernel "
           "slice, every tap of it for every output channel.",
           "Multiply-adds = h * w * c_in * k * k * c_out: every input value "
           "scatters a k x k x c_out copy of its kernel slice."),
    solution_text="224*224*128*25*64 = 10,276,044,800, about 10.3 billion: "
                  "25/9 of the 3x3 layer's cost.",
    worked=("10,276,044,800",),
    mistakes=[
        Mistake(224 * 224 * 128 * 9 * 64, "That is the 3x3 layer of the table "
                                          "above; with a 5x5 kernel each input "
                                          "value meets 25 taps, not 9."),
        Mistake(224 * 224 * 128 * 25, "You left out the 64 output channels: "
                                      "each input value meets a 5x5 kernel "
                                      "slice for every one of them."),
        Mistake(224 * 224 * 128 * 5 * 64, "A 5x5 kernel has 5 * 5 = 25 taps, "
                                          "not 5."),
        Mistake(224 * 224 * 128 * 25 * 64 + 64, "Multiply-adds count products; "
                                                "the biases are not "
                                                "multiplied."),
        Mistake(224 * 224 * 3 * 25 * 64, "tconv1_2 receives 128 channels, not "
                                         "the image's 3."),
        Mistake(112 * 112 * 128 * 25 * 64, "That uses 112 x 112; this layer "
                                           "works on the full 224 x 224 map."),
        Mistake(2 * 224 * 224 * 128 * 25 * 64, "That counts FLOPs, a multiply "
                                               "and an add for each product; "
                                               "the question counts each "
                                               "multiply-add once."),
    ],
    next_step="Recompute the product h * w * c_in * k * k * c_out with "
              "h = w = 224, c_in = 128, k = 5, c_out = 64.",
))


def block_cases(rng: np.random.Generator) -> list[tuple]:
    """Random (size, kernel, n_convs, padding) for ``ch4.block_output_size``."""
    cases = [(int(rng.integers(10, 60)) * 2 + 1, 3, 2, "same"),
             (int(rng.integers(10, 60)) * 2, 3, 3, "valid"),
             (int(rng.integers(10, 60)) * 2 + 1, 5, 1, "valid")]
    for _ in range(9):
        cases.append((int(rng.integers(12, 120)), int(rng.choice([1, 3, 5])),
                      int(rng.integers(1, 4)), str(rng.choice(["same", "valid"]))))
    return cases


def _block_ref(size, kernel, n_convs, padding):
    from ..shapes import conv_output_size

    for _ in range(n_convs):
        size = conv_output_size(size, kernel, 1, padding)
    return conv_output_size(size, 2, 2, "valid")


def _block_ceil(size, kernel, n_convs, padding):
    for _ in range(n_convs):
        size = size if padding == "same" else size - kernel + 1
    return -(-size // 2)


def _block_float(size, kernel, n_convs, padding):
    for _ in range(n_convs):
        size = size if padding == "same" else size - kernel + 1
    return size / 2


def _block_one_conv(size, kernel, n_convs, padding):
    return _block_ref(size, kernel, 1, padding)


def _block_same_shrinks(size, kernel, n_convs, padding):
    return _block_ref(size, kernel, n_convs, "valid")


def _block_no_pool(size, kernel, n_convs, padding):
    for _ in range(n_convs):
        size = size if padding == "same" else size - kernel + 1
    return size


register(CodeExercise(
    name="ch4.block_output_size",
    question="Write block_output_size(size, kernel, n_convs, padding): the side "
             "of the output of a VGG-style block, n_convs stride-1 Conv2D "
             "layers of a kernel x kernel kernel with padding 'same' or "
             "'valid', then 2x2 max pooling with stride 2, on a size x size "
             "input.",
    cases=block_cases,
    reference=_block_ref,
    describe=lambda s, k, n, p: (f"size={s}, kernel={k}, n_convs={n}, "
                                 f"padding={p!r}"),
    hints=("Follow the size through the block one layer at a time: what does "
           "one convolution do to it with 'same', and with 'valid'? What does "
           "the pooling do to an odd size?",
           "'same' keeps the size; 'valid' takes kernel - 1 away, once per "
           "convolution (loop n_convs times). The pooling then keeps "
           "size // 2. Return a whole number."),
    solution_text="Apply the convolution rule n_convs times, then "
                  "size // 2; companion.shapes.conv_output_size does each "
                  "step.",
    mistakes=[
        Mistake(_block_ceil, "Max pooling with stride 2 and 'valid' padding "
                             "drops an odd last row: floor(size / 2), not "
                             "ceil."),
        Mistake(_block_float, "Sizes are whole numbers: the pooling keeps "
                              "size // 2 (floor), not size / 2."),
        Mistake(_block_one_conv, "You applied only one convolution; a block "
                                 "has n_convs of them, each shrinking a "
                                 "'valid' map by kernel - 1."),
        Mistake(_block_same_shrinks, "'same' padding keeps the size; only "
                                     "'valid' takes kernel - 1 away."),
        Mistake(_block_no_pool, "You left out the 2x2 max pooling at the end "
                                "of the block, which halves the size."),
    ],
    next_step="Recompute step by step for the input in the message: the "
              "size after each convolution, then after the pooling.",
))
