"""Motion decisions, pure: a camera's motion-detection settings and the gate that turns a sequence
of per-frame measurements ("this analysed frame shows motion or not") into motion start and end
events, with debounce.

Times are the wall-clock ms of the analysed frames (video time), so a stream fed faster than real
time is judged by its own clock. Not thread-safe: one gate per detect stream, used by its thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

START_FRAMES = 2
"""Consecutive analysed frames with motion needed to start (one noisy frame never raises an alarm)."""

MotionEvent = Literal["start", "end"]


@dataclass(frozen=True)
class MotionZone:
    """A rectangle of the picture, in relative coordinates (0..1, origin top left)."""

    x: float
    y: float
    width: float
    height: float

    def __post_init__(self) -> None:
        if not (0 <= self.x < 1 and 0 <= self.y < 1 and 0 < self.width <= 1 and 0 < self.height <= 1):
            raise ValueError("a motion zone needs 0 <= x, y < 1 and 0 < width, height <= 1")


@dataclass(frozen=True)
class MotionSettings:
    """How motion is detected on a camera.

    sensitivity: 1 (only strong changes count) .. 100 (faint changes count).
    min_area: the smallest moving area that counts, as a fraction of the whole picture; changes
        thinner than a few pixels (a burned-in clock, noise) never count, whatever their size.
    zones: where motion is looked for; empty means the whole picture.
    release_s: how long without motion before a motion ends.
    """

    enabled: bool = False
    sensitivity: int = 50
    min_area: float = 0.01
    zones: tuple[MotionZone, ...] = ()
    release_s: float = 5.0

    def __post_init__(self) -> None:
        if not 1 <= self.sensitivity <= 100:
            raise ValueError("motion sensitivity must be 1..100")
        if not 0 < self.min_area <= 1:
            raise ValueError("motion min_area must be in ]0, 1]")
        if self.release_s < 0:
            raise ValueError("motion release_s must be >= 0")


def pixel_threshold(sensitivity: int) -> int:
    """The grey-level difference (0..255) from the background a pixel needs to count as changed:
    70 at sensitivity 1, 10 at sensitivity 100, linear in between."""
    s = min(100, max(1, sensitivity))
    return round(70 - (s - 1) * 60 / 99)


class MotionGate:
    """Debounce: motion starts after `start_frames` consecutive analysed frames with motion, and
    ends once no frame showed motion for `release_ms`, or after `max_ms` of one motion (a motion
    that goes on then starts again: a new alarm with a fresh picture)."""

    def __init__(self, *, release_ms: int, max_ms: int | None = None, start_frames: int = START_FRAMES) -> None:
        self._release_ms = release_ms
        self._max_ms = max_ms
        self._start_frames = max(1, start_frames)
        self._streak = 0
        self._active = False
        self._started_ms = 0
        self._last_motion_ms = 0

    @property
    def active(self) -> bool:
        return self._active

    def update(self, t_ms: int, moving: bool) -> MotionEvent | None:
        """Account for one analysed frame at `t_ms`; returns the event it causes, if any."""
        if moving:
            self._streak += 1
            self._last_motion_ms = t_ms
        else:
            self._streak = 0
        if not self._active:
            if self._streak >= self._start_frames:
                self._active, self._started_ms = True, t_ms
                return "start"
            return None
        if self._max_ms is not None and t_ms - self._started_ms >= self._max_ms:
            self._active, self._streak = False, 0
            return "end"
        if not moving and t_ms - self._last_motion_ms >= self._release_ms:
            self._active = False
            return "end"
        return None
