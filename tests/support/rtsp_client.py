"""A minimal RTSP client for tests: one socket, Basic credentials, RTP over interleaved TCP, and
H.264 depayloading (single NAL units and FU-A) into access units a PyAV decoder reads. Used to look
at the messages themselves (Range, RTP-Info, RTCP) where outside clients hide them."""

from __future__ import annotations

import base64
import re
import select
import socket
import struct
from dataclasses import dataclass
from typing import Self

import av
import numpy as np


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@dataclass
class Rtp:
    seq: int
    timestamp: int
    marker: bool
    payload: bytes


class RawClient:
    def __init__(self, port: int, credentials: tuple[str, str]) -> None:
        self.port = port
        self.credentials = credentials
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self._buffer = b""
        self.cseq = 0
        self.frames: list[tuple[int, bytes]] = []       # (channel, data) in arrival order

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc) -> None:
        self.sock.close()

    def _read(self, size: int) -> bytes:
        while len(self._buffer) < size:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("the server closed the connection")
            self._buffer += chunk
        out, self._buffer = self._buffer[:size], self._buffer[size:]
        return out

    def _readline(self) -> bytes:
        while b"\r\n" not in self._buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("the server closed the connection")
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\r\n")
        return line + b"\r\n"

    def readable_within(self, seconds: float) -> bool:
        """True when data is buffered or arrives within `seconds`."""
        return bool(self._buffer) or bool(select.select([self.sock], [], [], seconds)[0])

    def request(self, method: str, path: str, headers: str = "") -> tuple[int, dict[str, str], bytes]:
        self.cseq += 1
        self.sock.sendall(f"{method} rtsp://127.0.0.1:{self.port}/{path} RTSP/1.0\r\nCSeq: {self.cseq}\r\n"
                          f"Authorization: {basic(*self.credentials)}\r\n{headers}\r\n".encode())
        while True:
            first = self._read(1)
            if first == b"$":
                self._read_frame()
                continue
            status_line = (first + self._readline()).decode()
            head = {}
            for line in iter(self._readline, b"\r\n"):
                name, _, value = line.decode().partition(":")
                head[name.strip().lower()] = value.strip()
            assert head["cseq"] == str(self.cseq)
            body = self._read(int(head.get("content-length", 0)))
            return int(status_line.split()[1]), head, body

    def _read_frame(self) -> None:
        header = self._read(3)
        self.frames.append((header[0], self._read(int.from_bytes(header[1:], "big"))))

    def read_interleaved(self, count: int) -> None:
        while len(self.frames) < count:
            assert self._read(1) == b"$"
            self._read_frame()

    def start(self, path: str, range_header: str | None = None) -> tuple[str, dict[str, str], str]:
        """DESCRIBE, SETUP over TCP and PLAY; returns (session id, PLAY headers, SDP)."""
        status, _head, body = self.request("DESCRIBE", path, "Accept: application/sdp\r\n")
        assert status == 200, status
        status, head, _ = self.request("SETUP", f"{path}/trackID=0", "Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n")
        assert status == 200, status
        session = head["session"].split(";")[0]
        status, head = self.play(path, session, range_header)
        assert status == 200, status
        return session, head, body.decode()

    def play(self, path: str, session: str, range_header: str | None = None) -> tuple[int, dict[str, str]]:
        extra = f"Range: {range_header}\r\n" if range_header else ""
        status, head, _ = self.request("PLAY", path, f"Session: {session}\r\n{extra}")
        return status, head

    def rtp(self) -> list[Rtp]:
        out = []
        for channel, data in self.frames:
            if channel == 0:
                _b0, b1, seq, ts = struct.unpack("!BBHI", data[:8])
                out.append(Rtp(seq, ts, bool(b1 & 0x80), data[12:]))
        return out


def rtp_info_rtptime(head: dict[str, str]) -> int:
    return int(re.search(r"rtptime=(\d+)", head["rtp-info"])[1])


def sdp_parameter_sets(sdp: str) -> bytes:
    """The SPS/PPS of an H.264 SDP as Annex B."""
    sprop = re.search(r"sprop-parameter-sets=([^;\r\n]+)", sdp)[1]
    return b"".join(b"\x00\x00\x00\x01" + base64.b64decode(p) for p in sprop.split(","))


def access_units(packets: list[Rtp]) -> list[tuple[int, bytes]]:
    """(RTP timestamp, Annex B access unit) from H.264 RTP payloads (RFC 6184 single NAL and FU-A)."""
    units: list[tuple[int, bytes]] = []
    current: list[bytes] = []
    fragment = b""
    for packet in packets:
        kind = packet.payload[0] & 0x1F
        if kind == 28:
            header = packet.payload[1]
            if header & 0x80:
                fragment = bytes(((packet.payload[0] & 0xE0) | (header & 0x1F),))
            fragment += packet.payload[2:]
            if header & 0x40:
                current.append(fragment)
        else:
            current.append(packet.payload)
        if packet.marker:
            units.append((packet.timestamp, b"".join(b"\x00\x00\x00\x01" + n for n in current)))
            current = []
    return units


def decode_units(parameter_sets: bytes, units: list[tuple[int, bytes]]) -> list[tuple[int, np.ndarray]]:
    """(RTP timestamp, grey picture) of each decoded access unit."""
    ctx = av.CodecContext.create("h264", "r")
    ctx.extradata = parameter_sets
    out = []
    for ts, unit in units:
        for frame in ctx.decode(av.Packet(unit)):
            out.append((ts, frame.to_ndarray(format="gray")))
    return out


def nearest(picture: np.ndarray, references: list[tuple[int, np.ndarray]]) -> int:
    """The key (e.g. wall time) of the reference picture most like `picture`."""
    diffs = [(float(np.abs(picture.astype(np.int16) - ref.astype(np.int16)).mean()), key) for key, ref in references]
    return min(diffs)[1]
