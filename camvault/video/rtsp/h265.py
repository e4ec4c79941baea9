"""H.265/HEVC for RTP (RFC 7798), pure: split access units into NAL units (Annex B or 4-byte
length-prefixed), find the VPS/SPS/PPS (Annex B or hvcC extradata, or in band on a keyframe), the
SDP `fmtp`, and packetize into RTP payloads: a single NAL unit packet when it fits, Fragmentation
Units (type 49) otherwise. No aggregation packets and no DONL (sprop-max-don-diff is 0).

NAL unit header (2 bytes): F(1) Type(6) LayerId(6) TID(3). An FU keeps F, LayerId and TID in its
payload header with Type 49, then one FU header byte S(1) E(1) FuType(6), then a slice of the NAL
unit without its 2-byte header.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from camvault.video.rtsp.h264 import split_nals

__all__ = ["split_nals", "nal_type", "parameter_sets", "hvcc_nals", "fmtp", "payloads", "ProfileTierLevel",
           "profile_tier_level"]

NAL_VPS, NAL_SPS, NAL_PPS, NAL_AUD, FU = 32, 33, 34, 35, 49
_HVCC_HEADER_SIZE = 23          # bytes before numOfArrays' arrays (ISO/IEC 14496-15 8.3.3.1.2)


def nal_type(nal: bytes) -> int:
    return (nal[0] >> 1) & 0x3F


def parameter_sets(extradata: bytes | None, keyframe: bytes | None) -> tuple[bytes, bytes, bytes] | None:
    """(VPS, SPS, PPS) from the extradata (Annex B or hvcC) or else the in-band ones of a keyframe."""
    for nals in (_extradata_nals(extradata), split_nals(keyframe) if keyframe else []):
        found = [next((n for n in nals if nal_type(n) == kind), None) for kind in (NAL_VPS, NAL_SPS, NAL_PPS)]
        if all(found):
            return found[0], found[1], found[2]
    return None


def _extradata_nals(extradata: bytes | None) -> list[bytes]:
    if not extradata:
        return []
    if extradata.startswith((b"\x00\x00\x01", b"\x00\x00\x00\x01")):
        return split_nals(extradata)
    return hvcc_nals(extradata)


def hvcc_nals(hvcc: bytes) -> list[bytes]:
    """The NAL units of an HEVCDecoderConfigurationRecord's arrays, in order; a truncated record
    gives the units read before the cut."""
    nals: list[bytes] = []
    if len(hvcc) < _HVCC_HEADER_SIZE:
        return nals
    i = _HVCC_HEADER_SIZE
    for _ in range(hvcc[22]):                           # numOfArrays
        if i + 3 > len(hvcc):
            break
        count = int.from_bytes(hvcc[i + 1:i + 3], "big")    # after completeness|reserved|NAL_unit_type
        i += 3
        for _ in range(count):
            size = int.from_bytes(hvcc[i:i + 2], "big")
            if size == 0 or i + 2 + size > len(hvcc):
                return nals
            nals.append(hvcc[i + 2:i + 2 + size])
            i += 2 + size
    return nals


@dataclass(frozen=True)
class ProfileTierLevel:
    """The general profile_tier_level of an SPS (H.265 7.3.3), as named by RFC 7798's fmtp."""

    profile_space: int
    tier_flag: int
    profile_id: int
    level_id: int


def profile_tier_level(sps: bytes) -> ProfileTierLevel | None:
    """Read from the SPS: after the 2-byte NAL header, one byte (vps id, max sub-layers, nesting),
    then general_profile_space(2) tier(1) profile_idc(5), 32 compatibility flags, 48 constraint
    bits, general_level_idc (8)."""
    rbsp = _rbsp(sps[:24])
    if len(rbsp) < 15:
        return None
    ptl = rbsp[3]
    return ProfileTierLevel(ptl >> 6, (ptl >> 5) & 1, ptl & 0x1F, rbsp[14])


def _rbsp(nal: bytes) -> bytes:
    """The bytes without emulation-prevention bytes (00 00 03 -> 00 00)."""
    out, zeros = bytearray(), 0
    for b in nal:
        if zeros >= 2 and b == 3:
            zeros = 0
            continue
        out.append(b)
        zeros = zeros + 1 if b == 0 else 0
    return bytes(out)


def fmtp(vps: bytes, sps: bytes, pps: bytes) -> str:
    """The `a=fmtp:96` value: profile/tier/level read from the SPS (left out if it is too short to
    hold them) and sprop-vps/sps/pps, each one NAL unit in base64."""
    parts = []
    ptl = profile_tier_level(sps)
    if ptl:
        parts += [f"profile-space={ptl.profile_space}", f"profile-id={ptl.profile_id}",
                  f"tier-flag={ptl.tier_flag}", f"level-id={ptl.level_id}"]
    for name, nal in (("vps", vps), ("sps", sps), ("pps", pps)):
        parts.append(f"sprop-{name}={base64.b64encode(nal).decode()}")
    return ";".join(parts)


def payloads(nals: list[bytes], max_size: int = 1400) -> list[bytes]:
    """The RTP payloads of one access unit, in order: a NAL unit that fits is sent alone, a larger
    one as FUs. Access unit delimiters are left out. The marker bit goes on the last."""
    out: list[bytes] = []
    for nal in nals:
        if len(nal) < 2 or nal_type(nal) == NAL_AUD:
            continue
        if len(nal) <= max_size:
            out.append(nal)
            continue
        header = bytes(((nal[0] & 0x81) | (FU << 1), nal[1]))
        kind = nal_type(nal)
        body = nal[2:]
        step = max_size - 3
        for pos in range(0, len(body), step):
            start, end = pos == 0, pos + step >= len(body)
            fu_header = (0x80 if start else 0) | (0x40 if end else 0) | kind
            out.append(header + bytes((fu_header,)) + body[pos:pos + step])
    return out
