"""The training chapters at the source articles' size, for a GPU runtime.

The chapters train CI-sized models (``COURSE_SCALE=quick``, the default, see
:mod:`companion.settings`). With ``COURSE_SCALE=full`` a chapter, or
``python -m companion.fullsize EXPERIMENT [FOLDER]``, runs its experiment at
the article's size instead:

* :func:`run_lenet`: LeNet on all 60,000 MNIST training digits, scored on the
  10,000 test digits (target: at least 99.0% accuracy);
* :func:`run_superres`: the article's 4x super-resolution network (64 x 64 to
  256 x 256) on a folder of photographs (the article's Caltech-101 pandas, or
  any folder), 100 epochs, batch 2, an 80/20 split;
* :func:`run_vgg`: the VGG-16 autoencoder (224 x 224) on a folder of photographs;
* :func:`run_inpainting`: the inpainting network on 228 x 228 photographs with
  50 x 50 holes, 150 epochs, batch 25.

Each run writes its scores with provenance (date, device, framework versions,
seed, data, scale, settings) to a JSON file (:func:`results_path`), which
:func:`show_results` displays. A quick run never reads that file as its own
result: a chapter prints its own numbers, and shows recorded full-size runs
only under their own heading. Every model call the runs make is in
``companion/fullsize/calls.py``.
"""

from .results import (
    RESULTS_VARIABLE,
    load_results,
    provenance,
    record,
    results_path,
    show_results,
)
from .runs import (
    ARTICLE,
    run_inpainting,
    run_lenet,
    run_superres,
    run_vgg,
    split_indices,
)

__all__ = [
    "ARTICLE", "RESULTS_VARIABLE", "load_results", "provenance", "record",
    "results_path", "run_inpainting", "run_lenet", "run_superres", "run_vgg",
    "show_results", "split_indices",
]
