"""companion.models.training: the fits, prediction and counts shared by every
network, and their argument checks."""

import numpy as np
import pytest
from frameworks import tf, torch

from companion.layouts import from_torch, nhwc_to_nchw, to_torch
from companion.models import training as T


def _keras():
    tf()
    import keras

    return keras


def _torch_net(seed=0):
    nn = torch().nn
    torch().manual_seed(seed)
    return nn.Sequential(nn.Conv2d(2, 3, 3, padding=1), nn.ReLU(),
                         nn.Conv2d(3, 2, 1))


def _data(n=12, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 5, 4, 2)).astype(np.float32)
    return x, np.tanh(x[..., ::-1]).astype(np.float32)


def test_framework_of_and_count_params():
    keras = _keras()
    km = keras.Sequential([keras.Input((5, 4, 2)), keras.layers.Conv2D(3, 3)])
    tm = _torch_net()
    assert T.framework_of(km) == "keras" and T.framework_of(tm) == "torch"
    assert T.framework_of(keras.layers.Dense(2)) == "keras"
    assert T.count_params(km) == 3 * 3 * 2 * 3 + 3
    assert T.count_params(tm) == (3 * 3 * 2 * 3 + 3) + (3 * 2 + 2)
    tm[0].requires_grad_(False)  # frozen weights still count, as in Keras
    assert T.count_params(tm) == 65
    for bad in ("model", np.zeros(3), None):
        with pytest.raises(TypeError, match="model must be a keras.Model or a "
                                            "torch.nn.Module"):
            T.framework_of(bad)


def test_predict_torch_is_the_model_in_eval_mode_on_nhwc_data():
    x, _ = _data(7)
    model = _torch_net()
    model.train()
    with torch().no_grad():
        want = from_torch(model(to_torch(x)))
    got = T.predict_torch(model, x, batch_size=3)  # 3 + 3 + 1 images
    assert got.shape == (7, 5, 4, 2) and not model.training
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    flat = torch().nn.Sequential(model, torch().nn.Flatten())
    logits = T.predict_torch(flat, x)
    np.testing.assert_allclose(logits, nhwc_to_nchw(want).reshape(7, -1),
                               rtol=1e-6, atol=1e-6)
    with pytest.raises(ValueError, match="batch_size must be >= 1"):
        T.predict_torch(model, x, batch_size=0)
    with pytest.raises(ValueError, match="x must have 4 dimensions"):
        T.predict_torch(model, x[0])
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        T.predict_torch(_keras().layers.Dense(2), x)


def test_fit_torch_is_reproducible_and_leaves_the_global_generator_alone(capsys):
    x, y = _data()

    def run(shuffle):
        model = _torch_net()
        before = torch().random.get_rng_state()
        hist = T.fit_torch(model, x, y, epochs=4, batch_size=5, learning_rate=0.05,
                           seed=1, shuffle=shuffle, validation=(x[:4], y[:4]))
        assert torch().equal(before, torch().random.get_rng_state())
        return hist, [p.detach().clone() for p in model.parameters()]

    (h1, w1), (h2, w2), (h3, _) = run("numpy"), run("numpy"), run("torch")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 12 and lines[0].startswith("epoch 1/4  loss ")
    assert "val_loss" in lines[0]
    assert h1["loss"] == h2["loss"] and all(torch().equal(a, b)
                                            for a, b in zip(w1, w2))
    assert h1["loss"] != h3["loss"]  # another generator, another order
    assert h1["loss"][-1] < h1["loss"][0] and len(h1["val_loss"]) == 4
    assert "accuracy" not in h1 and h1["seconds"] > 0


def test_fit_torch_steps_match_a_hand_written_loop():
    """One epoch, no shuffling effect: two batches in the seeded order."""
    x, y = _data(6)
    model, twin = _torch_net(), _torch_net()
    T.fit_torch(model, x, y, epochs=1, batch_size=4, learning_rate=0.01, seed=5,
                verbose=False, l2=0.1)
    t = torch()
    order = np.random.default_rng(5).permutation(6)
    opt = t.optim.Adam(twin.parameters(), lr=0.01)
    xt, yt = to_torch(x), to_torch(y)
    for i in (0, 4):
        idx = t.from_numpy(order[i:i + 4])
        loss = t.nn.functional.mse_loss(twin(xt[idx]), yt[idx])
        loss = loss + 0.1 * sum(p.pow(2).sum() for p in twin.parameters()
                                if p.ndim > 1)
        opt.zero_grad()
        loss.backward()
        opt.step()
    for p, q in zip(model.parameters(), twin.parameters()):
        assert t.equal(p, q)


def test_fit_torch_classifier_records_accuracy_and_calls_on_step():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((20, 4, 4, 2)).astype(np.float32)
    y = (x[..., 0].mean(axis=(1, 2)) > 0).astype(int)
    nn = torch().nn
    model = nn.Sequential(nn.Flatten(), nn.Linear(32, 2))
    steps = []
    hist = T.fit_torch(model, x, y, epochs=3, batch_size=8, loss="cross_entropy",
                       schedule="exponential", decay_rate=0.5, verbose=False,
                       on_step=steps.append, validation=(x, y))
    assert steps == list(range(9))
    assert len(hist["accuracy"]) == len(hist["val_accuracy"]) == 3
    assert all(0 <= a <= 1 for a in hist["accuracy"])


def test_fit_keras_trains_and_reports(capsys):
    keras = _keras()
    x, y = _data(16)

    def run():
        model = keras.Sequential([keras.Input((5, 4, 2)),
                                  keras.layers.Conv2D(2, 3, padding="same")])
        keras.utils.set_random_seed(0)
        model.set_weights([w * 0 + 0.1 for w in model.get_weights()])
        hist = T.fit_keras(model, x, y, epochs=3, batch_size=8, seed=2,
                           learning_rate=0.05, schedule="cosine",
                           validation=(x[:4], y[:4]))
        return hist, model.get_weights()

    (h1, w1), (h2, w2) = run(), run()
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 6 and lines[2].startswith("epoch 3/3  loss ")
    assert h1["loss"] == h2["loss"] and all(np.array_equal(a, b)
                                            for a, b in zip(w1, w2))
    assert h1["loss"][-1] < h1["loss"][0] and len(h1["val_loss"]) == 3
    assert [s for s, _ in h1["progress"]] == [2, 4, 6]
    model = keras.Sequential([keras.Input((5, 4, 2)), keras.layers.Conv2D(2, 1)])
    hist = T.fit_keras(model, x, y, epochs=2, batch_size=4, log_every=3,
                       verbose=False, seed=None)
    assert [s for s, _ in hist["progress"]] == [3, 6, 8]  # and the last step
    lines = []
    T.fit_keras(model, x, y, epochs=1, batch_size=4, log_every=2, seed=None,
                log=lines.append)
    assert [line.split()[:2] for line in lines] == [["step", "2/4"],
                                                    ["step", "4/4"]]
    with pytest.raises(TypeError, match="log must be callable, got 'print'"):
        T.fit_keras(model, x, y, epochs=1, log="print")


def test_fit_argument_errors():
    x, y = _data(4)
    model = _torch_net()
    keras_model = _keras().Sequential([_keras().Input((5, 4, 2)),
                                       _keras().layers.Conv2D(2, 1)])
    with pytest.raises(ValueError, match="y must hold one target per input: 4, got 3"):
        T.fit_torch(model, x, y[:3], epochs=1)
    with pytest.raises(ValueError, match=r"y must be integer labels of shape \(4,\)"):
        T.fit_torch(model, x, y, epochs=1, loss="cross_entropy")
    with pytest.raises(ValueError, match="loss must be one of 'mse', 'cross_entropy'"):
        T.fit_torch(model, x, y, epochs=1, loss="mae")
    with pytest.raises(TypeError, match="loss must be one of"):
        T.fit_keras(keras_model, x, y, epochs=1, loss=3)
    with pytest.raises(ValueError, match="epochs must be >= 1"):
        T.fit_torch(model, x, y, epochs=0)
    with pytest.raises(ValueError, match="learning_rate must be a number > 0"):
        T.fit_keras(keras_model, x, y, epochs=1, learning_rate=-1)
    with pytest.raises(ValueError, match="schedule must be one of"):
        T.fit_keras(keras_model, x, y, epochs=1, schedule="step")
    with pytest.raises(ValueError, match=r"decay_rate must be a number in \(0, 1\]"):
        T.fit_torch(model, x, y, epochs=1, decay_rate=0)
    with pytest.raises(ValueError, match=r"alpha must be a number in \[0, 1\]"):
        T.fit_torch(model, x, y, epochs=1, alpha=2)
    with pytest.raises(ValueError, match="shuffle must be one of 'numpy', 'torch'"):
        T.fit_torch(model, x, y, epochs=1, shuffle="python")
    with pytest.raises(ValueError, match="l2 must be a number >= 0"):
        T.fit_torch(model, x, y, epochs=1, l2=-1)
    with pytest.raises(ValueError, match=r"validation must be a pair \(x_val, y_val\)"):
        T.fit_torch(model, x, y, epochs=1, validation=x)
    with pytest.raises(TypeError, match="on_step must be callable"):
        T.fit_torch(model, x, y, epochs=1, on_step=3)
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        T.fit_torch(keras_model, x, y, epochs=1)
    with pytest.raises(TypeError, match="model must be a keras.Model"):
        T.fit_keras(model, x, y, epochs=1)
    with pytest.raises(ValueError, match="log_every must be >= 1"):
        T.fit_keras(keras_model, x, y, epochs=1, log_every=0)
    with pytest.raises(TypeError, match="log must be callable"):
        T.fit_torch(model, x, y, epochs=1, log="print")
    with pytest.raises(ValueError, match="device must name a PyTorch device .*'gpu'"):
        T.fit_torch(model, x, y, epochs=1, device="gpu")
    with pytest.raises(TypeError, match="device must be a str such as 'cpu'"):
        T.fit_torch(model, x, y, epochs=1, device=0.5)
    import companion.models.inpainting as ip

    with pytest.raises(ValueError, match="device must name a PyTorch device"):
        ip.fit_dilated(ip.build_dilated_torch(), x[..., :1], hole=2, steps=1,
                       device="tpu0")
    model.requires_grad_(False)
    with pytest.raises(ValueError, match="nothing to train"):
        T.fit_torch(model, x, y, epochs=1)


# --------------------------------------------------------------------------
# The device: chapters train on course_device(), the CPU stays one thread
# --------------------------------------------------------------------------

DEVICES = ["cpu", pytest.param("cuda", marks=pytest.mark.skipif(
    not (torch() and torch().cuda.is_available()), reason="no GPU here"))]


def _chapter_fits():
    """Each PyTorch training the chapters run, on a tiny problem: a function
    of ``device`` returning the trained module."""
    import companion.models.inpainting as ip
    from companion.models import deconvnet, lenet

    x, y = _data(8)
    digits = np.random.default_rng(0).random((8, 28, 28, 1), dtype=np.float32)
    labels = np.arange(8) % 10

    def shared(device):  # chapters 2 and 4
        model = _torch_net()
        T.fit_torch(model, x, y, epochs=1, batch_size=4, verbose=False,
                    device=device)
        return model

    def lenet_fit(device):  # chapter 1
        model = lenet.build_torch("mnist")
        lenet.fit_torch(model, digits, labels, epochs=1, batch_size=4,
                        verbose=False, device=device)
        return model

    def deconvnet_fit(device):  # chapter 3
        model = deconvnet.build_torch((2, 2))
        deconvnet.fit_torch(model, digits, labels, epochs=1, batch_size=4,
                            verbose=False, device=device)
        return model

    def dilated_fit(device):  # chapter 5
        model = ip.build_dilated_torch(channels=2, dilations=(1,))
        ip.fit_dilated(model, digits, hole=4, steps=2, batch_size=2,
                       verbose=False, device=device)
        return model

    return {"shared": shared, "lenet": lenet_fit, "deconvnet": deconvnet_fit,
            "dilated": dilated_fit}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("fit", ["shared", "lenet", "deconvnet", "dilated"])
def test_chapter_trainings_end_on_the_device_they_are_given(fit, device):
    model = _chapter_fits()[fit](device)
    assert {p.device.type for p in model.parameters()} == {device}
    assert all(np.isfinite(p.detach().cpu().numpy()).all()
               for p in model.parameters())


@pytest.mark.parametrize("fit", ["shared", "lenet", "deconvnet", "dilated"])
def test_chapter_trainings_move_the_model_to_a_gpu_when_asked(fit, monkeypatch):
    """Without a GPU: ``Module.to`` is replaced by a recorder, and the batches
    must follow the parameters (left on the CPU by the fake move)."""
    t = torch()
    moves = []

    def fake_to(self, *args, **kwargs):
        moves.append(args[0] if args else kwargs.get("device"))
        return self

    monkeypatch.setattr(t.nn.Module, "to", fake_to)
    _chapter_fits()[fit]("cuda")
    assert moves and all(t.device(m) == t.device("cuda") for m in moves)


def test_chapters_pass_course_device_to_every_pytorch_training():
    """Every cell of chapters 1-5 that trains a PyTorch network through the
    companion passes ``device=device`` (the set-up cell's ``course_device()``)."""
    import json
    import pathlib
    import re

    book = pathlib.Path(__file__).resolve().parents[1] / "book"
    calls = 0
    for path in sorted(book.glob("0[1-5]_*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        setup = "".join("".join(c["source"]) for c in nb["cells"][:6])
        assert "device = course_device()" in setup, path.name
        for cell in nb["cells"]:
            src = "".join(cell["source"])
            if cell["cell_type"] != "code":
                continue
            for call in re.finditer(r"\b(fit_torch|fit_dilated)\(", src):
                depth, i = 1, call.end()
                while depth:
                    depth += {"(": 1, ")": -1}.get(src[i], 0)
                    i += 1
                calls += 1
                args = src[call.end():i]
                # or a dict of options, defined in the cell, unpacked here
                options = [re.search(rf"{name} = dict\(([^)]*)\)", src)
                           for name in re.findall(r"\*\*(\w+)", args)]
                assert "device=device" in args or any(
                    o and "device=device" in o[1] for o in options), (
                    path.name, cell.get("id"), src[call.start():i])
    assert calls >= 6


def test_course_device_keeps_one_cpu_thread_and_leaves_gpu_threads(monkeypatch):
    from companion import utils

    t = torch()
    saved = t.get_num_threads()
    monkeypatch.delenv(utils.DEVICE_ENV, raising=False)
    monkeypatch.delenv(utils.THREADS_ENV, raising=False)
    try:
        t.set_num_threads(2)
        assert utils.course_device("cpu") == "cpu"
        assert t.get_num_threads() == 1  # the CPU setting, as before
        t.set_num_threads(2)
        monkeypatch.setattr(t.cuda, "is_available", lambda: True)
        assert utils.course_device() == "cuda"
        assert t.get_num_threads() == 2  # a GPU run keeps PyTorch's threads
        with pytest.raises(ValueError, match="threads must be >= 1"):
            utils.course_device("cuda", threads=0)
    finally:
        t.set_num_threads(saved)
