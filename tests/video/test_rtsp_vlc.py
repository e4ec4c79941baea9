"""camvault's RTSP service played by VLC (`cvlc`, tests/support/vlc.py): VLC dumps what it receives
for a few seconds to MPEG-TS and ffprobe decodes that dump. An in-process node has camera 1 in
H.264 and camera 2 in H.265 (synthetic, 320x180 at 10 fps).

Which RTSP client VLC uses is told by `rtsp_client()`: Debian's VLC has no live555 module and
plays rtsp:// through libavformat, after a SAT>IP session of its own (see tests/support/vlc.py); a
VLC with live555 uses it, with its own transport and credential options. Debian's VLC cannot be
told to use RTP over TCP: that test skips with this reason.

Proves: VLC receives decodable video of the camera's size and codec at the camera's rate (most
timestamp steps one frame apart; VLC re-stamps its dump) over UDP and, with live555, over RTSP/TCP
(the session transports seen by the server say which was used), with credentials in the URL and
through VLC's credential options (Digest, counted by the server), for H.264 and H.265; a wrong
password gets no video and no login.
"""

from __future__ import annotations

import threading
from itertools import pairwise

import pytest

from camvault.config import CameraConfig
from tests.support.rtsp_interop import rtsp_url, start_node
from tests.support.vlc import VlcRecording, VlcUnsupported, cvlc_path, vlc_record

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(cvlc_path() is None, reason="cvlc not installed (scripts/install-test-deps.sh "
                                                              "installs vlc-bin and vlc-plugin-base)")]

ADMIN = ("admin", "admin-pw")
WIDTH, HEIGHT, FPS = 320, 180, 10
SECONDS = 3
SOURCE = f"synthetic://?width={WIDTH}&height={HEIGHT}&fps={FPS}&bitrate=300000"


@pytest.fixture(scope="module")
def vlc_node(tmp_path_factory):
    cameras = [CameraConfig(id=1, name="Cam 1", source=SOURCE),
               CameraConfig(id=2, name="Cam 2", source=SOURCE + "&codec=h265")]
    node, port = start_node(tmp_path_factory.mktemp("vlc"), cameras, ADMIN[1])
    yield node, port
    node.stop()


class TransportWatch:
    """The transports (True = TCP) of the server's sessions while a client plays."""

    def __init__(self, node) -> None:
        self._server = node.rtsp.server
        self.tcp: set[bool] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "TransportWatch":
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            self.tcp |= {s.transport.tcp for s in list(self._server.sessions.values())}


def check_dump(recording: VlcRecording, codec: str) -> None:
    frames = recording.frames()
    assert len(frames) >= SECONDS * FPS * 0.6, (len(frames), recording.log)
    assert frames[0]["key_frame"] == 1
    assert {(f["width"], f["height"]) for f in frames} == {(WIDTH, HEIGHT)}
    steps = [b["pts"] - a["pts"] for a, b in pairwise(frames) if "pts" in a and "pts" in b]
    one_frame = [s for s in steps if abs(s - 90000 / FPS) <= 90000 / FPS * 0.1]
    assert len(one_frame) >= 0.75 * len(steps), steps
    assert recording.codec() == codec


def record_or_skip(url: str, out_path, **options) -> VlcRecording:
    """vlc_record, skipping the test (with VLC's reason) when this VLC cannot play that way."""
    try:
        return vlc_record(url, SECONDS, out_path, **options)
    except VlcUnsupported as exc:
        pytest.skip(str(exc))


@pytest.mark.parametrize("tcp", [True, False], ids=["tcp", "udp"])
def test_vlc_plays_h264_with_credentials_in_the_url(vlc_node, tmp_path, tcp):
    node, port = vlc_node
    with TransportWatch(node) as watch:
        recording = record_or_skip(rtsp_url(port, "live/view/1.1", ADMIN), tmp_path / "dump.ts", tcp=tcp)
    check_dump(recording, "h264")
    assert tcp in watch.tcp
    if not tcp:
        assert watch.tcp == {False}


def test_vlc_authenticates_with_digest(vlc_node, tmp_path):
    """Credentials through VLC's --rtsp-user/--rtsp-pwd (live555), in the URL (avformat)."""
    node, port = vlc_node
    before = node.rtsp.server.logins["digest"]
    recording = vlc_record(rtsp_url(port, "live/view/1.1"), SECONDS, tmp_path / "dump.ts", user=ADMIN[0],
                           password=ADMIN[1])
    check_dump(recording, "h264")
    assert node.rtsp.server.logins["digest"] > before


def test_vlc_with_a_wrong_password_gets_no_video(vlc_node, tmp_path):
    node, port = vlc_node
    logins = sum(node.rtsp.server.logins.values())
    for recording in (vlc_record(rtsp_url(port, "live/view/1.1", ("admin", "wrong")), SECONDS, tmp_path / "a.ts"),
                      vlc_record(rtsp_url(port, "live/view/1.1"), SECONDS, tmp_path / "b.ts", user="admin",
                                 password="wrong")):
        assert recording.frames() == []
        assert "unable to open" in recording.log.lower() or "401" in recording.log, recording.log
    assert sum(node.rtsp.server.logins.values()) == logins


def test_vlc_plays_h265(vlc_node, tmp_path):
    _node, port = vlc_node
    check_dump(vlc_record(rtsp_url(port, "live/view/2.1", ADMIN), SECONDS, tmp_path / "dump.ts"), "hevc")

