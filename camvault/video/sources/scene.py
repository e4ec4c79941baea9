"""The synthetic camera's picture: a view of a larger scene, framed by the camera's PTZ position,
with the camera name and a burned-in UTC clock.

The scene ("world") is `WORLD_SCALE` times the picture in each direction: a luminance gradient
(darker left and top, brighter right and bottom), a grid of dark lines every fifth of the picture width /
height, and a bright box that sweeps across the home view (motion). The PTZ position picks the
window shown (`view_window`): pan/tilt move its centre, zoom shrinks it (magnification
`MAX_MAGNIFICATION ** zoom`); the window is scaled to the picture by nearest neighbour. The
per-camera chroma tint, the name and the clock are drawn after framing, so they never move.

Cost: renders straight into one reused yuv420p buffer (numpy). The framed background is computed
from two 1-D arrays (the gradient is separable) and cached while the window does not change, so a
still camera pays one copy per frame, a moving one one add over the luma plane. Text is drawn from
glyph masks rendered once with Pillow.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from camvault.core.ptz import HOME, PtzGeometry, PtzPosition

CLOCK_CHARS = "0123456789-:. UTCZ"
WORLD_SCALE = 2
MAX_MAGNIFICATION = 4.0
SCENE_GEOMETRY = PtzGeometry(fov_pan=2 / (WORLD_SCALE - 1), fov_tilt=2 / (WORLD_SCALE - 1),
                             max_mag=MAX_MAGNIFICATION)
"""The PTZ geometry this scene implies: at zoom 0 the picture spans 2/(WORLD_SCALE-1) pan units."""

GRADIENT_BASE, GRADIENT_X, GRADIENT_Y = 30, 170, 40
"""World luma = BASE + X * X/world_width + Y * Y/world_height (0..1 across the world)."""

GRID_DIVISIONS = 5
"""Grid lines every picture_width / GRID_DIVISIONS (and height) in world pixels."""

LINE_LUMA, BOX_LUMA = 16, 235


def tint_of(label: str, hue_deg: int | None = None) -> tuple[int, int]:
    """A stable (U, V) chroma pair for a label, far enough from grey to be recognisable; `hue_deg`
    (the angle in the U/V plane, 0 = towards +U/blue, 90 = towards +V/red) overrides the label's."""
    if hue_deg is not None:
        angle = np.deg2rad(hue_deg)
        return round(128 + 60 * np.cos(angle)), round(128 + 60 * np.sin(angle))
    angle = hashlib.sha1(label.encode()).digest()[0] / 255 * 2 * np.pi
    return int(128 + 60 * np.cos(angle)), int(128 + 60 * np.sin(angle))


@dataclass(frozen=True)
class Window:
    """The part of the world shown, in world pixels: left, top, width, height."""

    x0: float
    y0: float
    width: float
    height: float


def view_window(position: PtzPosition, width: int, height: int) -> Window:
    """The world window a `width` x `height` picture shows at `position`."""
    pos = position.clamped()
    mag = SCENE_GEOMETRY.magnification(pos.zoom)
    win_w, win_h = width / mag, height / mag
    centre_x = WORLD_SCALE * width / 2 + pos.pan * (WORLD_SCALE - 1) * width / 2
    centre_y = WORLD_SCALE * height / 2 - pos.tilt * (WORLD_SCALE - 1) * height / 2
    return Window(centre_x - win_w / 2, centre_y - win_h / 2, win_w, win_h)


class SceneRenderer:
    """Draws frame after frame into `buffer` (shape (h*3/2, w), uint8, yuv420p planar)."""

    def __init__(self, width: int, height: int, label: str, *, motion: bool = True,
                 hue_deg: int | None = None) -> None:
        if width % 2 or height % 2:
            raise ValueError("synthetic width and height must be even")
        self.width, self.height, self.motion = width, height, motion
        self.buffer = np.empty((height * 3 // 2, width), dtype=np.uint8)
        self._y = self.buffer[:height]
        self._background = np.empty((height, width), dtype=np.uint8)
        self._window: Window | None = None
        u, v = tint_of(label, hue_deg)
        chroma = self.buffer[height:].reshape(2, height // 2, width // 2)
        chroma[0].fill(u)
        chroma[1].fill(v)
        self._font_px = max(10, height // 24)
        font = ImageFont.load_default(size=self._font_px)
        self._glyphs = {c: _render(c, font) for c in CLOCK_CHARS}
        self._label = _render(label or "camvault", font)
        self._box = max(8, height // 6)
        self._line_px = max(2, round(min(width, height) / 60))
        self._cols = np.arange(width, dtype=np.float64) + 0.5
        self._rows = np.arange(height, dtype=np.float64) + 0.5

    def render(self, epoch_ms: int, frame_index: int, position: PtzPosition = HOME) -> np.ndarray:
        """Draw the frame for this time, index and PTZ position; returns the (reused) buffer."""
        window = view_window(position, self.width, self.height)
        if window != self._window:
            self._frame_background(window)
            self._window = window
        np.copyto(self._y, self._background)
        if self.motion:
            self._draw_box(frame_index, window)
        margin = self._font_px // 2
        _blit(self._y, self._label, margin, margin)
        self._draw_clock(epoch_ms, margin, self.height - self._font_px - 2 * margin)
        return self.buffer

    def _frame_background(self, window: Window) -> None:
        """The world's gradient and grid as seen through `window`, into `_background`."""
        world_x = window.x0 + self._cols * (window.width / self.width)
        world_y = window.y0 + self._rows * (window.height / self.height)
        col = np.rint(GRADIENT_X * world_x / (WORLD_SCALE * self.width)).astype(np.uint8)
        row = np.rint(GRADIENT_BASE + GRADIENT_Y * world_y / (WORLD_SCALE * self.height)).astype(np.uint8)
        np.add(row[:, None], col[None, :], out=self._background)
        self._background[:, world_x % (self.width / GRID_DIVISIONS) < self._line_px] = LINE_LUMA
        self._background[world_y % (self.height / GRID_DIVISIONS) < self._line_px, :] = LINE_LUMA

    def _draw_box(self, frame_index: int, window: Window) -> None:
        """The box sweeps back and forth across the home view, at mid height of the world."""
        span = self.width - self._box
        x = frame_index * 4 % (2 * span)
        x = x if x < span else 2 * span - x
        left = (WORLD_SCALE - 1) * self.width / 2 + x
        top = WORLD_SCALE * self.height / 2 - self._box / 2
        scale = self.width / window.width
        x0, x1 = (np.clip([(left - window.x0) * scale, (left + self._box - window.x0) * scale], 0, self.width)
                  .round().astype(int))
        y0, y1 = (np.clip([(top - window.y0) * scale, (top + self._box - window.y0) * scale], 0, self.height)
                  .round().astype(int))
        self._y[y0:y1, x0:x1] = BOX_LUMA

    def _draw_clock(self, epoch_ms: int, x: int, y: int) -> None:
        moment = datetime.fromtimestamp(epoch_ms / 1000, tz=timezone.utc)
        text = moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{epoch_ms % 1000:03d} UTC"
        for char in text:
            glyph = self._glyphs[char]
            if x + glyph.shape[1] > self.width:
                break
            _blit(self._y, glyph, x, y)
            x += glyph.shape[1]


def _render(text: str, font: ImageFont.ImageFont) -> np.ndarray:
    """A text mask (uint8 0/255) of the text's advance width and the font's line height."""
    left, top, right, bottom = font.getbbox("Hg" + text)
    width = max(1, int(font.getlength(text)))
    image = Image.new("L", (width, bottom + 2), 0)
    ImageDraw.Draw(image).text((0, 0), text, fill=255, font=font)
    return np.asarray(image)


def _blit(plane: np.ndarray, mask: np.ndarray, x: int, y: int) -> None:
    """White text on a dark band; clipped to the plane."""
    h = min(mask.shape[0], plane.shape[0] - y)
    w = min(mask.shape[1], plane.shape[1] - x)
    if h <= 0 or w <= 0:
        return
    region = plane[y:y + h, x:x + w]
    region[:] = 16
    np.maximum(region, (mask[:h, :w] > 127).astype(np.uint8) * 235, out=region)
