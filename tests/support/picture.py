"""Measures the synthetic scene in a decoded picture (a luma plane): where its dark vertical grid
lines are, and how bright its gradient is between them. Used to check that PTZ moves frame the scene
as predicted by the scene's geometry (world = 2x the picture, grid every fifth of the picture width,
luma rising left to right)."""

from __future__ import annotations

import numpy as np


def column_profile(luma: np.ndarray) -> np.ndarray:
    """The median of each column over the middle rows (text bands, horizontal lines and the moving
    box each cover far less than half of them)."""
    height = luma.shape[0]
    return np.median(luma[height // 8: height - height // 8].astype(float), axis=0)


def vertical_lines(luma: np.ndarray, dark_below: float = 45) -> list[float]:
    """Centres (in pixels) of the dark vertical lines, left to right; lines cut by an edge are left out."""
    dark = column_profile(luma) < dark_below
    centres, start = [], None
    for x, is_dark in enumerate(dark):
        if is_dark and start is None:
            start = x
        elif not is_dark and start is not None:
            if start > 0:
                centres.append((start + x - 1) / 2)
            start = None
    return centres


def background_level(luma: np.ndarray, dark_below: float = 45) -> float:
    """Mean brightness of the gradient, line columns left out."""
    profile = column_profile(luma)
    return float(profile[profile >= dark_below].mean())


def spacing(lines: list[float]) -> float:
    return float(np.median(np.diff(lines)))


def chroma_hue(rgb: np.ndarray) -> tuple[float, float]:
    """(angle in degrees 0..360, magnitude) of the median chroma of an RGB picture (H x W x 3), in the
    U/V plane of the synthetic camera's `hue` parameter: 0 = +U (blue), 90 = +V (red). Full-range
    BT.601, as JPEG uses; the median ignores text bands and grid lines."""
    r, g, b = (rgb[..., i].astype(float) for i in range(3))
    cb = np.median(128 - 0.168736 * r - 0.331264 * g + 0.5 * b) - 128
    cr = np.median(128 + 0.5 * r - 0.418688 * g - 0.081312 * b) - 128
    return float(np.degrees(np.arctan2(cr, cb)) % 360), float(np.hypot(cb, cr))


def hue_distance(a_deg: float, b_deg: float) -> float:
    return abs((a_deg - b_deg + 180) % 360 - 180)
