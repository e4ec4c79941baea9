"""RTSP sources (`camvault.video.sources.open_source("rtsp://...")`) against an RTSP server camvault
did not write: GStreamer's gst-rtsp-server (tests/support/gst_rtsp_server.py) serving live x264.

Proves: over TCP and over UDP the session reports the served stream and yields one packet per
picture, whose first keyframe arrives promptly and decodes on its own to the whole served picture,
with keyframes one GOP apart and increasing timestamps, and the stop flag ends the packets;
credentials in the URL open a server that requires them, while a wrong or missing password raises
`SourceError` without leaking the password; a closed port and a peer that never answers raise
`SourceError` in bounded time; a session ends soon after its server stops, and the same URL opens
again once the server is back (restarted on the same port).
"""

from __future__ import annotations

import itertools
import socket
import threading
import time

import av
import pytest


from camvault.video.sources import SourceError, open_source
from camvault.video.sources.rtsp import IO_TIMEOUT_US
from tests.support.rtsp_peer import GstRtspServer, free_port, pattern_defect

pytestmark = pytest.mark.slow

WIDTH, HEIGHT, FPS, GOP = 320, 240, 25, 25
USER, PASSWORD = "alice", "s3cret-pw"
OPEN_BUDGET_S = 8.0          # connect + first keyframe (ffmpeg waits for one while probing)


@pytest.fixture(scope="module")
def server():
    with GstRtspServer(width=WIDTH, height=HEIGHT, fps=FPS, gop=GOP) as peer:
        yield peer


@pytest.fixture(scope="module")
def auth_server():
    with GstRtspServer(width=WIDTH, height=HEIGHT, fps=FPS, gop=GOP, user=USER, password=PASSWORD) as peer:
        yield peer


def read_until_keyframes(session, keyframes: int, max_packets: int = 200) -> list[av.Packet]:
    """Packets from the session up to and including its `keyframes`-th keyframe."""
    packets, seen = [], 0
    for packet in session.packets():
        packets.append(packet)
        seen += bool(packet.is_keyframe)
        if seen == keyframes or len(packets) >= max_packets:
            break
    return packets


def decode_one(packet: av.Packet) -> list[av.VideoFrame]:
    """Decode one packet with a fresh H.264 decoder (the keyframe carries its SPS/PPS in-band)."""
    decoder = av.CodecContext.create("h264", "r")
    frames = list(decoder.decode(packet))
    return frames + list(decoder.decode(None))


def check_session_streams(url: str, transport: str) -> None:
    stop = threading.Event()
    started_s = time.monotonic()
    session = open_source(url, transport=transport).open(stop)
    try:
        assert (session.info.codec, session.info.width, session.info.height) == ("h264", WIDTH, HEIGHT)
        assert session.info.encoding == "H264"
        assert session.info.fps == pytest.approx(FPS, rel=0.05)
        packets = read_until_keyframes(session, keyframes=2)
        elapsed_s = time.monotonic() - started_s

        keys = [i for i, p in enumerate(packets) if p.is_keyframe]
        assert len(keys) == 2, f"2 keyframes expected within {len(packets)} packets, got {len(keys)}"
        assert elapsed_s < OPEN_BUDGET_S + 2 * GOP / FPS
        assert keys[0] <= GOP + 1, "the first complete keyframe must come within about one GOP"
        assert keys[1] - keys[0] == GOP, "one packet per picture, keyframes one GOP apart"
        tb = float(session.info.time_base)
        gop_s = (packets[keys[1]].pts - packets[keys[0]].pts) * tb
        assert gop_s == pytest.approx(GOP / FPS, abs=0.02)
        dts = [p.dts for p in packets[keys[0]:]]
        assert all(b > a for a, b in zip(dts, dts[1:])), "timestamps must increase"
        assert all(p.size > 0 for p in packets)

        frames = decode_one(packets[keys[0]])
        assert len(frames) == 1
        assert (frames[0].width, frames[0].height) == (WIDTH, HEIGHT)
        assert frames[0].key_frame
        assert pattern_defect(frames[0]) is None, "the first keyframe alone decodes to the whole picture"

        stop.set()
        assert list(session.packets()) == [], "a set stop flag ends the packets"
    finally:
        session.close()


@pytest.mark.parametrize("transport", ["tcp", "udp"])
def test_packets_start_with_a_decodable_keyframe(server, transport):
    check_session_streams(server.url, transport)


def test_credentials_in_the_url(auth_server):
    check_session_streams(auth_server.url_with(USER, PASSWORD), "tcp")


@pytest.mark.parametrize("password", ["wrong-pw", None], ids=["wrong-password", "no-credentials"])
def test_refused_credentials_raise_source_error(auth_server, password):
    url = auth_server.url if password is None else auth_server.url_with(USER, password)
    started_s = time.monotonic()
    with pytest.raises(SourceError, match="401") as caught:
        open_source(url).open(threading.Event())
    assert time.monotonic() - started_s < 3.0
    if password:
        assert password not in str(caught.value), "the error message must not leak the password"
        assert f"{USER}:***@" in str(caught.value)


@pytest.mark.parametrize("transport", ["tcp", "udp"])
def test_closed_port_raises_quickly(transport):
    url = f"rtsp://{USER}:{PASSWORD}@127.0.0.1:{free_port()}/cam"
    started_s = time.monotonic()
    with pytest.raises(SourceError) as caught:
        open_source(url, transport=transport).open(threading.Event())
    assert time.monotonic() - started_s < 2.0
    assert PASSWORD not in str(caught.value)


def test_silent_peer_times_out():
    """A peer that accepts the TCP connection but never answers is given up after the I/O timeout."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        url = f"rtsp://127.0.0.1:{listener.getsockname()[1]}/cam"
        started_s = time.monotonic()
        with pytest.raises(SourceError):
            open_source(url).open(threading.Event())
        elapsed_s = time.monotonic() - started_s
    assert IO_TIMEOUT_US / 1e6 - 0.5 <= elapsed_s < IO_TIMEOUT_US / 1e6 + 3.0


@pytest.mark.parametrize("transport", ["tcp", "udp"])
def test_session_ends_when_the_server_stops_and_reopens_after_restart(server, transport):
    session = open_source(server.url, transport=transport).open(threading.Event())
    try:
        packets = session.packets()
        assert any(p.is_keyframe for p in itertools.islice(packets, 2 * GOP))
        server.restart()                      # the same port; the old connection is gone
        started_s = time.monotonic()
        try:
            for _ in packets:                 # what was buffered, then the end
                pass
        except SourceError:
            pass
        assert time.monotonic() - started_s < 3.0, "a session must notice its server went away"
    finally:
        session.close()
    again = open_source(server.url, transport=transport).open(threading.Event())
    try:
        assert read_until_keyframes(again, keyframes=1)[-1].is_keyframe
    finally:
        again.close()
