"""synthetic://stereo?sensor=NAME — the pictures of camvault's synthetic stereo camera, one stream
per sensor of `STEREO_RIG_SENSORS`: `CAM_A` colour (centre), `CAM_B` / `CAM_C` mono (left /
right), `DEPTH_B_C` their stereo depth. Scene and rig: `stereo_scene`; depth matching and its grey
encoding: `stereo_depth`; image controls: `sensor_pipeline`.

Each frame: the sensor's view is rendered for the frame's wall-clock time, its `SensorControl`
(read once per frame from the stream's `ControlsView`; None or no view = the defaults) runs
through the sensor pipeline, then the camera name (top left) and the UTC clock (bottom left) are
burned in (colour and mono; not on depth, whose grey levels are data). `DEPTH_B_C` renders CAM_B
and CAM_C for the same instant without burn-in, applies its own controls to both (each sensor its
own noise), matches them and encodes the result (see `stereo_depth`). Mono and depth pictures are
yuv420p with neutral chroma (128). `motion=False` freezes the moving panel at its position of epoch
0 (the clock still runs).

Cost per frame, render + pipeline (not the H.264 encoding), `bench/stereo_camera.py` on this
machine (2 cores, busy with other work), median wall ms / mean CPU ms:
  - CAM_B 640x400 mono:     0.3 / 0.3 default controls,  0.6 / 0.8 every control changed
  - CAM_A 1280x720 colour:  0.6 / 0.6 default controls,  2.5 / 2.9 every control changed,
                            4.3 / 4.4 with manual focus 0.8 dioptre off (x264 encode: 3 ms)
  - DEPTH_B_C 640x400:       33 / 32  default controls,   31 / 35  every control changed
                            (the matcher is nearly all of it: 26-33 ms on one OpenCV thread)
Not thread-safe: one `StereoPicture` per stream session.
"""

from __future__ import annotations

from datetime import datetime, timezone

import numpy as np
from PIL import ImageFont

from camvault.core.sensors import STEREO_RIG_SENSORS, ControlsView, SensorControl, SensorKind, default_control
from camvault.video.sources.scene import CLOCK_CHARS, _blit, _render
from camvault.video.sources.sensor_pipeline import SensorPipeline
from camvault.video.sources.stereo_depth import StereoMatcher, luma_from_grey
from camvault.video.sources.stereo_scene import SUBJECT_DISTANCE_M, RigScene

DEFAULT_SENSOR = "CAM_A"


class _Caption:
    """The camera name and a UTC clock burned into a luma plane (glyphs rendered once)."""

    def __init__(self, width: int, height: int, label: str) -> None:
        self._font_px = max(10, height // 24)
        font = ImageFont.load_default(size=self._font_px)
        self._glyphs = {c: _render(c, font) for c in CLOCK_CHARS}
        self._label = _render(label or "camvault", font)
        self._width, self._height = width, height

    def draw(self, luma: np.ndarray, epoch_ms: int) -> None:
        margin = self._font_px // 2
        _blit(luma, self._label, margin, margin)
        moment = datetime.fromtimestamp(epoch_ms / 1000, tz=timezone.utc)
        text = moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{epoch_ms % 1000:03d} UTC"
        x, y = margin, self._height - self._font_px - 2 * margin
        for char in text:
            glyph = self._glyphs[char]
            if x + glyph.shape[1] > self._width:
                break
            _blit(luma, glyph, x, y)
            x += glyph.shape[1]


class StereoPicture:
    """Renders one stream of the stereo rig into a reused yuv420p buffer (h*3/2 x w, uint8)."""

    def __init__(self, sensor: str, width: int, height: int, label: str = "",
                 controls: ControlsView | None = None, *, motion: bool = True) -> None:
        if sensor not in STEREO_RIG_SENSORS:
            raise ValueError(f"the stereo camera has no sensor {sensor!r}")
        self.sensor, self.kind = sensor, STEREO_RIG_SENSORS[sensor]
        self.width, self.height = width, height
        self._controls, self._motion = controls, motion
        self.buffer = np.empty((height * 3 // 2, width), np.uint8)
        self._luma = self.buffer[:height]
        self._chroma = self.buffer[height:].reshape(2, height // 2, width // 2)
        self._chroma.fill(128)
        self.scene = RigScene(width, height)
        colour = self.kind is SensorKind.COLOR
        if self.kind is SensorKind.DEPTH:
            self._pipelines = [SensorPipeline(width, height, colour=False, subject_distance_m=SUBJECT_DISTANCE_M,
                                              seed=seed) for seed in (11, 23)]
            self._inputs = np.empty((2, height, width), np.uint8)
            self._matcher = StereoMatcher(width, height)
            self._caption = None
        else:
            self._pipelines = [SensorPipeline(width, height, colour=colour, subject_distance_m=SUBJECT_DISTANCE_M)]
            self._caption = _Caption(width, height, label)

    def control(self) -> SensorControl:
        """The stream's controls for this frame (the defaults when nobody set them)."""
        current = self._controls.control() if self._controls is not None else None
        return current if current is not None else default_control(self.kind)

    def render(self, epoch_ms: int, frame_index: int = 0) -> np.ndarray:
        """Draw the frame for wall-clock `epoch_ms`; returns the (reused) yuv420p buffer."""
        scene_ms = epoch_ms if self._motion else 0
        control = self.control()
        if self.kind is SensorKind.DEPTH:
            for sensor, plane, pipeline in zip(("CAM_B", "CAM_C"), self._inputs, self._pipelines):
                self.scene.render(sensor, scene_ms, plane)
                pipeline.apply(plane, None, control)
            self._luma[:] = luma_from_grey(self._matcher.grey(self._inputs[0], self._inputs[1]))
            return self.buffer
        chroma = self._chroma if self.kind is SensorKind.COLOR else None
        self.scene.render(self.sensor, scene_ms, self._luma, chroma)
        self._pipelines[0].apply(self._luma, chroma, control)
        if self._caption is not None:
            self._caption.draw(self._luma, epoch_ms)
        return self.buffer
