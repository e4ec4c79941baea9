"""Per-frame cost of the synthetic stereo camera: render + sensor pipeline (not the H.264 encoding)
for CAM_B 640x400 mono, CAM_A 1280x720 colour and DEPTH_B_C 640x400, with neutral controls and
with every control changed, plus the libx264 encoding of the same pictures for comparison.

Targets (issue 6): <= 15 ms per mono frame, <= 25 ms per 1280x720 colour frame, <= 80 ms per depth
frame. The figures are written in `camvault/video/sources/stereo.py`'s docstring.

    .venv/bin/python bench/stereo_camera.py [--frames 40] [--threads N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import av
import cv2

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from camvault.core.sensors import (  # noqa: E402
    AutoFocusMode, AutoWhiteBalanceMode, SensorFocus, default_control)
from camvault.video.sources.stereo import StereoPicture  # noqa: E402

CASES = [("CAM_B", 640, 400), ("CAM_A", 1280, 720), ("DEPTH_B_C", 640, 400)]


class Fixed:
    """A ControlsView that always answers the same controls."""

    def __init__(self, control) -> None:
        self._control = control

    def control(self):
        return self._control


def changed(kind, with_focus: bool):
    """Every control away from its default (a realistic tuned camera at ISO 1600)."""
    base = default_control(kind)
    control = replace(base, auto_exposure_enable=False, exposure_time=5000, sensitivity_iso=1600,
                      brightness=2, contrast=3, saturation=4, luma_denoise=2, chroma_denoise=2,
                      auto_whitebalance_mode=AutoWhiteBalanceMode.INCANDESCENT)
    if with_focus and base.focus is not None:
        control = replace(control, focus=SensorFocus(AutoFocusMode.OFF, False, 0.0))
    return control


def per_frame_ms(picture: StereoPicture, frames: int) -> str:
    """Median wall ms per frame / mean CPU ms per frame (all threads; steadier on a busy machine)."""
    picture.render(1_700_000_000_000)
    times = []
    cpu_started = time.process_time()
    for index in range(frames):
        started = time.perf_counter()
        picture.render(1_700_000_000_000 + index * 100, index)
        times.append((time.perf_counter() - started) * 1000)
    cpu_ms = (time.process_time() - cpu_started) * 1000 / frames
    return f"{statistics.median(times):.1f}/{cpu_ms:.1f}"


def encode_ms(picture: StereoPicture, frames: int) -> float:
    ctx = av.CodecContext.create("libx264", "w")
    ctx.width, ctx.height, ctx.pix_fmt = picture.width, picture.height, "yuv420p"
    ctx.time_base, ctx.framerate = Fraction(1, 90000), Fraction(10)
    ctx.options = {"preset": "ultrafast", "tune": "zerolatency", "threads": "1"}
    ctx.open()
    buffer = picture.render(1_700_000_000_000)
    started = time.perf_counter()
    for index in range(frames):
        frame = av.VideoFrame.from_numpy_buffer(buffer, format="yuv420p")
        frame.pts = index * 9000
        ctx.encode(frame)
    return (time.perf_counter() - started) * 1000 / frames


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=40)
    parser.add_argument("--threads", type=int, default=-1, help="OpenCV threads (default: OpenCV's)")
    args = parser.parse_args()
    if args.threads >= 0:
        cv2.setNumThreads(args.threads)
    print(f"OpenCV {cv2.__version__}, {cv2.getNumThreads()} thread(s); per frame: median wall ms/mean CPU ms")
    for sensor, width, height in CASES:
        neutral = StereoPicture(sensor, width, height, "bench")
        kind = neutral.kind
        rows = [("neutral", neutral),
                ("all changed", StereoPicture(sensor, width, height, "bench", Fixed(changed(kind, False)))),
                ("+ focus off", StereoPicture(sensor, width, height, "bench", Fixed(changed(kind, True))))]
        figures = ", ".join(f"{name} {per_frame_ms(picture, args.frames)}" for name, picture in rows)
        print(f"{sensor} {width}x{height}: {figures}; x264 encode {encode_ms(neutral, args.frames):.1f}")


if __name__ == "__main__":
    main()
