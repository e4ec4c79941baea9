"""H.264 for RTP (RFC 6184), pure: split access units into NAL units (Annex B or length-prefixed),
find the SPS/PPS, and packetize into RTP payloads (single NAL unit, FU-A for larger ones).
"""

from __future__ import annotations

import base64

NAL_SPS, NAL_PPS, NAL_AUD, FU_A = 7, 8, 9, 28


def split_nals(data: bytes) -> list[bytes]:
    """The NAL units of one access unit: Annex B (start codes) or 4-byte length-prefixed (AVCC)."""
    if data.startswith((b"\x00\x00\x01", b"\x00\x00\x00\x01")):
        return _split_annexb(data)
    return _split_avcc(data)


def _split_annexb(data: bytes) -> list[bytes]:
    nals, i, n = [], 0, len(data)
    starts = []
    while True:
        i = data.find(b"\x00\x00\x01", i)
        if i < 0:
            break
        starts.append(i + 3)
        i += 3
    for k, start in enumerate(starts):
        end = starts[k + 1] - 3 if k + 1 < len(starts) else n
        nal = data[start:end].rstrip(b"\x00") if k + 1 < len(starts) else data[start:end]
        if nal:
            nals.append(nal)
    return nals


def _split_avcc(data: bytes) -> list[bytes]:
    nals, i = [], 0
    while i + 4 <= len(data):
        size = int.from_bytes(data[i:i + 4], "big")
        if size == 0 or i + 4 + size > len(data):
            break
        nals.append(data[i + 4:i + 4 + size])
        i += 4 + size
    return nals


def parameter_sets(extradata: bytes | None, keyframe: bytes | None) -> tuple[bytes, bytes] | None:
    """(SPS, PPS) from the extradata (Annex B or avcC) or else the in-band ones of a keyframe."""
    for nals in (_extradata_nals(extradata), split_nals(keyframe) if keyframe else []):
        sps = next((n for n in nals if n[0] & 0x1F == NAL_SPS), None)
        pps = next((n for n in nals if n[0] & 0x1F == NAL_PPS), None)
        if sps and pps:
            return sps, pps
    return None


def _extradata_nals(extradata: bytes | None) -> list[bytes]:
    if not extradata:
        return []
    if extradata[0] != 1:                     # Annex B
        return _split_annexb(extradata)
    nals, i = [], 5                            # avcC: version, profile, compat, level, length size
    for _ in range(2):                         # SPS list then PPS list
        if i >= len(extradata):
            break
        count = extradata[i] & (0x1F if not nals else 0xFF)
        i += 1
        for _ in range(count):
            size = int.from_bytes(extradata[i:i + 2], "big")
            nals.append(extradata[i + 2:i + 2 + size])
            i += 2 + size
    return nals


def fmtp(sps: bytes, pps: bytes) -> str:
    """The `a=fmtp:96` value: packetization-mode=1, profile-level-id and sprop-parameter-sets."""
    sprop = ",".join(base64.b64encode(n).decode() for n in (sps, pps))
    return f"packetization-mode=1;profile-level-id={sps[1:4].hex().upper()};sprop-parameter-sets={sprop}"


def payloads(nals: list[bytes], max_size: int = 1400) -> list[bytes]:
    """The RTP payloads of one access unit, in order: a NAL unit that fits is sent alone, a larger
    one as FU-A fragments. Access unit delimiters are left out. The marker bit goes on the last."""
    out: list[bytes] = []
    for nal in nals:
        if nal[0] & 0x1F == NAL_AUD:
            continue
        if len(nal) <= max_size:
            out.append(nal)
            continue
        indicator = (nal[0] & 0xE0) | FU_A
        kind = nal[0] & 0x1F
        body = nal[1:]
        step = max_size - 2
        for pos in range(0, len(body), step):
            start, end = pos == 0, pos + step >= len(body)
            header = (0x80 if start else 0) | (0x40 if end else 0) | kind
            out.append(bytes((indicator, header)) + body[pos:pos + step])
    return out
