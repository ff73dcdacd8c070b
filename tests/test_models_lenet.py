"""companion.models.lenet: LeNet-5 counts, Keras == PyTorch == NumPy, errors."""

import numpy as np
import pytest
from frameworks import tf, tolerance, torch

from companion.models import lenet as L
from companion.models.training import predict_torch

# --------------------------------------------------------------------------
# The LeNet-5 table against the numbers of LeCun et al. (1998) and of
# chapter 1's source article
# --------------------------------------------------------------------------


def _rows(table):
    return {r.name: r for r in table}


def test_lenet5_full_table_reproduces_the_article_numbers():
    rows = _rows(L.lenet5_table())
    assert (rows["c1"].params, rows["c1"].connections) == (156, 122_304)
    assert rows["c1"].output_shape == (28, 28, 6)
    assert rows["s2"].output_shape == (14, 14, 6)
    # a full (standard) convolution: 5*5*6*16 + 16 weights, each used 10x10 times
    assert (rows["c3"].params, rows["c3"].connections) == (2_416, 241_600)
    assert rows["c3"].output_shape == (10, 10, 16)
    assert rows["s4"].output_shape == (5, 5, 16)
    assert rows["c5"].params == 48_120 and rows["c5"].output_shape == (1, 1, 120)
    assert rows["f6"].params == 10_164
    assert rows["output"].params == 850  # 84*10 + 10, not F6's 10,164


def test_lenet5_with_lecun_table_and_trainable_subsampling_matches_the_paper():
    rows = _rows(L.lenet5_table("lecun", subsampling="trainable"))
    # LeCun et al. 1998, section II.B
    assert (rows["c1"].params, rows["c1"].connections) == (156, 122_304)
    assert (rows["s2"].params, rows["s2"].connections) == (12, 5_880)
    assert (rows["c3"].params, rows["c3"].connections) == (1_516, 151_600)
    assert (rows["s4"].params, rows["s4"].connections) == (32, 2_000)
    assert (rows["c5"].params, rows["c5"].connections) == (48_120, 48_120)
    assert rows["f6"].params == 10_164


def test_the_article_c3_connection_count_is_one_input_map_per_c3_map():
    # 10 x 10 x 16 x (25 + 1) = 41,600 holds for a table where each C3 map
    # reads a single S2 map, not for the full table the article describes.
    one_each = np.zeros((6, 16), dtype=bool)
    one_each[np.arange(16) % 6, np.arange(16)] = True
    c3 = _rows(L.lenet5_table(one_each))["c3"]
    assert c3.connections == 10 * 10 * 16 * (25 + 1) == 41_600
    assert c3.params == 16 * 25 + 16


def test_lecun_c3_table_structure():
    t = L.lecun_c3_table()
    assert t.shape == (6, 16) and t.dtype == bool and t.sum() == 60
    assert t.sum(axis=0).tolist() == [3] * 6 + [4] * 9 + [6]
    # first row of Table I: S2 map 0 feeds C3 maps 0, 4, 5, 6, 9, 10, 11, 12, 14, 15
    assert np.flatnonzero(t[0]).tolist() == [0, 4, 5, 6, 9, 10, 11, 12, 14, 15]
    assert np.flatnonzero(t[:, 14]).tolist() == [0, 2, 3, 5]


def test_format_table_has_a_total_line():
    text = L.format_table(L.lenet5_table())
    assert text.splitlines()[-1].split()[:2] == ["total", "61,706"]


# --------------------------------------------------------------------------
# Parameter counts against the frameworks
# --------------------------------------------------------------------------

MNIST_PARAMS = (5 * 5 * 1 * 32 + 32) + (5 * 5 * 32 * 64 + 64) \
    + (7 * 7 * 64 * 512 + 512) + (512 * 10 + 10)


@pytest.mark.parametrize("variant", L.VARIANTS)
def test_parameter_counts_match_count_params_and_numel(variant):
    tf()
    km = L.build_keras(variant)
    tm = L.build_torch(variant)
    n_torch = sum(p.numel() for p in tm.parameters())
    assert km.count_params() == n_torch
    keras_rows, torch_rows = L.layer_table(km), L.layer_table(tm)
    assert [(r.name, r.output_shape, r.params, r.connections) for r in keras_rows] \
        == [(r.name, r.output_shape, r.params, r.connections) for r in torch_rows]
    assert sum(r.params for r in keras_rows) == km.count_params()
    if variant == "lenet5":
        assert keras_rows == L.lenet5_table()
        assert km.count_params() == 156 + 2_416 + 48_120 + 10_164 + 850
    else:
        assert km.count_params() == MNIST_PARAMS
        assert [r.output_shape for r in keras_rows] == [
            (28, 28, 32), (14, 14, 32), (14, 14, 64), (7, 7, 64), (512,), (10,)]


# --------------------------------------------------------------------------
# NumPy forward == Keras == PyTorch on the same weights
# --------------------------------------------------------------------------


def _random_weights(variant, dtype, seed=0):
    rng = np.random.default_rng(seed)
    model = L.build_keras(variant)
    out = {}
    for name in L.WEIGHT_LAYERS[variant]:
        layer = model.get_layer(name)
        k = layer.kernel.shape
        fan_in = int(np.prod(k[:-1]))
        out[name] = (rng.normal(0, 1.5 / np.sqrt(fan_in), k).astype(dtype),
                     rng.normal(0, 0.1, k[-1]).astype(dtype))
    return out


@pytest.mark.parametrize("variant", L.VARIANTS)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_numpy_forward_equals_keras_and_torch(variant, dtype):
    tf()
    weights = _random_weights(variant, dtype)
    x = np.random.default_rng(1).random((4, *L.INPUT_SHAPES[variant])).astype(dtype)
    ours = L.forward_numpy(x, weights)
    km = L.build_keras(variant, dtype=dtype)
    L.load_weights(km, weights)
    tm = L.build_torch(variant, dtype=dtype)
    L.load_weights(tm, weights)
    keras_out = np.asarray(km(x, training=False))
    torch_out = predict_torch(tm, x)
    assert ours.shape == keras_out.shape == torch_out.shape == (4, 10)
    assert ours.dtype == np.dtype(dtype)
    scale = float(np.abs(ours).max())
    fan_in = 5 * 5 * 64 if variant == "mnist" else 5 * 5 * 16
    tol = tolerance(dtype, scale=scale, fan_in=fan_in)
    np.testing.assert_allclose(keras_out, ours, **tol)
    np.testing.assert_allclose(torch_out, ours, **tol)
    # the logits are not all alike: the comparison means something
    assert np.ptp(ours, axis=1).min() > 0.1


@pytest.mark.parametrize("variant", L.VARIANTS)
def test_export_round_trip_between_frameworks(variant):
    tf()
    torch().manual_seed(0)
    tm = L.build_torch(variant, dtype="float64")
    w = L.export_weights(tm)
    km = L.build_keras(variant, dtype="float64")
    L.load_weights(km, w)
    back = L.export_weights(km)
    assert set(back) == set(w) == set(L.WEIGHT_LAYERS[variant])
    for name in w:
        assert back[name][0].shape == w[name][0].shape
        np.testing.assert_array_equal(back[name][0], w[name][0])
        np.testing.assert_array_equal(back[name][1], w[name][1])
    tm2 = L.build_torch(variant, dtype="float64")
    L.load_weights(tm2, back)
    for p, q in zip(tm.parameters(), tm2.parameters()):
        assert torch().equal(p, q)


def test_export_reorders_the_flattened_rows_of_torch_fc1():
    tm = L.build_torch("mnist")
    w = L.export_weights(tm)["fc1"][0]   # (3136, 512), rows in (h, w, c) order
    raw = tm.fc1.weight.detach().numpy().T  # rows in (c, h, w) order
    assert not np.array_equal(w, raw)
    # Keras row (y, x, c) is PyTorch row c*49 + y*7 + x
    y, x_, c = 2, 5, 17
    np.testing.assert_array_equal(w[(y * 7 + x_) * 64 + c], raw[c * 49 + y * 7 + x_])


def test_forward_numpy_returns_features():
    weights = _random_weights("mnist", "float64")
    x = np.random.default_rng(2).random((2, 28, 28, 1))
    logits, feats = L.forward_numpy(x, weights, return_features=True)
    assert feats.shape == (2, 3136) and logits.shape == (2, 10)
    np.testing.assert_allclose(
        np.maximum(feats @ weights["fc1"][0] + weights["fc1"][1], 0)
        @ weights["logits"][0] + weights["logits"][1], logits, rtol=1e-12)


# --------------------------------------------------------------------------
# Training helpers
# --------------------------------------------------------------------------


def test_ema_decay_follows_tf1_num_updates():
    assert L.ema_decay(0, 0.99) == pytest.approx(0.1)
    assert L.ema_decay(5, 0.99) == pytest.approx(6 / 15)
    assert L.ema_decay(10_000, 0.99) == 0.99
    with pytest.raises(ValueError, match="step must be >= 0"):
        L.ema_decay(-1, 0.99)


@pytest.fixture(scope="module")
def small_mnist():
    from companion.data import load_mnist

    x_train, y_train, x_test, y_test = load_mnist()
    return x_train[:600], y_train[:600], x_test[:300], y_test[:300]


@pytest.mark.slow
def test_fit_torch_learns_and_applies_the_average(small_mnist, capsys):
    x, y, xt, yt = small_mnist
    model = L.build_torch("mnist")
    torch().manual_seed(0)
    hist = L.fit_torch(model, x, y, epochs=3, batch_size=50, l2=1e-4,
                       validation=(xt, yt), seed=0)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and lines[0].startswith("epoch 1/3")
    assert "val_accuracy" in lines[-1] and len(hist["val_accuracy"]) == 3
    assert hist["loss"][-1] < hist["loss"][0]
    acc = float(np.mean(predict_torch(model, xt).argmax(1) == yt))
    assert acc > 0.7


@pytest.mark.slow
def test_fit_keras_learns(small_mnist, capsys):
    tf()
    x, y, xt, yt = small_mnist
    model = L.build_keras("mnist", l2=1e-4)
    hist = L.fit_keras(model, x, y, epochs=3, batch_size=50,
                       validation=(xt, yt), seed=0)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and "val_accuracy" in lines[-1]
    assert hist["loss"][-1] < hist["loss"][0]
    acc = float(np.mean(model.predict(xt, verbose=0).argmax(1) == yt))
    assert acc > 0.7


def _hand_average(snapshots, decay):
    """The moving average of a list of weight lists, computed in float64:
    ``shadow = d * shadow + (1 - d) * weights`` after step k, with
    ``d = min(decay, (1 + k) / (10 + k))``, starting from the first entry
    (the weights before training)."""
    shadow = [np.asarray(w, np.float64) for w in snapshots[0]]
    for k, weights in enumerate(snapshots[1:]):
        d = min(decay, (1 + k) / (10 + k))
        shadow = [d * s + (1 - d) * np.asarray(w, np.float64)
                  for s, w in zip(shadow, weights)]
    return shadow


def _tiny_lenet5_data():
    rng = np.random.default_rng(0)
    return rng.random((60, 32, 32, 1), dtype=np.float32), np.arange(60) % 10


def _check_average(final, snapshots, decay):
    expected = _hand_average(snapshots, decay)
    assert len(snapshots) == 1 + 6  # the start, then 3 steps x 2 epochs
    for got, want in zip(final, expected):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)
    # not vacuous: the average is far from the last weights trained
    assert max(float(np.abs(np.asarray(g) - np.asarray(w)).max())
               for g, w in zip(final, snapshots[-1])) > 1e-3


def test_fit_torch_ends_on_the_hand_computed_moving_average():
    x, y = _tiny_lenet5_data()
    t = torch()
    t.manual_seed(0)
    model = L.build_torch("lenet5")
    params = [p for p in model.parameters() if p.requires_grad]
    snapshots = [[p.detach().numpy().copy() for p in params]]

    def record(optimizer, args, kwargs):  # after every optimiser step
        snapshots.append([p.detach().numpy().copy() for p in params])

    from torch.optim.optimizer import register_optimizer_step_post_hook

    handle = register_optimizer_step_post_hook(record)
    try:
        L.fit_torch(model, x, y, epochs=2, batch_size=20, ema=0.9,
                    learning_rate=0.01, verbose=False)
    finally:
        handle.remove()
    _check_average([p.detach().numpy() for p in params], snapshots, 0.9)


def test_fit_keras_ends_on_the_hand_computed_moving_average():
    tf()
    import keras

    x, y = _tiny_lenet5_data()
    model = L.build_keras("lenet5")
    snapshots = []

    def weights():
        return [keras.ops.convert_to_numpy(v).copy()
                for v in model.trainable_weights]

    class Record(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            snapshots.append(weights())

        def on_train_batch_end(self, batch, logs=None):
            snapshots.append(weights())

    L.fit_keras(model, x, y, epochs=2, batch_size=20, ema=0.9,
                learning_rate=0.01, verbose=False, callbacks=[Record()])
    _check_average(weights(), snapshots, 0.9)


def test_frozen_torch_model_only_trains_the_rest(small_mnist):
    x, y, _, _ = small_mnist
    model = L.build_torch("mnist")
    for name in ("conv1", "conv2", "fc1"):
        getattr(model, name).requires_grad_(False)
    before = model.conv1.weight.detach().clone()
    head = model.logits.weight.detach().clone()
    L.fit_torch(model, x[:100], y[:100], epochs=1, batch_size=50, verbose=False)
    assert torch().equal(before, model.conv1.weight)
    assert not torch().equal(head, model.logits.weight)


# --------------------------------------------------------------------------
# Validation errors
# --------------------------------------------------------------------------


def test_builder_errors():
    with pytest.raises(ValueError, match="variant must be one of 'lenet5', 'mnist'"):
        L.build_keras("lenet")
    with pytest.raises(ValueError, match="dropout must be in \\[0, 1\\), got 1.0"):
        L.build_torch("mnist", dropout=1.0)
    with pytest.raises(ValueError, match="dtype must be one of"):
        L.build_torch("mnist", dtype="float16")
    with pytest.raises(TypeError, match="l2 must be a number"):
        L.build_keras("mnist", l2="0.1")
    with pytest.raises(ValueError, match="init must be one of 'keras', 'torch'"):
        L.build_torch("mnist", init="he")


def test_table_errors():
    with pytest.raises(ValueError, match="c3_table must be 'full', 'lecun' or"):
        L.lenet5_table(np.ones((16, 6), dtype=bool))
    with pytest.raises(ValueError, match="c3_table must be one of"):
        L.lenet5_table("partial")
    empty = np.ones((6, 16), dtype=bool)
    empty[:, 3] = False
    with pytest.raises(ValueError, match="leaves a C3 map without any input"):
        L.lenet5_table(empty)
    with pytest.raises(ValueError, match="subsampling must be one of"):
        L.lenet5_table(subsampling="max")
    with pytest.raises(TypeError, match="model must be a keras.Model or a torch"):
        L.layer_table("lenet")


def test_weight_and_forward_errors():
    weights = _random_weights("mnist", "float32")
    with pytest.raises(ValueError, match=r"x must have shape \(n, 28, 28, 1\)"):
        L.forward_numpy(np.zeros((1, 32, 32, 1), np.float32), weights)
    with pytest.raises(TypeError, match="weights must be a dict"):
        L.forward_numpy(np.zeros((1, 28, 28, 1), np.float32), [1, 2])
    with pytest.raises(ValueError, match="weights must hold the layers of one"):
        L.forward_numpy(np.zeros((1, 28, 28, 1), np.float32),
                        {"conv1": weights["conv1"]})
    bad = dict(weights, fc1=(weights["fc1"][0],))
    with pytest.raises(ValueError, match=r"weights\['fc1'\] must be a \(kernel"):
        L.forward_numpy(np.zeros((1, 28, 28, 1), np.float32), bad)
    with pytest.raises(ValueError, match="do not fit a lenet5 model"):
        L.load_weights(L.build_torch("lenet5"), weights)
    tf()
    with pytest.raises(ValueError, match="do not fit a lenet5 model"):
        L.load_weights(L.build_keras("lenet5"), weights)
    wrong = dict(weights, logits=(np.zeros((512, 7), np.float32),
                                  np.zeros(7, np.float32)))
    with pytest.raises(ValueError, match=r"weights\['logits'\] kernel has shape"):
        L.load_weights(L.build_torch("mnist"), wrong)
    with pytest.raises(ValueError, match=r"weights\['logits'\] kernel has shape"):
        L.load_weights(L.build_keras("mnist"), wrong)


def test_training_errors():
    model = L.build_torch("mnist")
    x = np.zeros((4, 28, 28, 1), np.float32)
    y = np.zeros(4, np.int64)
    with pytest.raises(ValueError, match=r"y must be integer labels of shape \(4,\)"):
        L.fit_torch(model, x, y[:3], verbose=False)
    with pytest.raises(ValueError, match="y must be integer labels"):
        L.fit_torch(model, x, y.astype(np.float32), verbose=False)
    with pytest.raises(ValueError, match="epochs must be >= 1"):
        L.fit_torch(model, x, y, epochs=0, verbose=False)
    with pytest.raises(ValueError, match="decay_rate must be a number in \\(0, 1\\]"):
        L.fit_torch(model, x, y, decay_rate=0.0, verbose=False)
    with pytest.raises(ValueError, match="ema must be None or in \\(0, 1\\)"):
        L.fit_torch(model, x, y, ema=1.0, verbose=False)
    with pytest.raises(TypeError, match="x must have a floating dtype"):
        L.fit_torch(model, x.astype(np.uint8), y, verbose=False)
    model.requires_grad_(False)
    with pytest.raises(ValueError, match="nothing to train"):
        L.fit_torch(model, x, y, verbose=False)


def test_copy_weights_moves_a_model_to_the_other_framework():
    tf()
    km = L.build_keras("lenet5")
    tm = L.build_torch("lenet5")
    L.copy_weights(km, tm)
    x = np.random.default_rng(7).random((3, 32, 32, 1)).astype(np.float32)
    np.testing.assert_allclose(predict_torch(tm, x), np.asarray(km(x)),
                               rtol=1e-5, atol=1e-5)
    back = L.build_keras("lenet5")
    L.copy_weights(tm, back)
    for a, b in zip(back.get_weights(), km.get_weights()):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="do not fit a mnist model"):
        L.copy_weights(km, L.build_torch("mnist"))
