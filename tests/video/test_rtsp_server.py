"""camvault's RTSP service played by clients camvault did not write: ffprobe/ffmpeg over TCP and
UDP, PyAV, GStreamer's rtspsrc. An in-process node (real services, SQLite) with one synthetic
camera (320x180 at 10 fps, a keyframe every 10 frames) serves `rtsp://127.0.0.1:<port>/...`.

Proves: frames decode at the camera's size with increasing timestamps on both transports and both
path forms; Digest (ffmpeg's choice, and one computed here per RFC 2617) and Basic (header or URL
credentials) are required, a wrong password gets 401, a user without the live right 403, an unknown
stream 404; two clients at once share one pulled stream; a raw client sees the SDP, interleaved RTP
(payload type 96, consecutive sequence numbers, marker on the last packet of each frame, RTP-Info
rtptime = first timestamp), an RTCP sender report, keep-alive and TEARDOWN; an idle UDP session is
closed after its timeout.
"""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import threading
import time
from itertools import pairwise

import av
import pytest

from camvault.config import CameraConfig
from camvault.services.cameras import CameraSpec
from tests.support import rtsp_interop
from tests.support.rtsp_client import RawClient, basic
from tests.support.rtsp_interop import start_node

pytestmark = pytest.mark.slow

ADMIN = ("admin", "admin-pw")
VIEWER = ("vera", "vera-pw")         # rights on camera 2 only
WIDTH, HEIGHT, FPS = 320, 180, 10


@pytest.fixture(scope="module")
def rtsp_node(tmp_path_factory):
    source = f"synthetic://?width={WIDTH}&height={HEIGHT}&fps={FPS}&bitrate=300000"
    cameras = [CameraConfig(id=1, name="Cam 1", source=source), CameraConfig(id=2, name="Cam 2", source=source,
                                                                             enabled=False)]
    node, port = start_node(tmp_path_factory.mktemp("rtsp"), cameras, ADMIN[1])
    node.users.create(VIEWER[0], VIEWER[1], "consult", camera_ids=[2])
    yield node, port
    node.stop()


def url(port: int, path: str, creds: tuple[str, str] | None = ADMIN) -> str:
    return rtsp_interop.rtsp_url(port, path, creds)


def ffprobe_frames(stream_url: str, transport: str, frames: int = 15) -> list[dict]:
    return rtsp_interop.ffprobe_frames(stream_url, transport, frames)


def check_frames(frames: list[dict]) -> None:
    rtsp_interop.check_frames(frames, (WIDTH, HEIGHT), FPS)


@pytest.mark.parametrize("transport", ["tcp", "udp"])
@pytest.mark.parametrize("path", ["live/view/1.1", "1.1"])
def test_ffprobe_decodes_live_frames(rtsp_node, transport, path):
    _node, port = rtsp_node
    check_frames(ffprobe_frames(url(port, path), transport))


def test_pyav_decodes_live_frames(rtsp_node):
    _node, port = rtsp_node
    with av.open(url(port, "live/view/1.1"), options={"rtsp_transport": "tcp"}, timeout=20) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        frames = []
        for frame in container.decode(stream):
            frames.append(frame)
            if len(frames) == 12:
                break
    assert {(f.width, f.height) for f in frames} == {(WIDTH, HEIGHT)}
    pts = [f.pts for f in frames[1:]]
    assert all(b > a for a, b in pairwise(pts))
    assert frames[0].to_ndarray(format="gray").std() > 5          # a picture, not a flat field


@pytest.mark.skipif(shutil.which("gst-launch-1.0") is None, reason="GStreamer not installed")
@pytest.mark.parametrize("protocols", ["tcp", "udp"])
def test_gstreamer_rtspsrc_decodes(rtsp_node, protocols, caplog):
    caplog.set_level(logging.INFO, logger="camvault.video")
    _node, port = rtsp_node
    out = rtsp_interop.gst_decode(port, "live/view/1.1", ADMIN, protocols, 15, caplog=caplog)
    assert out.returncode == 0, out.stderr + out.stdout + rtsp_interop.server_log(caplog)


def rtsp_status(port: int, request: str) -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request.encode())
        return int(s.recv(4096).split(b" ", 2)[1])


def describe(port: int, path: str, authorization: str | None) -> int:
    auth = f"Authorization: {authorization}\r\n" if authorization else ""
    return rtsp_status(port, f"DESCRIBE rtsp://127.0.0.1:{port}/{path} RTSP/1.0\r\nCSeq: 2\r\n"
                             f"Accept: application/sdp\r\n{auth}\r\n")


def test_authentication_and_rights(rtsp_node):
    _node, port = rtsp_node
    assert describe(port, "live/view/1.1", None) == 401
    assert describe(port, "live/view/1.1", basic("admin", "wrong")) == 401
    assert describe(port, "live/view/1.1", basic(*VIEWER)) == 403
    assert describe(port, "live/view/9.1", basic(*ADMIN)) == 404
    assert describe(port, "live/view/1.1", basic(*ADMIN)) == 200
    out = subprocess.run(["ffprobe", "-v", "error", url(port, "live/view/1.1", ("admin", "wrong"))],
                         capture_output=True, text=True, timeout=30, check=False)
    assert out.returncode != 0 and "401" in out.stderr


def test_two_clients_share_one_pulled_stream(rtsp_node):
    node, port = rtsp_node
    live = node.live.get(1, 1)
    results: dict[str, list[dict]] = {}
    threads = [threading.Thread(target=lambda t=t: results.__setitem__(t, ffprobe_frames(url(port, "1.1"), t, 30)))
               for t in ("tcp", "udp")]
    most_sessions = most_subscribers = 0
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        most_sessions = max(most_sessions, node.rtsp.server.fanouts.receivers(live))
        most_subscribers = max(most_subscribers, live.subscriber_count)
        threads[0].join(0.05)
    assert set(results) == {"tcp", "udp"}
    for frames in results.values():
        check_frames(frames)
    assert most_sessions == 2                             # both played at the same time...
    assert most_subscribers == 1                          # ...from one packetizing fan-out,
    assert node.ingest.state(1, 1).sessions == 1          # ...from one connection to the camera,
    assert live.packets_in == node.ingest.state(1, 1).packets    # each packet fanned out once
    assert live.subscriber_count == 0                     # both sessions ended and unsubscribed


def digest_describe(port: int, user: str, password: str) -> int:
    """DESCRIBE answered with RFC 2617 Digest (no qop), computed here from the server's challenge."""
    import hashlib
    import re
    path = f"rtsp://127.0.0.1:{port}/live/view/1.1"
    md5 = lambda text: hashlib.md5(text.encode()).hexdigest()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(f"DESCRIBE {path} RTSP/1.0\r\nCSeq: 1\r\n\r\n".encode())
        challenge = s.recv(4096).decode()
        assert challenge.startswith("RTSP/1.0 401") and 'Basic realm="camvault"' in challenge
        nonce = re.search(r'Digest realm="camvault", nonce="([0-9a-f]+)"', challenge)[1]
        answer = md5(f"{md5(f'{user}:camvault:{password}')}:{nonce}:{md5(f'DESCRIBE:{path}')}")
        s.sendall(f'DESCRIBE {path} RTSP/1.0\r\nCSeq: 2\r\nAuthorization: Digest username="{user}", '
                  f'realm="camvault", nonce="{nonce}", uri="{path}", response="{answer}"\r\n\r\n'.encode())
        return int(s.recv(4096).split(b" ", 2)[1])


def test_digest_authentication(rtsp_node):
    node, port = rtsp_node
    assert digest_describe(port, *ADMIN) == 200
    assert digest_describe(port, "admin", "wrong") == 401
    assert digest_describe(port, *VIEWER) == 403
    before = node.rtsp.server.logins["digest"]
    check_frames(ffprobe_frames(url(port, "1.1"), "tcp"))       # ffmpeg prefers Digest when offered
    assert node.rtsp.server.logins["digest"] > before


def test_raw_session_messages_rtp_and_rtcp(rtsp_node):
    _node, port = rtsp_node
    with RawClient(port, ADMIN) as client:
        raw_session(client)


def raw_session(client: RawClient) -> None:
    import struct
    status, head, body = client.request("DESCRIBE", "live/view/1.1", "Accept: application/sdp\r\n")
    sdp = body.decode()
    assert status == 200 and head["content-type"] == "application/sdp"
    assert "a=rtpmap:96 H264/90000" in sdp and "packetization-mode=1" in sdp and "a=control:trackID=0" in sdp
    status, head, _ = client.request("SETUP", "live/view/1.1/trackID=0",
                                     "Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n")
    session = head["session"].split(";")[0]
    assert status == 200 and "interleaved=0-1" in head["transport"] and head["session"].endswith("timeout=60")
    status, head, _ = client.request("PLAY", "live/view/1.1", f"Session: {session}\r\n")
    assert status == 200 and "rtptime=" in head["rtp-info"]
    rtptime = int(head["rtp-info"].split("rtptime=")[1])
    client.read_interleaved(60)
    rtcp = [data for channel, data in client.frames if channel == 1]
    rtp = [data for channel, data in client.frames if channel == 0]
    assert rtcp and rtcp[0][1] == 200                               # a sender report first
    headers = [struct.unpack("!BBHI", p[:8]) for p in rtp]
    assert all(h[0] == 0x80 and h[1] & 0x7F == 96 for h in headers)
    assert headers[0][3] == rtptime
    seqs = [h[2] for h in headers]
    assert all((b - a) % 65536 == 1 for a, b in pairwise(seqs))
    stamps = [h[3] for h in headers]
    assert all(b >= a for a, b in pairwise(stamps))
    for a, b in pairwise(headers):                                # marker only at the end of a frame
        assert bool(a[1] & 0x80) == (b[3] != a[3])
    assert client.request("GET_PARAMETER", "live/view/1.1", f"Session: {session}\r\n")[0] == 200
    assert client.request("TEARDOWN", "live/view/1.1", f"Session: {session}\r\n")[0] == 200
    assert client.request("GET_PARAMETER", "live/view/1.1", f"Session: {session}\r\n")[0] == 454


def test_idle_udp_session_times_out(rtsp_node, monkeypatch):
    from camvault.video.rtsp import session as session_module
    node, port = rtsp_node
    with RawClient(port, ADMIN) as client:
        idle_session(node, client, monkeypatch, session_module)


def idle_session(node, client, monkeypatch, session_module) -> None:
    status, head, _ = client.request("SETUP", "1.1/trackID=0", "Transport: RTP/AVP;unicast;client_port=40000-40001\r\n")
    assert status == 200 and "server_port=" in head["transport"]
    session = head["session"].split(";")[0]
    assert client.request("PLAY", "1.1", f"Session: {session}\r\n")[0] == 200
    monkeypatch.setattr(session_module, "TIMEOUT_S", 0.5)
    deadline = time.monotonic() + 8
    while session in node.rtsp.server.sessions and time.monotonic() < deadline:
        time.sleep(0.2)
    assert session not in node.rtsp.server.sessions
    assert client.request("GET_PARAMETER", "1.1", f"Session: {session}\r\n")[0] == 454


def test_a_deleted_camera_is_404_at_once(rtsp_node):
    node, port = rtsp_node
    admin = node.users.authenticate_password(*ADMIN)
    spec = CameraSpec(name="Short-lived", source=f"synthetic://?width={WIDTH}&height={HEIGHT}&fps={FPS}")
    cam_id = node.cameras.create(admin, spec).camera.id
    assert describe(port, f"live/view/{cam_id}.1", basic(*ADMIN)) == 200
    node.cameras.delete(admin, cam_id)
    started = time.monotonic()
    assert describe(port, f"live/view/{cam_id}.1", basic(*ADMIN)) == 404
    assert time.monotonic() - started < 2, "no wait for pictures of a camera that no longer exists"
