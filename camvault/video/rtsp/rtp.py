"""RTP packets and RTCP sender reports (RFC 3550), pure. Times: RTP timestamps in 90 kHz ticks,
wall time as Unix seconds (converted to NTP)."""

from __future__ import annotations

import struct

NTP_EPOCH_OFFSET_S = 2_208_988_800


def rtp_packet(payload: bytes, *, seq: int, timestamp: int, ssrc: int, marker: bool, pt: int = 96) -> bytes:
    header = struct.pack("!BBHII", 0x80, (0x80 if marker else 0) | pt, seq & 0xFFFF,
                         timestamp & 0xFFFFFFFF, ssrc)
    return header + payload


def sender_report(*, ssrc: int, unix_s: float, timestamp: int, packets: int, octets: int) -> bytes:
    ntp = unix_s + NTP_EPOCH_OFFSET_S
    seconds = int(ntp)
    fraction = int((ntp - seconds) * (1 << 32)) & 0xFFFFFFFF
    return struct.pack("!BBHIIIIII", 0x80, 200, 6, ssrc, seconds & 0xFFFFFFFF, fraction,
                       timestamp & 0xFFFFFFFF, packets & 0xFFFFFFFF, octets & 0xFFFFFFFF)


def interleaved(channel: int, data: bytes) -> bytes:
    """An RTP/RTCP packet framed for RTSP interleaved TCP (`$`, channel, 16-bit length)."""
    return struct.pack("!cBH", b"$", channel, len(data)) + data


def goodbye(ssrc: int) -> bytes:
    """An RTCP BYE for `ssrc` (sent after a sender report: the stream ended)."""
    return struct.pack("!BBHI", 0x81, 203, 1, ssrc)
