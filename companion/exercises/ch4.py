"""Exercises of chapter 4, "A VGG-16 encoder and its mirrored decoder"."""

from __future__ import annotations

from . import Exercise, register


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

    found = solve_conv_transpose(5, 10, kernels=range(1, 7), strides=[2])
    return tuple(sorted((s.kernel, s.padding, s.output_padding) for s in found))


def _decoder_macs():
    from ..models.vgg import Layer, layer_table

    layer = Layer("tconv1_2", "tconv", filters=64, kernel=3)
    return layer_table([layer], (224, 224, 128))[0].macs


register(Exercise(
    name="ch4.tconv_output_shape",
    question="Keras Conv2DTranspose(256, (3, 3), strides=2) (default 'valid' "
             "padding) receives a 7x7x512 map. What is the output shape "
             "(height, width, channels)?",
    expected=_tconv_output_shape,
    hint_text="Keras 'valid': o = H*s + max(K - s, 0); the channels are the "
              "layer's filters, whatever came in.",
    solution_text="7*2 + max(3 - 2, 0) = 15 on each side and 256 filters: "
                  "(15, 15, 256). companion.shapes.conv_transpose_output_size("
                  "7, 3, stride=2, padding='valid') gives 15.",
    wrong_examples=[(14, 14, 256), (15, 15, 512), (13, 13, 256)],
))

register(Exercise(
    name="ch4.tconv_params",
    question="How many parameters has Conv2DTranspose(64, (4, 4), strides=2) "
             "applied to a map with 128 channels?",
    expected=_tconv_params,
    hint_text="k*k*c_in*c_out weights plus one bias per output channel; the "
              "stride changes the output size, not the parameter count.",
    solution_text="4*4*128*64 + 64 = 131,136.",
    wrong_examples=[131072, 131200, 295040],
))

register(Exercise(
    name="ch4.undo_layer",
    question="An encoder's Conv2D(32, (5, 5), strides=2) maps 64x64x3 to "
             "30x30x32. Give (filters, kernel, strides, output_padding) of "
             "the 'valid' Conv2DTranspose that brings 30x30x32 back to "
             "64x64x3.",
    expected=_undo_layer,
    hint_text="Filters: the channels to restore. Both 63 and 64 shrink to 30 "
              "under this convolution; 'valid' with output_padding a gives "
              "(H - 1)*s + K + a.",
    solution_text="(3, 5, 2, 1): (30 - 1)*2 + 5 = 63, so one extra row and "
                  "column (output_padding=1) reaches 64. Without it Keras "
                  "gives 30*2 + max(5 - 2, 0) = 63.",
    wrong_examples=[(3, 5, 2, 0), (32, 5, 2, 1), (3, 4, 2, 0)],
))

register(Exercise(
    name="ch4.settings_search",
    question="List every PyTorch ConvTranspose2d setting with stride 2, "
             "kernel 1 to 6 and no dilation that maps a 5-pixel side to 10, "
             "as (kernel, padding, output_padding) tuples, sorted.",
    expected=_settings_search,
    hint_text="o = (H - 1)*s - 2p + k + output_padding with 0 <= "
              "output_padding < s; try each kernel. "
              "companion.shapes.solve_conv_transpose does the search.",
    solution_text="(1, 0, 1), (2, 0, 0), (3, 1, 1), (4, 1, 0), (5, 2, 1), "
                  "(6, 2, 0): one setting per kernel, the odd kernels need "
                  "output_padding=1.",
    wrong_examples=[((2, 0, 0), (4, 1, 0), (6, 2, 0)),
                    ((2, 0, 0),),
                    ((1, 0, 1), (2, 0, 0), (3, 1, 1), (4, 1, 0), (5, 2, 1))],
))

register(Exercise(
    name="ch4.decoder_macs",
    question="How many multiply-adds does the decoder layer tconv1_2, "
             "Conv2DTranspose(64, (3, 3), padding='same') on a 224x224x128 "
             "map, perform for one image?",
    expected=_decoder_macs,
    hint_text="Every input value scatters a 3x3x64 copy of its kernel slice: "
              "h*w*c_in*k*k*c_out.",
    solution_text="224*224*128*9*64 = 3,699,376,128, about 3.7 billion.",
    wrong_examples=[57802752, 3699376192, 86704128],
))
