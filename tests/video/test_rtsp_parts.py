"""The pure parts of the RTSP service: request parsing, Transport negotiation, Basic and Digest
(against RFC 2617's own worked example), SDP parameter sets, H.264 RTP packetization (RFC 6184)
checked by reassembling FU-A fragments, RTP/RTCP packet layout, the live fan-out's queues, and a
fault in one request answered 500 without dropping the connection."""

from __future__ import annotations

import base64
import socket
import struct
import threading

import av
import pytest

from camvault.core.model import Profile, User
from camvault.video.feeds import PlayRange
from camvault.video.live import LivePacket, LiveStream, Subscriber
from camvault.video.rtsp import h264
from camvault.video.rtsp.auth import digest_params, response_matches
from camvault.video.rtsp.protocol import (
    basic_credentials,
    format_clock,
    parse_head,
    parse_range,
    parse_transport,
    response,
)
from camvault.video.rtsp.rtp import rtp_packet, sender_report
from camvault.video.rtsp.server import RtspWorker, stream_key
from camvault.video.sources import open_source
from tests.support.server import free_port


def test_parse_request_and_response():
    req = parse_head(b"SETUP rtsp://h:8554/1.2/trackID=0 RTSP/1.0\r\nCSeq: 3\r\nTransport: RTP/AVP;unicast")
    assert (req.method, req.cseq, req.header("TRANSPORT")) == ("SETUP", "3", "RTP/AVP;unicast")
    out = response(401, "3", {"WWW-Authenticate": ["Digest a", "Basic b"]})
    assert out.startswith(b"RTSP/1.0 401 Unauthorized\r\nCSeq: 3\r\n")
    assert b"WWW-Authenticate: Digest a\r\nWWW-Authenticate: Basic b\r\n\r\n" in out


def test_paths_and_transports():
    assert stream_key("rtsp://u:p@h:8554/live/view/2.6") == ("live", 2, 6)
    assert stream_key("rtsp://h/2.6/trackID=0") == ("live", 2, 6)
    assert stream_key("rtsp://h/live/delayed/2.6?x=1") == ("delayed", 2, 6)
    assert stream_key("rtsp://h/live/alarm/2.6/") == ("alarm", 2, 6)
    assert stream_key("rtsp://h/replay/view/12.1/trackID=0") == ("replay", 12, 1)
    assert stream_key("rtsp://h/replay/2.6") is None
    assert stream_key("rtsp://h/live/view/2") is None
    tcp = parse_transport("RTP/AVP/TCP;unicast;interleaved=2-3")
    assert tcp.tcp and tcp.channels == (2, 3)
    udp = parse_transport("RTP/AVP/UDP;multicast,RTP/AVP;unicast;client_port=5000-5001")
    assert not udp.tcp and udp.client_ports == (5000, 5001)
    assert parse_transport("RTP/AVP;multicast") is None


def test_range_headers():
    assert parse_range("") is None
    assert parse_range("npt=now-") is None
    assert parse_range("npt=0.000-") == PlayRange(npt_s=0.0)
    assert parse_range("npt=12.5-20") == PlayRange(npt_s=12.5)
    assert parse_range("npt=1:02:03.5-") == PlayRange(npt_s=3723.5)
    assert parse_range("clock=20261121T101500Z-") == PlayRange(clock_ms=1_795_256_100_000)
    assert parse_range("clock=20261121T101500.25Z-;time=x") == PlayRange(clock_ms=1_795_256_100_250)
    assert format_clock(1_795_256_100_250) == "20261121T101500.250Z"
    for bad in ("smpte=10:07:00-", "npt=-", "npt=abc-", "clock=20261121T101500-", "npt"):
        with pytest.raises(ValueError):
            parse_range(bad)


def test_basic_and_digest_rfc2617_example():
    assert basic_credentials("Basic " + base64.b64encode(b"ann:p:w").decode()) == ("ann", "p:w")
    assert basic_credentials("Basic !!") is None
    params = digest_params('Digest username="Mufasa", realm="testrealm@host.com", '
                           'nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", qop=auth, '
                           'nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1"')
    import hashlib
    ha1 = hashlib.md5(b"Mufasa:testrealm@host.com:Circle Of Life").hexdigest()
    assert response_matches(ha1, "GET", params)
    assert not response_matches(ha1, "POST", params)


def synthetic_packets(count: int) -> list[av.Packet]:
    session = open_source("synthetic://?width=320&height=180&fps=10&gop=5&realtime=0&bitrate=2000000").open(threading.Event())
    out = []
    for packet in session.packets():
        out.append(packet)
        if len(out) == count:
            return out


def test_h264_payloads_reassemble_to_the_access_unit():
    packets = synthetic_packets(6)
    key = bytes(packets[0])
    sps, pps = h264.parameter_sets(None, key)
    assert sps[0] & 0x1F == 7 and pps[0] & 0x1F == 8
    assert h264.fmtp(sps, pps).startswith(f"packetization-mode=1;profile-level-id={sps[1:4].hex().upper()}")
    for packet in packets:
        nals = [n for n in h264.split_nals(bytes(packet)) if n[0] & 0x1F != 9]
        payloads = h264.payloads(nals, max_size=200)
        assert all(len(p) <= 200 for p in payloads)
        rebuilt, current = [], b""
        for p in payloads:
            if p[0] & 0x1F == 28:
                if p[1] & 0x80:
                    current = bytes(((p[0] & 0xE0) | (p[1] & 0x1F),))
                current += p[2:]
                if p[1] & 0x40:
                    rebuilt.append(current)
            else:
                rebuilt.append(p)
        assert rebuilt == nals
    assert any(p[0] & 0x1F == 28 for p in h264.payloads(h264.split_nals(key), max_size=200))


def test_avcc_extradata_and_length_prefixed_units():
    sps, pps = b"\x67\x42\xc0\x1e\xaa", b"\x68\xce\x3c\x80"
    avcc = bytes((1, 0x42, 0xC0, 0x1E, 0xFF, 0xE1)) + struct.pack("!H", len(sps)) + sps + b"\x01" \
        + struct.pack("!H", len(pps)) + pps
    assert h264.parameter_sets(avcc, None) == (sps, pps)
    unit = struct.pack("!I", 3) + b"\x65\x01\x02" + struct.pack("!I", 2) + b"\x06\x05"
    assert h264.split_nals(unit) == [b"\x65\x01\x02", b"\x06\x05"]


def test_rtp_and_sender_report_layout():
    pkt = rtp_packet(b"xy", seq=65535, timestamp=2**32 + 5, ssrc=7, marker=True)
    assert pkt[:2] == b"\x80\xe0" and struct.unpack("!HII", pkt[2:12]) == (65535, 5, 7) and pkt[12:] == b"xy"
    sr = sender_report(ssrc=7, unix_s=0.5, timestamp=9, packets=3, octets=4)
    assert len(sr) == 28 and sr[1] == 200 and struct.unpack("!H", sr[2:4])[0] == 6
    assert struct.unpack("!II", sr[8:16]) == (2_208_988_800, 2**31)


def test_slow_subscriber_skips_to_next_keyframe_without_blocking_others():
    live = LiveStream(1, 1)
    wakes = []
    slow = Subscriber(lambda: wakes.append(1), max_packets=4)
    live._subscribers.append(slow)
    fast = live.subscribe(lambda: None)
    for i in range(12):
        live.publish(LivePacket(b"k" if i % 6 == 0 else b"p", i * 9000, i % 6 == 0))
    got = fast.pop_all()
    assert [p.pts_90k for p in got] == [i * 9000 for i in range(12)]
    # the slow one held 0..3, overflowed at 4 (not a keyframe: dropped until 6), then got 6..9, overflowed at 10
    assert slow.skips == 2 and slow.pop_all() == []
    late = live.subscribe(lambda: None)                 # a newcomer starts at the latest keyframe
    assert [p.pts_90k for p in late.pop_all()] == [i * 9000 for i in range(6, 12)]


def test_a_fault_in_one_request_answers_500_and_keeps_the_connection():
    def broken_feed(_user, _kind, _camera_id, _stream_id):
        raise RuntimeError("a bug in the playback service")

    admin = User(1, "admin", Profile.ADMIN)
    port = free_port()
    worker = RtspWorker(broken_feed, lambda _name, _pw: admin, lambda _name, _check: admin, "127.0.0.1", port)
    worker.start()
    auth = "Authorization: Basic " + base64.b64encode(b"admin:pw").decode()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(f"DESCRIBE rtsp://127.0.0.1:{port}/1.1 RTSP/1.0\r\nCSeq: 2\r\n{auth}\r\n\r\n".encode())
            assert s.recv(4096).startswith(b"RTSP/1.0 500 ")
            s.sendall(f"OPTIONS rtsp://127.0.0.1:{port}/1.1 RTSP/1.0\r\nCSeq: 3\r\n\r\n".encode())
            assert s.recv(4096).startswith(b"RTSP/1.0 200 OK\r\nCSeq: 3")      # same connection, still served
    finally:
        worker.stop()
