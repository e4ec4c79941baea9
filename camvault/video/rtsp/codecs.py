"""Which RTP payload format carries a codec (pure): the SDP `rtpmap`/`fmtp` of a stream and the RTP
payloads of one access unit: H.264 (RFC 6184, `h264`) and H.265 (RFC 7798, `hevc`), keyed by
ffmpeg's codec name. The one place the RTSP server and sessions ask about codecs; a codec
not listed here cannot be served (DESCRIBE answers 503).
"""

from __future__ import annotations

from dataclasses import dataclass

from camvault.video.rtsp import h264, h265


@dataclass(frozen=True)
class MediaFormat:
    """The SDP lines of a video track: `a=rtpmap:96 <rtpmap>` and `a=fmtp:96 <fmtp>`."""

    rtpmap: str
    fmtp: str


def media_format(codec: str, extradata: bytes | None, keyframe: bytes | None) -> MediaFormat | None:
    """The SDP format of a stream, None when the codec is not served or its parameter sets are not
    known yet (neither in the extradata nor in band on `keyframe`)."""
    if codec == "h264":
        sets = h264.parameter_sets(extradata, keyframe)
        return MediaFormat("H264/90000", h264.fmtp(*sets)) if sets else None
    if codec == "hevc":
        sets265 = h265.parameter_sets(extradata, keyframe)
        return MediaFormat("H265/90000", h265.fmtp(*sets265)) if sets265 else None
    return None


def payloads(codec: str, data: bytes) -> list[bytes]:
    """The RTP payloads of one access unit (Annex B or length-prefixed), in sending order."""
    if codec == "h264":
        return h264.payloads(h264.split_nals(data))
    if codec == "hevc":
        return h265.payloads(h265.split_nals(data))
    raise ValueError(f"codec {codec!r} has no RTP packetizer")


def parameter_set_units(codec: str, extradata: bytes | None) -> list[bytes]:
    """The parameter-set NAL units of the extradata, to send in band before a keyframe read from a
    file (whose packets do not repeat them)."""
    if codec == "h264":
        sets = h264.parameter_sets(extradata, None)
        return list(sets) if sets else []
    if codec == "hevc":
        sets265 = h265.parameter_sets(extradata, None)
        return list(sets265) if sets265 else []
    return []
