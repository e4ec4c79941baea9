"""Stereo depth of the synthetic stereo camera (`DEPTH_B_C`): OpenCV's semi-global block matcher
over the rectified CAM_B (left, reference) / CAM_C (right) pair, encoded as a grey picture.

Encoding (the contract a client decodes): the depth picture is seen from CAM_B. Its grey level
(0..255, the value a player or a still shows) is proportional to disparity, i.e. inversely
proportional to depth, independent of the picture size:

    grey = round(DEPTH_GREY_M / depth_m)        depth_m = DEPTH_GREY_M / grey

with DEPTH_GREY_M = 255 * DEPTH_MIN_M = 178.5 m: white (255) is DEPTH_MIN_M = 0.7 m (the nearest
depth measured, as an OAK-D's), grey 51 is 3.5 m, lighter is nearer. Grey 0 (black) means no depth
(invalid: occluded, untextured, outside the matcher's range, or the left band of
`num_disparities` columns that CAM_C cannot see).
In the encoded H.264 stream (yuv420p, limited range, as every player assumes) the grey is carried
as luma Y = 16 + 219 * grey / 255, chroma 128: `grey_from_luma` undoes that. One luma step at
3.5 m is about 2.3 % of the depth (half that as rounding error); nearer it is finer.

The matcher searches disparities 0..`num_disparities(width)` (enough for DEPTH_MIN_M with the
rig's baseline and focal length), 5x5 blocks, three-way SGBM, sub-pixel (1/16 px) disparities,
uniqueness and speckle filtering.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from camvault.video.sources.stereo_scene import BASELINE_M, focal_px

DEPTH_MIN_M = 0.7
DEPTH_GREY_M = 255 * DEPTH_MIN_M
BLOCK_PX = 5


def num_disparities(width: int) -> int:
    """The disparity search range for a picture `width` wide: covers DEPTH_MIN_M, multiple of 16."""
    return 16 * max(1, math.ceil(focal_px(width) * BASELINE_M / DEPTH_MIN_M / 16))


def grey_from_depth_m(depth_m: np.ndarray) -> np.ndarray:
    """The grey levels (uint8) of depths in metres (0 where the depth is not finite and positive)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        grey = np.where(np.isfinite(depth_m) & (depth_m > 0), DEPTH_GREY_M / depth_m, 0.0)
    return np.clip(np.rint(grey), 0, 255).astype(np.uint8)


def depth_m_from_grey(grey: np.ndarray) -> np.ndarray:
    """Depths in metres (float32) of grey levels; NaN where grey is 0 (no depth)."""
    grey = np.asarray(grey, dtype=np.float32)
    with np.errstate(divide="ignore"):
        return np.where(grey > 0, DEPTH_GREY_M / grey, np.nan).astype(np.float32)


def luma_from_grey(grey: np.ndarray) -> np.ndarray:
    """Limited-range luma (16..235) that players show as `grey` (0..255)."""
    values = np.asarray(grey, np.uint8)
    return cv2.LUT(values, _GREY_TO_LUMA).reshape(values.shape)


def grey_from_luma(luma: np.ndarray) -> np.ndarray:
    """The grey a limited-range luma plane shows (what a decoder's picture holds -> 0..255)."""
    values = np.asarray(luma, np.uint8)
    return cv2.LUT(values, _LUMA_TO_GREY).reshape(values.shape)


_LEVELS = np.arange(256, dtype=np.float64)
_GREY_TO_LUMA = np.rint(16 + _LEVELS * 219 / 255).astype(np.uint8)
_LUMA_TO_GREY = np.clip(np.rint((_LEVELS - 16) * 255 / 219), 0, 255).astype(np.uint8)


class StereoMatcher:
    """Disparity and depth grey from a rectified left/right pair of one picture size (not thread-safe)."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.num_disparities = num_disparities(width)
        area = BLOCK_PX * BLOCK_PX
        self._sgbm = cv2.StereoSGBM_create(
            minDisparity=0, numDisparities=self.num_disparities, blockSize=BLOCK_PX, P1=8 * area, P2=32 * area,
            disp12MaxDiff=1, uniquenessRatio=10, speckleWindowSize=100, speckleRange=2,
            mode=cv2.STEREO_SGBM_MODE_SGBM_3WAY)
        # grey = DEPTH_GREY_M / depth = DEPTH_GREY_M * disparity / (f * baseline); SGBM gives 16 x disparity
        self._grey_per_disparity16 = DEPTH_GREY_M / (focal_px(width) * BASELINE_M) / 16

    def disparity_px(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Disparity in pixels (float32) for each pixel of `left`; <= 0 where there is none."""
        return self._sgbm.compute(left, right).astype(np.float32) / 16

    def grey(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """The depth picture's grey levels (uint8, see the module docstring) for a left/right pair."""
        disparity16 = self._sgbm.compute(left, right)
        grey = cv2.convertScaleAbs(disparity16, alpha=self._grey_per_disparity16)
        grey[disparity16 <= 0] = 0
        return grey
