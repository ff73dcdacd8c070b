"""The four full-size runs. Each loads its data, trains, scores on held-out
data and records the scores with provenance (:func:`.results.record`).

The defaults are the articles' sizes (:data:`ARTICLE`); every size is a
parameter, so the tests run each code path on tiny generated data.
"""

from __future__ import annotations

import time

import numpy as np

from .._validate import check_int
from ..data import fetch_data, load_image_folder
from ..settings import photo_source
from . import calls
from .results import record

#: The source articles' settings (the articles are listed in
#: ``book/errata.md``, "Which article feeds which chapter"): super-resolution
#: 64 -> 256, 100 epochs, batch 2, 20% test (the transposed-convolution
#: article, chapter 2); inpainting 228 x 228, 50 x 50 holes, 150 epochs,
#: batch 25 (the inpainting article, chapter 5). LeNet: the CNN article runs
#: 50,000 steps of 100 digits (83 epochs) of decayed gradient descent; the
#: full run uses chapter 1's Adam recipe for 15 epochs instead, and records
#: whether it met the 99.0% target. The VGG autoencoder is not trained in its
#: article (chapter 4's Q&A): 30 epochs, batch 8 are this course's choice.
ARTICLE = {
    "lenet": {"epochs": 15, "batch_size": 100, "learning_rate": 1e-3,
              "decay_rate": 0.8, "l2": 1e-4, "target_accuracy": 0.99},
    "superres": {"low": 64, "factor": 4, "epochs": 100, "batch_size": 2,
                 "test_fraction": 0.2},
    "vgg": {"size": 224, "kind": "mirrored", "epochs": 30, "batch_size": 8,
            "learning_rate": 1e-4, "test_fraction": 0.2},
    "inpainting": {"size": 228, "hole": 50, "epochs": 150, "batch_size": 25,
                   "learning_rate": 1e-3, "test_fraction": 0.2},
}


def _start(seed):
    from ..utils import quiet_tensorflow, set_seeds

    quiet_tensorflow()
    import keras  # noqa: F401  (seeded by set_seeds once imported)

    set_seeds(check_int(seed, "seed", minimum=0))
    return time.perf_counter()


def split_indices(n: int, test_fraction: float, seed: int):
    """Seeded ``(train, test)`` index arrays for ``n`` images, about
    ``test_fraction`` of them in the test part and at least one on each side.

    >>> train, test = split_indices(10, 0.2, 0)
    >>> len(train), len(test), sorted([*train, *test]) == list(range(10))
    (8, 2, True)
    """
    if not 0 < test_fraction < 1:
        raise ValueError(
            f"test_fraction must be between 0 and 1, got {test_fraction!r}")
    if n < 2:
        raise ValueError(f"the data holds {n} image(s); a split needs at least 2")
    order = np.random.default_rng(seed).permutation(n)
    n_test = min(n - 1, max(1, round(n * test_fraction)))
    return order[n_test:], order[:n_test]


def _folder(source, sha256):
    """``source`` (default: ``$COURSE_PHOTOS``) as a folder of images."""
    if source is None:
        source, env_sha = photo_source()
        sha256 = sha256 or env_sha
    folder = fetch_data(source, sha256=sha256)
    # an unpacked archive often holds one folder with the images
    inner = [p for p in folder.iterdir() if p.is_dir()]
    files = [p for p in folder.iterdir() if p.is_file() and p.name != ".complete"]
    return inner[0] if len(inner) == 1 and not files else folder


def _settings(name, **kw):
    out = dict(ARTICLE[name])
    out.update(kw)
    return out


def run_lenet(data=None, *, seed: int = 0, path=None, log=print, **overrides):
    """LeNet ("mnist" variant) on MNIST; ``data`` is ``(x_train, y_train,
    x_test, y_test)`` (default: all 70,000 digits through
    :func:`companion.data.load_mnist_full`). Returns the recorded entry."""
    s = _settings("lenet", **overrides)
    start = _start(seed)
    if data is None:
        from ..data import load_mnist_full

        data, described = load_mnist_full(), "MNIST, keras.datasets (60,000 + 10,000)"
    else:
        described = f"given arrays ({len(data[0])} training, {len(data[2])} test)"
    x_train, y_train, x_test, y_test = data
    model, losses = calls.lenet_train(
        x_train, y_train, epochs=s["epochs"], batch_size=s["batch_size"],
        learning_rate=s["learning_rate"], decay_rate=s["decay_rate"], l2=s["l2"],
        log=log)
    accuracy = float(np.mean(calls.lenet_logits(model, x_test).argmax(1)
                             == np.asarray(y_test)))
    scores = {"test_accuracy": accuracy,
              "target_met": bool(accuracy >= s["target_accuracy"]),
              "final_loss": float(losses[-1]),
              "seconds": round(time.perf_counter() - start, 1)}
    return record("lenet", scores, s, seed=seed, data=described, path=path)


def run_superres(source=None, *, sha256=None, seed: int = 0, path=None, log=print,
                 **overrides):
    """The article's 4x network on a folder of photographs (or a URL with its
    ``sha256``; default ``$COURSE_PHOTOS``, see ``settings.photo_source``):
    each photograph resized to ``low`` and to ``low * factor``, an 80/20
    split, test PSNR/SSIM against bicubic upscaling."""
    s = _settings("superres", **overrides)
    start = _start(seed)
    folder = _folder(source, sha256)
    low, factor = s["low"], s["factor"]
    lr = load_image_folder(folder, low)
    hr = load_image_folder(folder, low * factor)
    train, test = split_indices(len(lr), s["test_fraction"], seed)
    model, losses = calls.superres_train(lr[train], hr[train], epochs=s["epochs"],
                                           batch_size=s["batch_size"], log=log)
    net_psnr, net_ssim = calls.psnr_ssim(hr[test], calls.superres_predict(
        model, lr[test]))
    bic_psnr, bic_ssim = calls.psnr_ssim(
        hr[test], calls.bicubic_upscale(lr[test], factor))
    scores = {"test_psnr_db": net_psnr, "test_ssim": net_ssim,
              "bicubic_psnr_db": bic_psnr, "bicubic_ssim": bic_ssim,
              "final_loss": float(losses[-1]),
              "seconds": round(time.perf_counter() - start, 1)}
    described = f"{folder} ({len(train)} training, {len(test)} test photographs)"
    return record("superres", scores, s, seed=seed, data=described, path=path)


def run_vgg(source=None, *, sha256=None, seed: int = 0, path=None, log=print,
            widths=None, convs=None, **overrides):
    """The VGG-16 autoencoder (``kind`` decoder) reconstructing photographs
    resized to ``size``; test PSNR/SSIM. ``widths``/``convs`` default to VGG-16."""
    from ..models import vgg

    s = _settings("vgg", **overrides)
    s["widths"] = list(vgg.VGG16_WIDTHS if widths is None else widths)
    s["convs"] = list(vgg.VGG16_CONVS if convs is None else convs)
    start = _start(seed)
    folder = _folder(source, sha256)
    x = load_image_folder(folder, s["size"])
    train, test = split_indices(len(x), s["test_fraction"], seed)
    model, losses = calls.vgg_train(
        x[train], kind=s["kind"], widths=s["widths"], convs=s["convs"],
        epochs=s["epochs"], batch_size=s["batch_size"],
        learning_rate=s["learning_rate"], log=log)
    net_psnr, net_ssim = calls.psnr_ssim(x[test],
                                           calls.vgg_predict(model, x[test]))
    scores = {"test_psnr_db": net_psnr, "test_ssim": net_ssim,
              "final_loss": float(losses[-1]),
              "seconds": round(time.perf_counter() - start, 1)}
    described = f"{folder} ({len(train)} training, {len(test)} test photographs)"
    return record("vgg", scores, s, seed=seed, data=described, path=path)


def run_inpainting(source=None, *, sha256=None, seed: int = 0, path=None, log=print,
                   **overrides):
    """The article's inpainting network: photographs resized to ``size``, one
    seeded ``hole x hole`` square cut from each; hole PSNR on the test split
    against the mean-colour fill."""
    s = _settings("inpainting", **overrides)
    start = _start(seed)
    folder = _folder(source, sha256)
    originals = load_image_folder(folder, s["size"])
    masks, masked = calls.inpainting_holes(originals, s["hole"], seed + 1)
    train, test = split_indices(len(originals), s["test_fraction"], seed)
    model, losses = calls.inpainting_train(
        masked[train], originals[train], masks[train], epochs=s["epochs"],
        batch_size=s["batch_size"], learning_rate=s["learning_rate"], log=log)
    scores = calls.inpainting_scores(model, masked[test], originals[test],
                                       masks[test])
    scores.update(final_loss=float(losses[-1]),
                  seconds=round(time.perf_counter() - start, 1))
    described = f"{folder} ({len(train)} training, {len(test)} test photographs)"
    return record("inpainting", scores, s, seed=seed, data=described, path=path)
