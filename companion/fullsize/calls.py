"""Every call the full-size runs make into ``companion.models``, in one place.

The runs in :mod:`companion.fullsize.runs` handle data, splits, scores and
records; they build, train and apply networks only through these functions.
"""

from __future__ import annotations

import numpy as np

# --- LeNet (chapter 1) -----------------------------------------------------------

def lenet_train(x, y, *, epochs, batch_size, learning_rate, decay_rate, l2, log):
    """The chapter's "mnist" LeNet in Keras, trained with its recipe."""
    from ..models import lenet

    model = lenet.build_keras("mnist", l2=l2)
    history = lenet.fit_keras(model, x, y, epochs=epochs, batch_size=batch_size,
                              learning_rate=learning_rate, decay_rate=decay_rate,
                              ema=0.99, verbose=log is not None,
                              log=log or print)
    return model, history["loss"]


def lenet_logits(model, x) -> np.ndarray:
    return np.asarray(model.predict(x, verbose=0, batch_size=500))


# --- super-resolution (chapter 2) ---------------------------------------------------

def superres_train(lr, hr, *, epochs, batch_size, log):
    """The article's network (two Conv2DTranspose k=2, s=2, then a 3x3 conv)."""
    from ..models import superres
    from ..models.training import fit_keras

    model = superres.build_keras("article", input_size=lr.shape[1:3])
    history = fit_keras(model, lr, hr, epochs=epochs, batch_size=batch_size,
                        seed=None, verbose=log is not None, log=log or print)
    return model, history["loss"]


def superres_predict(model, lr) -> np.ndarray:
    return np.asarray(model.predict(lr, verbose=0, batch_size=8))


def bicubic_upscale(lr, factor) -> np.ndarray:
    from ..models import superres

    return superres.bicubic_upscale(lr, factor)


def psnr_ssim(reference, test) -> tuple[float, float]:
    from ..metrics import psnr, ssim

    return psnr(reference, test), ssim(reference, test)


# --- VGG autoencoder (chapter 4) ----------------------------------------------------

def vgg_train(x, *, kind, widths, convs, epochs, batch_size, learning_rate, log):
    """VGG-16 encoder + the ``kind`` decoder (sigmoid output), MSE, Adam."""
    from ..models import vgg
    from ..models.training import fit_keras

    layers = vgg.autoencoder_layers(kind, widths, convs, final_activation="sigmoid")
    model = vgg.build_keras(layers, x.shape[1:], name=f"vgg_{kind}_autoencoder")
    history = fit_keras(model, x, x, epochs=epochs, batch_size=batch_size, seed=None,
                        learning_rate=learning_rate, verbose=log is not None,
                        log=log or print)
    return model, history["loss"]


def vgg_predict(model, x) -> np.ndarray:
    return np.asarray(model.predict(x, verbose=0, batch_size=8))


# --- inpainting (chapter 5) ---------------------------------------------------------

def inpainting_holes(images, hole, seed):
    """One random ``hole x hole`` square per image; the masked images."""
    from ..models import inpainting as ip

    masks = ip.random_square_masks(len(images), images.shape[1], hole, seed=seed)
    return masks, ip.cut_holes(images, masks)


def inpainting_train(masked, originals, masks, *, epochs, batch_size,
                     learning_rate, log):
    """The article's network (MSE over the whole image, Adam)."""
    from ..models import inpainting as ip

    model = ip.build_keras(masked.shape[1])
    history = ip.fit_keras(model, masked, originals, masks, epochs=epochs,
                           batch_size=batch_size, learning_rate=learning_rate,
                           verbose=log is not None, log=log or print)
    return model, [loss for _, loss in history["progress"]]


def inpainting_scores(model, masked, originals, masks) -> dict[str, float]:
    """Hole PSNR of the network's fill and of the mean-colour fill."""
    from ..models import inpainting as ip

    prediction = np.asarray(model.predict(masked, verbose=0, batch_size=8))
    restored = ip.composite(masked, masks, prediction)
    return {
        "hole_psnr_db": float(ip.hole_psnr(originals, restored, masks).mean()),
        "mean_fill_hole_psnr_db": float(ip.hole_psnr(
            originals, ip.mean_fill(masked, masks), masks).mean()),
    }
