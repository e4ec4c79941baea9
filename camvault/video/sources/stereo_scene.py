"""The synthetic stereo camera's 3-D scene and its calibrated pinhole rig, with ground-truth depth.

World frame (metres): the rig's optical centre at the origin, X right, Y down, Z forward (the optical
axis). Sensors: `CAM_A` (colour) at X = 0, `CAM_B` (mono, left) at X = -`BASELINE_M`/2, `CAM_C`
(mono, right) at X = +`BASELINE_M`/2, all looking along +Z with parallel axes (a rectified rig, as
an OAK-D's 7.5 cm baseline). For a `width` x `height` picture every sensor has the same focal length
`focal_px(width)` (horizontal field of view `HFOV_DEG`) and its principal point at the picture
centre; pixel (c, r) has its centre at integer coordinates (OpenCV's convention), so a point at
depth Z m projects to c = cx + f (X - X_sensor) / Z and the disparity between B and C is
f * BASELINE_M / Z pixels.

The scene: a textured wall `WALL_Z_M` away, a textured floor `CAMERA_HEIGHT_M` below the optical
axis up to the wall, three textured upright panels at 0.9, 1.8 and 2.5 m, and a panel at
`MOVING_Z_M` that slides left and right as a function of WALL-CLOCK time (`moving_panel_x_m`), so
any two views rendered for the same epoch ms agree. Each surface is a flat plane with a
deterministic noise texture fixed to the surface (anchored in world coordinates) whose grain is
`TEXEL_PX` pixels at that surface's depth for the picture size in use (like a mip level), fine
enough for block matching at every size and coarse enough not to alias; a surface has a base luma
and a constant chroma tint (`Surface`).

Cost: `RigScene` renders each view's static surfaces once (OpenCV warps) and caches them with
their depth and chroma; a frame is one copy of that plus one affine warp of the moving panel over
its own rectangle. Not thread-safe: one renderer per stream session.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import cv2
import numpy as np

BASELINE_M = 0.075
HFOV_DEG = 72.0
CAMERA_HEIGHT_M = 0.6
WALL_Z_M = 3.5
TEXEL_PX = 2.5
SENSOR_X_M = {"CAM_A": 0.0, "CAM_B": -BASELINE_M / 2, "CAM_C": BASELINE_M / 2}
"""Each sensor's horizontal offset from the rig centre."""

MOVING_Z_M = 1.3
MOVING_PERIOD_S = 16.0
MOVING_CENTRE_X_M, MOVING_AMPLITUDE_M, MOVING_HALF_WIDTH_M = 0.1, 0.45, 0.18
SUBJECT_DISTANCE_M = MOVING_Z_M
"""The scene's subject (what an autofocus settles on): the moving panel."""


@dataclass(frozen=True)
class Surface:
    """A textured plane's look: base luma, noise amplitude (luma levels either side), chroma (U, V)."""

    name: str
    luma: int
    amplitude: int
    tint: tuple[int, int]


@dataclass(frozen=True)
class Panel:
    """An upright rectangle facing the rig (a plane Z = z_m) spanning x0..x1, y0..y1 (Y down)."""

    surface: Surface
    x0_m: float
    x1_m: float
    y0_m: float
    y1_m: float
    z_m: float


WALL = Surface("wall", 128, 48, (120, 134))
FLOOR = Surface("floor", 96, 40, (112, 146))
PANELS = (
    Panel(Surface("sign", 150, 50, (96, 100)), -1.25, -0.45, -0.95, -0.3, 2.5),
    Panel(Surface("pillar", 110, 50, (166, 112)), 0.35, 0.8, -0.9, CAMERA_HEIGHT_M, 1.8),
    Panel(Surface("crate", 120, 55, (100, 176)), -0.6, -0.25, 0.12, CAMERA_HEIGHT_M, 0.9),
)
"""The static panels, farthest first (drawn in this order)."""

MOVING = Surface("cart", 150, 55, (72, 150))


def focal_px(width: int) -> float:
    """The focal length in pixels of every sensor of the rig for a picture `width` pixels wide."""
    return width / (2 * math.tan(math.radians(HFOV_DEG) / 2))


def moving_panel_x_m(epoch_ms: int) -> float:
    """The moving panel's centre X at this wall-clock instant (a slow sine, `MOVING_PERIOD_S`)."""
    phase = (epoch_ms % round(MOVING_PERIOD_S * 1000)) / (MOVING_PERIOD_S * 1000)
    return MOVING_CENTRE_X_M + MOVING_AMPLITUDE_M * math.sin(2 * math.pi * phase)


def moving_panel(epoch_ms: int) -> Panel:
    x = moving_panel_x_m(epoch_ms)
    return Panel(MOVING, x - MOVING_HALF_WIDTH_M, x + MOVING_HALF_WIDTH_M, 0.0, CAMERA_HEIGHT_M, MOVING_Z_M)


@dataclass
class ViewLayers:
    """One sensor's view of the static scene: luma (uint8), depth (float32 m), chroma (half size)."""

    luma: np.ndarray
    depth_m: np.ndarray
    u: np.ndarray
    v: np.ndarray


class RigScene:
    """Renders the rig's views at one picture size; views and textures are built on first use."""

    def __init__(self, width: int, height: int) -> None:
        if width % 2 or height % 2:
            raise ValueError("stereo picture width and height must be even")
        self.width, self.height = width, height
        self.f_px = focal_px(width)
        self.cx, self.cy = (width - 1) / 2, (height - 1) / 2
        self._views: dict[str, ViewLayers] = {}
        self._moving_texture = _panel_texture(moving_panel(0), self._texel_m(MOVING_Z_M))

    def render(self, sensor: str, epoch_ms: int, luma: np.ndarray, chroma: np.ndarray | None = None) -> None:
        """Draw `sensor`'s view at `epoch_ms` into `luma` (h x w) and, when given, its chroma planes
        (2 x h/2 x w/2, yuv420p U and V)."""
        layers = self._view(sensor)
        np.copyto(luma, layers.luma)
        if chroma is not None:
            np.copyto(chroma[0], layers.u)
            np.copyto(chroma[1], layers.v)
        rect, mask = self._moving_mask(sensor, epoch_ms, layers.depth_m)
        if rect is None:
            return
        c0, c1, r0, r1 = rect
        patch = self._warp_panel(moving_panel(epoch_ms), sensor, rect, self._moving_texture)
        np.copyto(luma[r0:r1, c0:c1], patch, where=mask)
        if chroma is not None:
            half = mask[r0 % 2::2, c0 % 2::2]                       # the pixels chroma samples sit on
            hr0, hc0 = (r0 + 1) // 2, (c0 + 1) // 2
            for plane, value in zip(chroma, MOVING.tint):
                plane[hr0:hr0 + half.shape[0], hc0:hc0 + half.shape[1]][half] = value

    def depth_m(self, sensor: str, epoch_ms: int) -> np.ndarray:
        """Ground truth: the depth (Z, metres) seen by each pixel of `sensor` at `epoch_ms`."""
        layers = self._view(sensor)
        depth = layers.depth_m.copy()
        rect, mask = self._moving_mask(sensor, epoch_ms, layers.depth_m)
        if rect is not None:
            c0, c1, r0, r1 = rect
            depth[r0:r1, c0:c1][mask] = MOVING_Z_M
        return depth

    def _moving_mask(self, sensor: str, epoch_ms: int, static_depth: np.ndarray
                     ) -> tuple[tuple[int, int, int, int] | None, np.ndarray | None]:
        """The moving panel's rectangle in `sensor`'s picture and where it is in front (or Nones)."""
        rect = self._panel_rect(moving_panel(epoch_ms), SENSOR_X_M[sensor])
        if rect is None:
            return None, None
        c0, c1, r0, r1 = rect
        return rect, static_depth[r0:r1, c0:c1] > MOVING_Z_M

    def _texel_m(self, z_m: float) -> float:
        return TEXEL_PX * z_m / self.f_px

    def _view(self, sensor: str) -> ViewLayers:
        if sensor not in self._views:
            self._views[sensor] = self._render_static(sensor)
        return self._views[sensor]

    def _render_static(self, sensor: str) -> ViewLayers:
        h, w = self.height, self.width
        luma = np.empty((h, w), np.uint8)
        depth = np.empty((h, w), np.float32)
        ids = np.zeros((h, w), np.uint8)
        horizon = min(h, max(0, math.floor(self.cy + self.f_px * CAMERA_HEIGHT_M / WALL_Z_M) + 1))
        self._draw_wall(sensor, luma[:horizon], depth[:horizon])
        self._draw_floor(sensor, horizon, luma, depth)
        ids[horizon:] = 1
        surfaces = [WALL, FLOOR]
        for panel in PANELS:
            rect = self._panel_rect(panel, SENSOR_X_M[sensor])
            if rect is None:
                continue
            c0, c1, r0, r1 = rect
            texture = _panel_texture(panel, self._texel_m(panel.z_m))
            luma[r0:r1, c0:c1] = self._warp_panel(panel, sensor, rect, texture)
            depth[r0:r1, c0:c1] = panel.z_m
            ids[r0:r1, c0:c1] = len(surfaces)
            surfaces.append(panel.surface)
        u_of = np.array([s.tint[0] for s in surfaces], np.uint8)
        v_of = np.array([s.tint[1] for s in surfaces], np.uint8)
        half = ids[::2, ::2]
        return ViewLayers(luma, depth, u_of[half], v_of[half])

    def _draw_wall(self, sensor: str, luma: np.ndarray, depth: np.ndarray) -> None:
        rows, w = luma.shape
        if rows == 0:
            return
        half_w = max(abs(x) for x in SENSOR_X_M.values()) + (self.cx + 1) * WALL_Z_M / self.f_px
        top = -(self.cy + 1) * WALL_Z_M / self.f_px
        wall = Panel(WALL, -half_w, half_w, top, CAMERA_HEIGHT_M, WALL_Z_M)
        texture = _panel_texture(wall, self._texel_m(WALL_Z_M))
        luma[:] = self._warp_panel(wall, sensor, (0, w, 0, rows), texture)
        depth.fill(WALL_Z_M)

    def _draw_floor(self, sensor: str, horizon: int, luma: np.ndarray, depth: np.ndarray) -> None:
        """The floor plane Y = CAMERA_HEIGHT_M from the bottom row to the wall, by a homography."""
        h, w = luma.shape
        if horizon >= h:
            return
        f, cx, cy, height_m = self.f_px, self.cx, self.cy, CAMERA_HEIGHT_M
        texel_x = self._texel_m(WALL_Z_M)
        texel_z = 3 * texel_x
        z_near = f * height_m / (h - 1 - cy)
        half_w = max(abs(x) for x in SENSOR_X_M.values()) + (cx + 1) * WALL_Z_M / f
        x0, z0 = -half_w, z_near - 2 * texel_z
        cols = math.ceil(2 * half_w / texel_x) + 2
        rows = math.ceil((WALL_Z_M - z0) / texel_z) + 2
        texture = _texture(FLOOR, rows, cols)
        sx = SENSOR_X_M[sensor]
        # texture (u, v) of picture pixel (c, r): u = (X - x0) / texel_x, v = (Z - z0) / texel_z,
        # with Z = f h / (r - cy) and X = sx + (c - cx) h / (r - cy); homogeneous w = r - cy.
        m = np.array([
            [height_m / texel_x, (sx - x0) / texel_x, -cx * height_m / texel_x - cy * (sx - x0) / texel_x],
            [0.0, -z0 / texel_z, (f * height_m + z0 * cy) / texel_z],
            [0.0, 1.0, -cy],
        ])
        shift = np.array([[1.0, 0, 0], [0, 1, horizon], [0, 0, 1]])
        luma[horizon:] = cv2.warpPerspective(texture, m @ shift, (w, h - horizon),
                                             flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                                             borderMode=cv2.BORDER_REPLICATE)
        rows_c = np.arange(horizon, h, dtype=np.float64) - cy
        depth[horizon:] = (f * height_m / rows_c)[:, None].astype(np.float32)

    def _panel_rect(self, panel: Panel, sensor_x: float) -> tuple[int, int, int, int] | None:
        """The pixels whose centres see the panel: columns c0..c1, rows r0..r1 (end exclusive)."""
        scale = self.f_px / panel.z_m
        c0 = max(0, math.ceil(self.cx + (panel.x0_m - sensor_x) * scale))
        c1 = min(self.width, math.ceil(self.cx + (panel.x1_m - sensor_x) * scale))
        r0 = max(0, math.ceil(self.cy + panel.y0_m * scale))
        r1 = min(self.height, math.ceil(self.cy + panel.y1_m * scale))
        return (c0, c1, r0, r1) if c0 < c1 and r0 < r1 else None

    def _warp_panel(self, panel: Panel, sensor: str, rect: tuple[int, int, int, int],
                    texture: np.ndarray) -> np.ndarray:
        """The panel's texture as seen by `sensor` over `rect` (an affine map: the plane faces the rig)."""
        c0, c1, r0, r1 = rect
        texel = self._texel_m(panel.z_m)
        step = panel.z_m / self.f_px / texel               # texels per picture pixel
        sx = SENSOR_X_M[sensor]
        # texel (i, j)'s centre is at (x0 + (i - 1) texel, y0 + (j - 1) texel): see _panel_texture
        u0 = ((c0 - self.cx) * panel.z_m / self.f_px + sx - panel.x0_m) / texel + 1
        v0 = ((r0 - self.cy) * panel.z_m / self.f_px - panel.y0_m) / texel + 1
        m = np.array([[step, 0.0, u0], [0.0, step, v0]])
        return cv2.warpAffine(texture, m, (c1 - c0, r1 - r0), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                              borderMode=cv2.BORDER_REPLICATE)


def _panel_texture(panel: Panel, texel_m: float) -> np.ndarray:
    """The panel's texture, fixed to the panel: texel i's centre is at x0 + (i - 1) * texel (one
    texel of margin before the panel's edge, two after), rows likewise from y0."""
    cols = math.ceil((panel.x1_m - panel.x0_m) / texel_m) + 3
    rows = math.ceil((panel.y1_m - panel.y0_m) / texel_m) + 3
    return _texture(panel.surface, rows, cols)


def _texture(surface: Surface, rows: int, cols: int) -> np.ndarray:
    """Deterministic value noise for `surface`: a fine octave (one value per texel) plus a coarse
    one (every 5 texels, bilinear), scaled to luma around the surface's base."""
    seed = int.from_bytes(hashlib.sha1(surface.name.encode()).digest()[:8], "little")
    rng = np.random.default_rng(seed)
    fine = rng.random((rows, cols), dtype=np.float32)
    coarse = rng.random((rows // 5 + 2, cols // 5 + 2), dtype=np.float32)
    coarse = cv2.resize(coarse, (cols, rows), interpolation=cv2.INTER_LINEAR)
    noise = 0.7 * fine + 0.3 * coarse - 0.5                            # about -0.5..0.5
    return np.clip(surface.luma + 2 * surface.amplitude * noise, 16, 235).astype(np.uint8)
