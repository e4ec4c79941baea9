"""The synthetic camera's picture: a moving scene with the camera name and a burned-in UTC clock.

Renders straight into one reused yuv420p buffer (numpy), no per-frame allocation: a per-camera
gradient and tint (so cameras are told apart by colour), a bright box that sweeps across the picture
(motion), and text drawn from glyph masks rendered once with Pillow.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

import numpy as np
from PIL import Image, ImageDraw, ImageFont

CLOCK_CHARS = "0123456789-:. UTCZ"


def tint_of(label: str) -> tuple[int, int]:
    """A stable (U, V) chroma pair for a label, far enough from grey to be recognisable."""
    digest = hashlib.sha1(label.encode()).digest()
    angle = digest[0] / 255 * 2 * np.pi
    return int(128 + 60 * np.cos(angle)), int(128 + 60 * np.sin(angle))


class SceneRenderer:
    """Draws frame after frame into `buffer` (shape (h*3/2, w), uint8, yuv420p planar)."""

    def __init__(self, width: int, height: int, label: str, *, motion: bool = True) -> None:
        if width % 2 or height % 2:
            raise ValueError("synthetic width and height must be even")
        self.width, self.height, self.motion = width, height, motion
        self.buffer = np.empty((height * 3 // 2, width), dtype=np.uint8)
        self._y = self.buffer[:height]
        gradient = np.linspace(40, 150, width, dtype=np.float32)[None, :] + \
            np.linspace(0, 40, height, dtype=np.float32)[:, None]
        self._background = gradient.astype(np.uint8)
        u, v = tint_of(label)
        chroma = self.buffer[height:].reshape(2, height // 2, width // 2)
        chroma[0].fill(u)
        chroma[1].fill(v)
        self._font_px = max(10, height // 24)
        font = ImageFont.load_default(size=self._font_px)
        self._glyphs = {c: _render(c, font) for c in CLOCK_CHARS}
        self._label = _render(label or "camvault", font)
        self._box = max(8, height // 6)

    def render(self, epoch_ms: int, frame_index: int) -> np.ndarray:
        """Draw the frame for this time and index; returns the (reused) buffer."""
        np.copyto(self._y, self._background)
        if self.motion:
            self._draw_box(frame_index)
        margin = self._font_px // 2
        _blit(self._y, self._label, margin, margin)
        self._draw_clock(epoch_ms, margin, self.height - self._font_px - 2 * margin)
        return self.buffer

    def _draw_box(self, frame_index: int) -> None:
        span = self.width - self._box
        x = frame_index * 4 % (2 * span)
        x = x if x < span else 2 * span - x
        top = self.height // 2 - self._box // 2
        self._y[top:top + self._box, x:x + self._box] = 235

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
