"""NAL-unit framing of H.264/H.265 access units (pure): containers (Matroska, MP4) store them
length-prefixed with the length size given in the avcC/hvcC extradata; RTSP sources and encoders
give Annex B (start codes). Live and replay packets are normalized to Annex B so that consumers
(RTP packetizers, decoders) never have to guess: a length-prefixed unit whose first NAL is 256-511
bytes long starts with 00 00 01 and looks like Annex B.
"""

from __future__ import annotations

START_CODE = b"\x00\x00\x00\x01"
_LENGTH_SIZE_OFFSET = {"h264": 4, "hevc": 21}      # byte of avcC / hvcC holding lengthSizeMinusOne


def length_size(codec: str, extradata: bytes | None) -> int | None:
    """The NAL length-prefix size (1, 2 or 4) of a stream whose extradata is avcC/hvcC; None when
    its packets are Annex B (no extradata, or Annex B extradata) or the codec is not H.264/H.265."""
    offset = _LENGTH_SIZE_OFFSET.get(codec)
    if offset is None or not extradata or extradata[0] != 1 or len(extradata) <= offset:
        return None
    return (extradata[offset] & 0x03) + 1


def to_annexb(data: bytes, size: int | None) -> bytes:
    """The access unit with start codes; unchanged when `size` is None (already Annex B). A
    truncated trailing unit is dropped."""
    if size is None:
        return data
    out, i, n = [], 0, len(data)
    while i + size <= n:
        length = int.from_bytes(data[i:i + size], "big")
        i += size
        if length == 0 or i + length > n:
            break
        out.append(START_CODE)
        out.append(data[i:i + length])
        i += length
    return b"".join(out)


def with_parameter_sets(data: bytes, units: list[bytes]) -> bytes:
    """An Annex B keyframe with the given parameter-set NAL units in front."""
    return b"".join(START_CODE + u for u in units) + data
