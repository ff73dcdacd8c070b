"""companion.models.deconvnet: SmallNet in three frameworks and the deconvnet."""

import numpy as np
import pytest
from frameworks import tf, torch

from companion.data import load_mnist
from companion.layouts import conv_kernel_to_torch, nchw_to_nhwc, nhwc_to_nchw
from companion.models import deconvnet as dn
from companion.pooling import max_unpool2d

CHANNELS = (4, 6)


@pytest.fixture(scope="module")
def digits():
    x_train, y_train, x_test, y_test = load_mnist()
    return x_train, y_train, x_test, y_test


@pytest.fixture(scope="module")
def net():
    torch()
    model = dn.build_torch(CHANNELS, seed=3)
    return model, dn.export_weights(model)


def _torch_logits(model, x):
    t = torch()
    with t.no_grad():
        return model(t.from_numpy(nhwc_to_nchw(x))).numpy()


def test_parameter_count_matches_both_frameworks():
    tf()
    for channels in [(8, 16), (3, 5)]:
        model = dn.build_torch(channels)
        n_torch = sum(p.numel() for p in model.parameters())
        assert dn.parameter_count(channels) == n_torch
        assert dn.build_keras(channels).count_params() == n_torch
    # conv1 (25 + 1) * 16, conv2 (25 * 16 + 1) * 32, dense (512 + 1) * 10
    assert dn.parameter_count((16, 32)) == 416 + 12832 + 5130


def test_numpy_forward_equals_torch_and_keras(net, digits):
    model, params = net
    x = digits[2][:64]
    acts = dn.forward_numpy(x, params, return_activations=True)
    np.testing.assert_allclose(acts["logits"], _torch_logits(model, x),
                               rtol=1e-5, atol=1e-5)
    keras_model = dn.build_keras(CHANNELS)
    dn.load_weights(keras_model, params)
    np.testing.assert_allclose(acts["logits"], keras_model.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-5)
    back = dn.export_weights(keras_model)
    for key in params:
        np.testing.assert_array_equal(back[key][0], params[key][0])
        np.testing.assert_array_equal(back[key][1], params[key][1])


def test_load_weights_into_torch_round_trips(net, digits):
    _, params = net
    other = dn.build_torch(CHANNELS, seed=99)
    dn.load_weights(other, params)
    again = dn.export_weights(other)
    for key in params:
        np.testing.assert_array_equal(again[key][0], params[key][0])
        np.testing.assert_array_equal(again[key][1], params[key][1])
    x = digits[2][:8]
    np.testing.assert_allclose(_torch_logits(other, x),
                               dn.forward_numpy(x, params), rtol=1e-5, atol=1e-5)


def test_forward_shapes_and_switches(net, digits):
    _, params = net
    acts = dn.forward_numpy(digits[2][:5], params, return_activations=True)
    c1, c2 = CHANNELS
    assert acts["relu1"].shape == (5, 24, 24, c1)
    assert acts["pool1"].shape == acts["switch1"].shape == (5, 12, 12, c1)
    assert acts["relu2"].shape == (5, 8, 8, c2)
    assert acts["pool2"].shape == (5, 4, 4, c2)
    assert acts["logits"].shape == (5, 10)
    # the switches point at the maxima: unpooling puts each one back in place
    back = max_unpool2d(acts["pool1"], acts["switch1"], (24, 24))
    kept = back != 0
    np.testing.assert_array_equal(back[kept], acts["relu1"][kept])


def test_layer_one_projection_is_the_filter_itself(net, digits):
    _, params = net
    acts = dn.forward_numpy(digits[2][:6], params, return_activations=True)
    values, pos = dn.strongest(acts, 1, 2)
    rec = dn.project(acts, params, 1, 2)
    for n in range(6):
        r, c = pos[n]
        expect = np.zeros((28, 28))
        expect[r:r + 5, c:c + 5] = values[n] * params["conv1"][0][:, :, 0, 2]
        np.testing.assert_allclose(rec[n, :, :, 0], expect, rtol=1e-6, atol=1e-7)


def _torch_deconvnet(x, params, channel):
    """The same projection written with PyTorch's own operations, from the images:
    PyTorch's forward pass finds the layer-2 maps and its own switches
    (``max_pool2d(..., return_indices=True)``), which ``max_unpool2d`` uses."""
    t = torch()
    F = t.nn.functional

    w1 = t.from_numpy(conv_kernel_to_torch(params["conv1"][0]))
    w2 = t.from_numpy(conv_kernel_to_torch(params["conv2"][0]))
    b1, b2 = t.from_numpy(params["conv1"][1]), t.from_numpy(params["conv2"][1])
    relu1 = F.relu(F.conv2d(t.from_numpy(nhwc_to_nchw(x)).to(w1.dtype), w1, b1))
    pool1, switches = F.max_pool2d(relu1, 2, return_indices=True)
    maps = F.relu(F.conv2d(pool1, w2, b2))
    n = maps.shape[0]
    plane = maps[:, channel].reshape(n, -1)
    top = t.zeros_like(maps)
    best = plane.argmax(1)
    top[t.arange(n), channel, best // 8, best % 8] = plane.max(1).values
    # ConvTranspose2d wants (c_in, c_out, kh, kw): the conv's (c_out, c_in, ...)
    r = F.conv_transpose2d(top, w2)
    r = F.max_unpool2d(r, switches, 2, output_size=(24, 24))
    r = F.conv_transpose2d(F.relu(r), w1)
    return nchw_to_nhwc(r.numpy())


def test_layer_two_projection_matches_pytorch_operations(net, digits):
    _, params = net
    x = digits[2][:10]
    acts = dn.forward_numpy(x, params, return_activations=True)
    for channel in range(CHANNELS[1]):
        ours = dn.project(acts, params, 2, channel)
        np.testing.assert_allclose(ours, _torch_deconvnet(x, params, channel),
                                   rtol=1e-5, atol=1e-6)


def test_projection_stays_inside_the_receptive_field(net, digits):
    _, params = net
    acts = dn.forward_numpy(digits[2][:10], params, return_activations=True)
    _, pos = dn.strongest(acts, 2, 1)
    rec = dn.project(acts, params, 2, 1)
    for n in range(10):
        rows, cols = dn.receptive_field(2, *pos[n])
        outside = rec[n, :, :, 0].copy()
        outside[rows, cols] = 0
        assert np.all(outside == 0)
        assert (rows.stop - rows.start, cols.stop - cols.start) == (14, 14)


def test_keep_map_is_the_sum_of_single_activations(net, digits):
    # the projection is linear in the kept activations until the ReLU after
    # unpooling; for layer 1 it is linear throughout
    _, params = net
    acts = dn.forward_numpy(digits[2][:2], params, return_activations=True)
    whole = dn.project(acts, params, 1, 0, keep="map")
    from companion.transposed import conv_transpose2d
    only = np.zeros_like(acts["relu1"])
    only[..., 0] = acts["relu1"][..., 0]
    np.testing.assert_allclose(whole, conv_transpose2d(only, params["conv1"][0]),
                               rtol=1e-6, atol=1e-7)


def test_training_learns_the_digits(digits):
    t = torch()
    threads = t.get_num_threads()
    t.set_num_threads(1)
    try:
        x_train, y_train, x_test, y_test = digits
        model = dn.build_torch((8, 16), seed=0)
        losses = dn.fit_torch(model, x_train[:2000], y_train[:2000], epochs=2,
                              verbose=False)["loss"]
    finally:
        t.set_num_threads(threads)
    assert len(losses) == 2 and losses[1] < losses[0]
    acc = (dn.forward_numpy(x_test, dn.export_weights(model)).argmax(1)
           == y_test).mean()
    assert acc > 0.85


def test_errors_name_the_parameter(net, digits):
    model, params = net
    acts = dn.forward_numpy(digits[2][:2], params, return_activations=True)
    with pytest.raises(ValueError, match="layer must be 1 or 2, got 3"):
        dn.project(acts, params, 3, 0)
    with pytest.raises(ValueError, match="channel must be <= 5, got 6"):
        dn.project(acts, params, 2, 6)
    with pytest.raises(ValueError, match="keep must be one of 'max', 'map'"):
        dn.project(acts, params, 2, 0, keep="all")
    with pytest.raises(ValueError, match=r"x must have shape \(n, 28, 28, 1\)"):
        dn.forward_numpy(np.zeros((1, 32, 32, 1), np.float32), params)
    with pytest.raises(ValueError, match="weights lacks"):
        dn.forward_numpy(digits[2][:1], {"conv1": params["conv1"]})
    with pytest.raises(TypeError, match="weights must be the dict"):
        dn.forward_numpy(digits[2][:1], [params])
    with pytest.raises(ValueError, match=r"weights\['conv2'\] must be a"):
        dn.forward_numpy(digits[2][:1], {**params, "conv2": params["conv2"][0]})
    with pytest.raises(TypeError, match="model must be a keras.Model or a torch"):
        dn.export_weights("smallnet")
    with pytest.raises(ValueError, match=r"y must be integer labels of shape \(2,\)"):
        dn.fit_torch(model, digits[0][:2], np.zeros(3, dtype=int))
    with pytest.raises(ValueError, match="row must be <= 7"):
        dn.receptive_field(2, 8, 0)
    with pytest.raises(ValueError, match="channels must be >= 1"):
        dn.parameter_count((0, 4))


def test_copy_weights_torch_to_keras(net, digits):
    model, params = net
    keras_model = dn.build_keras(CHANNELS)
    dn.copy_weights(model, keras_model)
    x = digits[2][:8]
    np.testing.assert_allclose(keras_model.predict(x, verbose=0),
                               dn.forward_numpy(x, params), rtol=1e-5, atol=1e-5)
