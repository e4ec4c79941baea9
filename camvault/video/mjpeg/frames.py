"""Decoded frames and the board that publishes the latest one.

An `MjpegFrame` is immutable once published: an RGB picture (Pillow) and its JPEG encodings, cached
by quality (1..100, Pillow's scale), each made once. `derived` caches what viewers compute from
it once for all (e.g. a multipart part), keyed by the consumer's format name.

A `FrameBoard` holds the latest frame of one pipeline. The producing thread publishes; viewers
register a `wake` callable (called on the producer's thread, it must not block) and read `latest`.
Viewers also register the JPEG qualities they want, so the producer encodes them before publishing
(`qualities`). Thread-safe.
"""

from __future__ import annotations

import io
import logging
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from PIL import Image, ImageDraw, ImageFont

log = logging.getLogger(__name__)

NO_VIDEO_TEXT = "no video"


def encode_jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


@dataclass(eq=False)
class MjpegFrame:
    """One published picture. `seq` grows by one per frame published on its board; `pts_90k` is the
    source's time (None for a placeholder); `placeholder` marks a "no video" picture."""

    image: Image.Image
    seq: int = 0
    pts_90k: int | None = None
    placeholder: bool = False
    derived: dict = field(default_factory=dict, repr=False)
    _jpegs: dict[int, bytes] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    on_encode: Callable[[], None] | None = field(default=None, repr=False)

    @property
    def size(self) -> tuple[int, int]:
        return self.image.size

    def cached_jpeg(self, quality: int) -> bytes | None:
        return self._jpegs.get(quality)

    def jpeg(self, quality: int) -> bytes:
        """The frame as JPEG at `quality`, encoded once (blocking: not on an event loop)."""
        data = self._jpegs.get(quality)
        if data is not None:
            return data
        with self._lock:
            data = self._jpegs.get(quality)
            if data is None:
                data = encode_jpeg(self.image, quality)
                self._jpegs[quality] = data
                if self.on_encode is not None:
                    self.on_encode()
        return data


def no_video_image(width_px: int, height_px: int) -> Image.Image:
    """A black picture with "no video" written in the middle."""
    image = Image.new("RGB", (width_px, height_px))
    font = ImageFont.load_default(size=max(10, height_px // 12))
    draw = ImageDraw.Draw(image)
    left, top, right, bottom = draw.textbbox((0, 0), NO_VIDEO_TEXT, font=font)
    draw.text(((width_px - (right - left)) / 2, (height_px - (bottom - top)) / 2), NO_VIDEO_TEXT,
              fill=(150, 150, 150), font=font)
    return image


class FrameBoard:
    """The latest frame of one pipeline, and the viewers to wake when it changes."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._lock = threading.Lock()
        self._latest: MjpegFrame | None = None
        self._wakers: list[Callable[[], None]] = []
        self._qualities: Counter[int] = Counter()
        self.ended = False
        self.published = 0

    @property
    def latest(self) -> MjpegFrame | None:
        return self._latest

    def qualities(self) -> list[int]:
        with self._lock:
            return [q for q, n in self._qualities.items() if n > 0]

    def watch(self, wake: Callable[[], None], quality: int | None = None) -> None:
        with self._lock:
            self._wakers.append(wake)
            if quality is not None:
                self._qualities[quality] += 1

    def unwatch(self, wake: Callable[[], None], quality: int | None = None) -> None:
        with self._lock:
            if wake in self._wakers:
                self._wakers.remove(wake)
            if quality is not None and self._qualities[quality] > 0:
                self._qualities[quality] -= 1

    @property
    def watchers(self) -> int:
        with self._lock:
            return len(self._wakers)

    def publish(self, frame: MjpegFrame) -> None:
        with self._lock:
            self.published += 1
            frame.seq = self.published
            self._latest = frame
            wakers = list(self._wakers)
        self._wake_all(wakers)

    def end(self) -> None:
        """No frame will come any more (the stream is gone): viewers finish."""
        with self._lock:
            self.ended = True
            wakers = list(self._wakers)
        self._wake_all(wakers)

    def _wake_all(self, wakers: list[Callable[[], None]]) -> None:
        for wake in wakers:
            try:
                wake()
            except Exception:          # a viewer's wake must not stop the producer or the others
                log.exception("mjpeg %s: waking a viewer failed", self.label)
