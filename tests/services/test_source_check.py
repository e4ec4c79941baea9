"""`SourceCheckService`: the connection test of a camera source, with real sources (synthetic H.264
and a real TCP server that never answers RTSP): the first picture as JPEG, admins only, a URL
camvault cannot use, the deadline, and the bound on tests running at once."""

from __future__ import annotations

import io
import socket
import threading
import time
from types import SimpleNamespace

import pytest
from PIL import Image

from camvault.core.errors import BadRequest, Conflict, Forbidden, Unprocessable
from camvault.core.model import Profile, User
from camvault.services.source_check import SourceCheckService

ADMIN = User(id=1, name="admin", profile=Profile.ADMIN)
CONSULT = User(id=2, name="carl", profile=Profile.CONSULT)
SYNTHETIC = "synthetic://?width=160&height=90&fps=5"


@pytest.fixture
def silent_server():
    """A TCP server that accepts connections (the kernel does) and never says anything."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield SimpleNamespace(url=f"rtsp://viewer:secret@127.0.0.1:{server.getsockname()[1]}/cam",
                              close=server.close)


def test_the_first_picture_as_jpeg():
    check = SourceCheckService().check(ADMIN, SYNTHETIC, label="Gate")
    picture = Image.open(io.BytesIO(check.jpeg))
    assert picture.format == "JPEG" and picture.size == (160, 90) == (check.width_px, check.height_px)
    assert (check.codec, check.fps) == ("H264", 5.0)
    assert 0 <= check.first_picture_ms < 5000


def test_only_admins_may_test_a_source():
    with pytest.raises(Forbidden):
        SourceCheckService().check(CONSULT, SYNTHETIC)


@pytest.mark.parametrize("url", ["ftp://192.0.2.1/cam", "synthetic://?width=161", "not a url"])
def test_a_url_camvault_cannot_use_is_a_bad_request(url):
    with pytest.raises(BadRequest) as caught:
        SourceCheckService().check(ADMIN, url)
    assert caught.value.key == "invalid_source"


def test_the_timeout_is_bounded():
    for timeout_s in (0.5, 31):
        with pytest.raises(BadRequest):
            SourceCheckService().check(ADMIN, SYNTHETIC, timeout_s=timeout_s)


def test_no_video_within_the_timeout(silent_server):
    started = time.monotonic()
    with pytest.raises(Unprocessable) as caught:
        SourceCheckService().check(ADMIN, silent_server.url, timeout_s=1)
    assert 1 <= time.monotonic() - started < 2.5
    assert caught.value.key == "source_no_video_in_time"
    assert "secret" not in caught.value.message and "viewer:***@" in caught.value.message


def test_a_test_keeps_its_slot_until_its_connection_ends(silent_server):
    service = SourceCheckService(max_running=1)
    with pytest.raises(Unprocessable):
        service.check(ADMIN, silent_server.url, timeout_s=1)  # its thread still waits in ffmpeg's open
    with pytest.raises(Conflict):
        service.check(ADMIN, SYNTHETIC)
    silent_server.close()                                       # resets the waiting connection
    deadline = time.monotonic() + 3
    while True:
        try:
            assert service.check(ADMIN, SYNTHETIC).width_px == 160
            break
        except Conflict:
            assert time.monotonic() < deadline, "the slot was never given back"
            time.sleep(0.1)


def test_concurrent_tests_each_get_their_picture():
    service = SourceCheckService()
    sizes: list[tuple[int, int]] = []
    threads = [threading.Thread(target=lambda w=w: sizes.append(
        Image.open(io.BytesIO(service.check(ADMIN, f"synthetic://?width={w}&height=90&fps=5").jpeg)).size))
        for w in (160, 192, 224)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert sorted(sizes) == [(160, 90), (192, 90), (224, 90)]
