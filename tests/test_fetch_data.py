"""companion.data.fetch_data against a local HTTP server on 127.0.0.1 that the
test starts: a good archive, a bad checksum, an interrupted download and a
missing file. No other network."""

from __future__ import annotations

import hashlib
import http.server
import io
import tarfile
import threading

import numpy as np
import pytest

from companion.data import cache_dir, fetch_data, load_image_folder


def _archive() -> bytes:
    """A .tar.gz holding a folder with two small PNG photographs."""
    import imageio.v3 as iio

    buf = io.BytesIO()
    rng = np.random.default_rng(0)
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for i in range(2):
            png = io.BytesIO()
            iio.imwrite(png, (rng.random((12, 10, 3)) * 255).astype(np.uint8),
                        extension=".png")
            info = tarfile.TarInfo(f"photos/img{i}.png")
            info.size = png.tell()
            png.seek(0)
            tar.addfile(info, png)
    return buf.getvalue()


ARCHIVE = _archive()
SHA = hashlib.sha256(ARCHIVE).hexdigest()


class _Handler(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 (the http.server API)
        self.hits.append(self.path)
        if self.path in ("/photos.tar.gz", "/copy.tar.gz"):
            self.send_response(200)
            self.send_header("Content-Length", str(len(ARCHIVE)))
            self.end_headers()
            self.wfile.write(ARCHIVE)
        elif self.path == "/cut.tar.gz":  # announces it all, sends half, closes
            self.send_response(200)
            self.send_header("Content-Length", str(len(ARCHIVE)))
            self.end_headers()
            self.wfile.write(ARCHIVE[: len(ARCHIVE) // 2])
            self.wfile.flush()
            self.close_connection = True
        else:
            self.send_error(404)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_good_checksum_downloads_unpacks_and_caches(server, tmp_path, capsys):
    _Handler.hits.clear()
    folder = fetch_data(f"{server}/photos.tar.gz", sha256=SHA, cache=tmp_path)
    assert folder.is_dir() and folder.parent == tmp_path
    assert (tmp_path / "photos.tar.gz").read_bytes() == ARCHIVE
    images = load_image_folder(folder / "photos", 8)
    assert images.shape == (2, 8, 8, 3)
    assert "photos.tar.gz [" in capsys.readouterr().err  # the progress bar
    again = fetch_data(f"{server}/photos.tar.gz", sha256=SHA.upper(), cache=tmp_path)
    assert again == folder and _Handler.hits == ["/photos.tar.gz"]  # cached
    raw = fetch_data(f"{server}/copy.tar.gz", sha256=SHA, cache=tmp_path,
                     extract=False, progress=False)
    assert raw == tmp_path / "copy.tar.gz" and capsys.readouterr().err == ""


def test_bad_checksum_deletes_the_file(server, tmp_path):
    wrong = "0" * 64
    with pytest.raises(ValueError, match=f"sha256 of 'photos.tar.gz'.*{SHA}"):
        fetch_data(f"{server}/photos.tar.gz", sha256=wrong, cache=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_interrupted_download_leaves_nothing(server, tmp_path):
    with pytest.raises(OSError, match="interrupted"):
        fetch_data(f"{server}/cut.tar.gz", sha256=SHA, cache=tmp_path,
                   progress=False)
    assert list(tmp_path.iterdir()) == []  # no partial file looks complete


def test_missing_file_is_file_not_found(server, tmp_path):
    with pytest.raises(FileNotFoundError, match="404"):
        fetch_data(f"{server}/nothing.zip", sha256=SHA, cache=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_folder_is_returned_as_it_is(tmp_path):
    assert fetch_data(tmp_path) == tmp_path
    assert fetch_data(str(tmp_path)) == tmp_path
    with pytest.raises(FileNotFoundError, match="neither an existing folder"):
        fetch_data(tmp_path / "absent")


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="sha256 must be"):
        fetch_data("http://127.0.0.1:9/x.zip", cache=tmp_path)
    with pytest.raises(ValueError, match="sha256 must be"):
        fetch_data("http://127.0.0.1:9/x.zip", sha256="abc", cache=tmp_path)
    with pytest.raises(TypeError, match="source must be"):
        fetch_data(3)


def test_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    assert cache_dir() == tmp_path
    monkeypatch.delenv("COURSE_DATA_DIR")
    assert cache_dir().name == "companion-course"
