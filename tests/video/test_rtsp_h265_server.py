"""An H.265 camera end to end through camvault's RTSP service, played by clients camvault did not
write: ffprobe over TCP and UDP (both path forms), PyAV, GStreamer's rtspsrc with rtph265depay.
An in-process node has one synthetic H.265 camera (libx265, 320x180 at 10 fps, a keyframe every
10 frames).

Proves: DESCRIBE answers an RFC 7798 SDP (`H265/90000`, sprop-vps/sps/pps holding NAL units of
types 32/33/34, profile/tier/level of the SPS); the stream decodes as HEVC at the camera's size
with increasing timestamps at 10 fps on both transports; GStreamer depayloads and decodes it.
"""

from __future__ import annotations

import base64
import re
import shutil
import socket
import subprocess
from itertools import pairwise

import av
import pytest

from camvault.config import CameraConfig
from camvault.video.rtsp import h265
from tests.support.rtsp_interop import check_frames, ffprobe_frames, rtsp_url, start_node

pytestmark = pytest.mark.slow

ADMIN = ("admin", "admin-pw")
WIDTH, HEIGHT, FPS = 320, 180, 10
SOURCE = f"synthetic://?codec=h265&width={WIDTH}&height={HEIGHT}&fps={FPS}&bitrate=300000"


@pytest.fixture(scope="module")
def h265_node(tmp_path_factory):
    node, port = start_node(tmp_path_factory.mktemp("rtsp265"), [CameraConfig(id=1, name="Cam 1", source=SOURCE)],
                            ADMIN[1])
    yield node, port
    node.stop()


def describe_sdp(port: int, path: str) -> str:
    auth = base64.b64encode(f"{ADMIN[0]}:{ADMIN[1]}".encode()).decode()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(f"DESCRIBE rtsp://127.0.0.1:{port}/{path} RTSP/1.0\r\nCSeq: 1\r\nAccept: application/sdp\r\n"
                  f"Authorization: Basic {auth}\r\n\r\n".encode())
        data = b""
        while b"\r\n\r\n" not in data or len(data.partition(b"\r\n\r\n")[2]) < _length(data):
            chunk = s.recv(4096)
            assert chunk, data
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"RTSP/1.0 200"), head
    return body.decode()


def _length(data: bytes) -> int:
    found = re.search(rb"Content-Length: (\d+)", data, re.I)
    return int(found[1]) if found else 0


def test_sdp_is_rfc7798(h265_node):
    _node, port = h265_node
    sdp = describe_sdp(port, "live/view/1.1")
    assert "a=rtpmap:96 H265/90000" in sdp
    fmtp = dict(item.split("=", 1) for item in re.search(r"a=fmtp:96 (\S+)", sdp)[1].split(";"))
    sets = [base64.b64decode(fmtp[f"sprop-{name}"]) for name in ("vps", "sps", "pps")]
    assert [h265.nal_type(n) for n in sets] == [32, 33, 34]
    ptl = h265.profile_tier_level(sets[1])
    assert (fmtp["profile-id"], fmtp["tier-flag"], fmtp["level-id"]) == ("1", "0", str(ptl.level_id))
    assert ptl.level_id % 3 == 0 and 30 <= ptl.level_id <= 186           # level x 30, e.g. 60 = level 2


@pytest.mark.parametrize("transport", ["tcp", "udp"])
@pytest.mark.parametrize("path", ["live/view/1.1", "1.1"])
def test_ffprobe_decodes_h265_frames(h265_node, transport, path):
    _node, port = h265_node
    check_frames(ffprobe_frames(rtsp_url(port, path, ADMIN), transport), (WIDTH, HEIGHT), FPS)


def test_pyav_decodes_h265_frames(h265_node):
    _node, port = h265_node
    with av.open(rtsp_url(port, "live/view/1.1", ADMIN), options={"rtsp_transport": "tcp"}, timeout=20) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "hevc"
        frames = []
        for frame in container.decode(stream):
            frames.append(frame)
            if len(frames) == 12:
                break
    assert {(f.width, f.height) for f in frames} == {(WIDTH, HEIGHT)}
    assert all(b.pts > a.pts for a, b in pairwise(frames[1:]))
    assert frames[0].to_ndarray(format="gray").std() > 5          # a picture, not a flat field


@pytest.mark.skipif(shutil.which("gst-launch-1.0") is None, reason="GStreamer not installed")
@pytest.mark.parametrize("protocols", ["tcp", "udp"])
def test_gstreamer_rtspsrc_decodes_h265(h265_node, protocols):
    _node, port = h265_node
    out = subprocess.run(["gst-launch-1.0", "-q", "rtspsrc", f"location={rtsp_url(port, 'live/view/1.1')}",
                          f"user-id={ADMIN[0]}", f"user-pw={ADMIN[1]}", f"protocols={protocols}", "!",
                          "rtph265depay", "!", "h265parse", "!", "avdec_h265", "!", "identity", "eos-after=15",
                          "!", "fakesink"], capture_output=True, text=True, timeout=30, check=False)
    assert out.returncode == 0, out.stderr + out.stdout
