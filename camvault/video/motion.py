"""Motion detection on a camera's detect stream: a packet sink that decodes the stream (it must:
each picture depends on the previous ones), but converts and analyses only ~5 pictures a second,
each scaled down to a small grey image (`ANALYSIS_WIDTH_PX` wide) by swscale.

`MotionAnalyser` (numpy): a running-average background, the pixels that differ from it by more
than the sensitivity's threshold, inside the zones; a 3x3 morphological opening removes changes
thinner than 3 analysis pixels (a burned-in clock's digits, noise), so only solid moving areas
count. The moving fraction of the picture is compared with `min_area`; the pure `MotionGate`
debounces it into start/end events.

Threads: all on the stream's ingest thread; `on_motion` is called there. Times: packet wall ms.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import av
import numpy as np
from PIL import Image

from camvault.core.motion import MotionGate, MotionSettings, pixel_threshold
from camvault.video.sources.base import SourceSession

log = logging.getLogger(__name__)

ANALYSIS_WIDTH_PX = 160
ANALYSIS_INTERVAL_MS = 200
"""~5 analysed pictures a second."""
INTERVAL_SLACK_MS = 15
BACKGROUND_ALPHA = 0.05
"""Weight of each analysed picture in the background (a lasting change is absorbed in ~4 s)."""

OnMotion = Callable[[bool, int, "Image.Image | None"], None]
"""(started, wall ms, picture at the start or None at the end)."""


class MotionAnalyser:
    """Measures the moving fraction of successive grey pictures of one size. Not thread-safe."""

    def __init__(self, settings: MotionSettings, width_px: int, height_px: int) -> None:
        self._threshold = pixel_threshold(settings.sensitivity)
        self._zone = _zone_mask(settings, width_px, height_px)
        self._picture_px = width_px * height_px
        self._background: np.ndarray | None = None

    def measure(self, grey: np.ndarray) -> float:
        """Fraction of the picture that moved compared with the background (0.0 for the first)."""
        current = grey.astype(np.float32)
        if self._background is None:
            self._background = current
            return 0.0
        changed = np.abs(current - self._background) > self._threshold
        self._background += BACKGROUND_ALPHA * (current - self._background)
        solid = _dilate(_erode(changed)) & self._zone
        return float(np.count_nonzero(solid)) / self._picture_px


class MotionSink:
    """A packet sink raising motion start/end for one camera stream."""

    def __init__(self, camera_id: int, stream_id: int, settings: MotionSettings, *, on_motion: OnMotion,
                 max_motion_ms: int | None = None) -> None:
        self.camera_id, self.stream_id = camera_id, stream_id
        self._settings = settings
        self._on_motion = on_motion
        self._max_motion_ms = max_motion_ms
        self._gate = self._new_gate()
        self._decoder: av.CodecContext | None = None
        self._analyser: MotionAnalyser | None = None
        self._size: tuple[int, int] = (0, 0)
        self._last_analysed_ms: int | None = None
        self._seen_keyframe = False
        self._errors = 0
        self.analysed = 0

    def on_session_start(self, session: SourceSession) -> None:
        info = session.info
        self._decoder = av.CodecContext.create(info.codec, "r")
        if info.extradata:
            self._decoder.extradata = info.extradata
        self._decoder.thread_count = 1
        self._decoder.options = {"skip_loop_filter": "all"}    # a cheaper, slightly blockier picture
        self._seen_keyframe = False
        self._errors = 0

    def on_packet(self, packet: av.Packet, wall_ms: int) -> None:
        if self._decoder is None or not (self._seen_keyframe or packet.is_keyframe):
            return
        self._seen_keyframe = True
        try:
            frames = self._decoder.decode(packet)
        except av.error.FFmpegError as exc:
            self._errors += 1
            if self._errors == 1:
                log.warning("camera %s.%s: motion decoder: %s (decoding goes on)", self.camera_id,
                            self.stream_id, exc)
            return
        for frame in frames:
            if self._last_analysed_ms is None or wall_ms - self._last_analysed_ms >= \
                    ANALYSIS_INTERVAL_MS - INTERVAL_SLACK_MS:
                self._last_analysed_ms = wall_ms
                try:
                    self._analyse(frame, wall_ms)
                except Exception:           # never let detection (or raising the alarm) stop ingest
                    log.exception("camera %s.%s: motion analysis failed", self.camera_id, self.stream_id)

    def on_session_end(self) -> None:
        """A motion in progress ends with the video."""
        self._decoder = None
        if self._gate.active and self._last_analysed_ms is not None:
            self._on_motion(False, self._last_analysed_ms, None)
        self._gate = self._new_gate()

    def _new_gate(self) -> MotionGate:
        return MotionGate(release_ms=round(self._settings.release_s * 1000), max_ms=self._max_motion_ms)

    def _analyse(self, frame: av.VideoFrame, wall_ms: int) -> None:
        width, height = _analysis_size(frame.width, frame.height)
        if self._analyser is None or self._size != (width, height):
            self._analyser, self._size = MotionAnalyser(self._settings, width, height), (width, height)
        grey = frame.reformat(width=width, height=height, format="gray", interpolation="AREA").to_ndarray()
        fraction = self._analyser.measure(grey)
        self.analysed += 1
        event = self._gate.update(wall_ms, fraction >= self._settings.min_area)
        if event == "start":
            log.info("camera %s: motion (%.2f %% of the picture)", self.camera_id, fraction * 100)
            self._on_motion(True, wall_ms, frame.to_image())
        elif event == "end":
            self._on_motion(False, wall_ms, None)


def _analysis_size(width: int, height: int) -> tuple[int, int]:
    """At most `ANALYSIS_WIDTH_PX` wide, the source's aspect ratio, even sides."""
    if width <= ANALYSIS_WIDTH_PX:
        return width, height
    scaled_height = max(2, round(ANALYSIS_WIDTH_PX * height / width / 2) * 2)
    return ANALYSIS_WIDTH_PX, scaled_height


def _zone_mask(settings: MotionSettings, width: int, height: int) -> np.ndarray:
    if not settings.zones:
        return np.ones((height, width), dtype=bool)
    mask = np.zeros((height, width), dtype=bool)
    for zone in settings.zones:
        left, top = int(zone.x * width), int(zone.y * height)
        right = min(width, round((zone.x + zone.width) * width))
        bottom = min(height, round((zone.y + zone.height) * height))
        mask[top:max(top + 1, bottom), left:max(left + 1, right)] = True
    return mask


def _erode(mask: np.ndarray) -> np.ndarray:
    """True where the whole 3x3 neighbourhood is True."""
    padded = np.pad(mask, 1, constant_values=False)
    height, width = mask.shape
    out = np.ones_like(mask)
    for dy in range(3):
        for dx in range(3):
            out &= padded[dy:dy + height, dx:dx + width]
    return out


def _dilate(mask: np.ndarray) -> np.ndarray:
    """True where any of the 3x3 neighbourhood is True."""
    padded = np.pad(mask, 1, constant_values=False)
    height, width = mask.shape
    out = np.zeros_like(mask)
    for dy in range(3):
        for dx in range(3):
            out |= padded[dy:dy + height, dx:dx + width]
    return out
