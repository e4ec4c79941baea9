"""Access units to RGB pictures at an output size, at most `max_fps` pictures a second.

`PictureDecoder` decodes every access unit it is given (a stream can only be decoded whole), but
converts and scales only the pictures it keeps: per batch of packets, the newest picture if the
rate cap lets one through. So a backlog (the GOP a new subscription starts with, a burst after a
stall) costs its decoding but yields one picture, the current one. It starts on a keyframe, and
after a decoding error skips to the next keyframe (one log line per error).

Blocking and not thread-safe: one decoder is used by one thread. Packets follow the framing of
`CodecInfo.extradata` (Annex B with Annex B or no extradata; length-prefixed with avcC/hvcC).
Times: `pts_90k` in 90 kHz ticks.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from fractions import Fraction

import av
from PIL import Image

from camvault.core.tiles import Size, fit
from camvault.video.live import CodecInfo, LivePacket

log = logging.getLogger(__name__)

TIME_BASE = Fraction(1, 90000)


class RateCap:
    """Lets through at most `max_fps` pictures per second of media time, evenly: a picture is due
    once its time reaches the next slot (a quarter interval early counts, so a source exactly at
    the cap is not decimated by jitter). A jump back in time or past several slots resynchronizes."""

    def __init__(self, max_fps: float) -> None:
        self.interval_90k = 90000 / max_fps
        self._next_90k: float | None = None

    def due(self, pts_90k: int | None) -> bool:
        if pts_90k is None:
            return True
        nxt = self._next_90k
        if nxt is None or pts_90k < nxt - 2 * self.interval_90k or pts_90k > nxt + 2 * self.interval_90k:
            self._next_90k = pts_90k + self.interval_90k
            return True
        if pts_90k >= nxt - self.interval_90k / 4:
            self._next_90k = nxt + self.interval_90k
            return True
        return False


@dataclass(frozen=True)
class Picture:
    image: Image.Image
    pts_90k: int | None


class PictureDecoder:
    def __init__(self, codec: CodecInfo, box: Size | None, max_fps: float, label: str = "") -> None:
        self.codec = codec
        self.box = box
        self.label = label
        self._ctx = av.CodecContext.create(codec.codec, "r")
        if codec.extradata:
            self._ctx.extradata = codec.extradata
        self._cap = RateCap(max_fps)
        self._need_key = True
        self.frames_decoded = 0
        self.errors = 0

    def decode(self, packets: list[LivePacket]) -> Picture | None:
        """Decode the packets; the newest picture if the rate cap lets one through, else None."""
        newest, due = None, False
        for packet in packets:
            if self._need_key and not packet.keyframe:
                continue
            self._need_key = False
            for frame in self._decode_one(packet):
                self.frames_decoded += 1
                due = self._cap.due(frame.pts) or due
                newest = frame
        if newest is None or not due:
            return None
        return self._picture(newest)

    def _decode_one(self, packet: LivePacket) -> list[av.VideoFrame]:
        av_packet = av.Packet(packet.data)
        av_packet.pts = packet.pts_90k
        av_packet.time_base = TIME_BASE
        try:
            return self._ctx.decode(av_packet)
        except av.error.FFmpegError as exc:
            self.errors += 1
            self._need_key = True
            log.warning("mjpeg %s: %s packet does not decode (%s); waiting for the next keyframe",
                        self.label, self.codec.codec, exc)
            return []

    def _picture(self, frame: av.VideoFrame) -> Picture | None:
        native = Size(frame.width, frame.height)
        size = fit(native, self.box) if self.box is not None else native
        try:
            if size == native:
                array = frame.to_ndarray(format="rgb24")
            else:
                array = frame.reformat(width=size.width_px, height=size.height_px, format="rgb24",
                                       interpolation="AREA").to_ndarray()
        except (av.error.FFmpegError, ValueError) as exc:
            self.errors += 1
            log.warning("mjpeg %s: converting a %dx%d picture failed: %s", self.label, frame.width, frame.height, exc)
            return None
        return Picture(Image.fromarray(array), frame.pts)
