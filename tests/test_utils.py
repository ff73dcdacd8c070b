"""The course's device and thread setting (`companion.utils.course_device`)."""

import pytest

from companion import utils

torch = pytest.importorskip("torch")


@pytest.fixture(autouse=True)
def _restore(monkeypatch):
    threads = torch.get_num_threads()
    deterministic = torch.backends.cudnn.deterministic
    benchmark = torch.backends.cudnn.benchmark
    monkeypatch.delenv(utils.DEVICE_ENV, raising=False)
    monkeypatch.delenv(utils.THREADS_ENV, raising=False)
    yield
    torch.set_num_threads(threads)
    torch.backends.cudnn.deterministic = deterministic
    torch.backends.cudnn.benchmark = benchmark


def test_cpu_is_one_thread_by_default():
    torch.set_num_threads(2)
    assert utils.course_device("cpu") == "cpu"
    assert torch.get_num_threads() == 1


def test_threads_argument_and_environment_override_the_default(monkeypatch):
    assert utils.course_device("cpu", threads=2) == "cpu"
    assert torch.get_num_threads() == 2
    monkeypatch.setenv(utils.THREADS_ENV, "3")
    assert utils.set_torch_threads() == 3
    assert torch.get_num_threads() == 3


def test_auto_follows_what_torch_sees():
    want = "cuda" if torch.cuda.is_available() else "cpu"
    assert utils.course_device() == want
    assert utils.course_device("AUTO") == want


def test_environment_chooses_the_device(monkeypatch):
    monkeypatch.setenv(utils.DEVICE_ENV, "cpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert utils.course_device() == "cpu"
    monkeypatch.setenv(utils.DEVICE_ENV, "tpu")
    with pytest.raises(ValueError, match=r"COURSE_DEVICE must be one of .*'tpu'"):
        utils.course_device()


def test_a_visible_gpu_is_used_with_deterministic_cudnn(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    torch.backends.cudnn.deterministic = False
    torch.backends.cudnn.benchmark = True
    assert utils.course_device() == "cuda"
    assert torch.backends.cudnn.deterministic is True
    assert torch.backends.cudnn.benchmark is False


def test_cuda_without_a_gpu_is_an_error(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ValueError, match="device='cuda' but PyTorch sees no GPU"):
        utils.course_device("cuda")
    assert utils.course_device("auto") == "cpu"


@pytest.mark.parametrize("bad, error, match", [
    ("gpu", ValueError, r"device must be one of 'auto', 'cpu', 'cuda', got 'gpu'"),
    (0, ValueError, r"device must be one of .* got 0"),
])
def test_bad_device_names_the_parameter(bad, error, match):
    with pytest.raises(error, match=match):
        utils.course_device(bad)


@pytest.mark.parametrize("bad, error, match", [
    (0, ValueError, r"threads must be >= 1, got 0"),
    (1.5, TypeError, r"threads must be an integer, got 1.5"),
    (True, TypeError, r"threads must be an integer, got True"),
])
def test_bad_threads_name_the_parameter(bad, error, match):
    with pytest.raises(error, match=match):
        utils.set_torch_threads(bad)
    with pytest.raises(error, match=match):
        utils.course_device("cpu", threads=bad)


def test_bad_thread_environment_names_the_variable(monkeypatch):
    monkeypatch.setenv(utils.THREADS_ENV, "many")
    with pytest.raises(ValueError, match=r"THREADS must be a whole .*many"):
        utils.set_torch_threads()
    monkeypatch.setenv(utils.THREADS_ENV, "-2")
    with pytest.raises(ValueError, match=r"COURSE_TORCH_THREADS must be >= 1, got -2"):
        utils.set_torch_threads()


def test_describe_environment_names_versions_and_gpus():
    info = utils.describe_environment()
    assert info["PyTorch"] == torch.__version__
    import numpy as np

    assert info["NumPy"] == np.__version__
    assert (info["PyTorch GPU"] == "none") == (not torch.cuda.is_available())
    assert set(info) >= {"Python", "TensorFlow", "Keras", "TensorFlow GPU"}
