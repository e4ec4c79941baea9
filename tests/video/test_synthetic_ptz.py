"""The synthetic camera's PTZ shows in its encoded video: frames decoded after a zoom, a pan or a
continuous move frame the scene where its documented geometry says (world = 2x the picture, one pan
unit = half a picture width of world, grid line every fifth of the picture width, luma gradient of
170 levels across the world's width), while the tint, name and clock stay put."""

import threading

import av
import numpy as np
import pytest

from camvault.core.clock import FakeClock
from camvault.core.ptz import PtzPosition, PtzVelocity
from camvault.video.ptz.synthetic import SyntheticPtz
from camvault.video.sources import open_source
from camvault.video.sources.scene import tint_of
from tests.support.picture import background_level, spacing, vertical_lines

W, H = 320, 180
URL = f"synthetic://?width={W}&height={H}&fps=10&gop=10&bitrate=1500000&realtime=0&motion=0"
GRID_PX = W / 5
LINE_PX = 3                      # max(2, round(min(W, H) / 60)) world pixels


class Camera:
    """A synthetic camera with a PTZ controller, decoded frame by frame."""

    def __init__(self, clock: FakeClock | None = None) -> None:
        self.ptz = SyntheticPtz(clock.monotonic_s) if clock else SyntheticPtz()
        self.session = open_source(URL, label="Gate", ptz=self.ptz).open(threading.Event())
        self.packets = self.session.packets()
        self.decoder = av.CodecContext.create("h264", "r")

    def frame(self) -> np.ndarray:
        """The next picture (yuv420p planes stacked, as in the encoder's buffer)."""
        while True:
            frames = self.decoder.decode(next(self.packets))
            if frames:
                return frames[-1].to_ndarray(format="yuv420p")


def predicted_lines(pan: float, zoom_mag: float) -> list[float]:
    """Centres of the vertical grid lines at `pan`, magnification `zoom_mag` (tilt 0)."""
    window = W / zoom_mag
    x0 = W + pan * W / 2 - window / 2
    first = np.ceil(x0 / GRID_PX) * GRID_PX
    worlds = np.arange(first, x0 + window, GRID_PX)
    return [(x - x0 + LINE_PX / 2) * zoom_mag - 0.5 for x in worlds if (x - x0) * zoom_mag > 1]


def assert_lines(found: list[float], expected: list[float], tolerance_px: float = 2.5) -> None:
    expected = [e for e in expected if e < W - 4]
    assert len(found) == len(expected), (found, expected)
    assert np.allclose(found, expected, atol=tolerance_px), (found, expected)


def test_home_view_shows_the_grid_at_its_documented_places():
    cam = Camera()
    luma = cam.frame()[:H]
    assert_lines(vertical_lines(luma), predicted_lines(0, 1))
    assert spacing(vertical_lines(luma)) == pytest.approx(GRID_PX, abs=1.5)


def test_zoom_magnifies_the_scene_and_keeps_name_tint_and_clock():
    cam = Camera()
    before = cam.frame()
    cam.ptz.move_to(PtzPosition(zoom=0.5))                     # 4 ** 0.5 = 2x
    after = cam.frame()
    lines = vertical_lines(after[:H])
    assert spacing(lines) == pytest.approx(2 * GRID_PX, abs=2)
    assert_lines(lines, predicted_lines(0, 2), tolerance_px=3.5)
    label = (slice(5, 16), slice(5, 22))                       # "Gate" at the top left, drawn after framing
    assert np.abs(before[label].astype(int) - after[label]).mean() < 4
    clock_band = after[H - 18:H - 4, 5:120]
    assert (clock_band > 200).mean() > 0.05, "the clock is still burned in"
    assert abs(after[H:H + H // 4].mean() - tint_of("Gate")[0]) < 4


def test_pan_moves_the_window_right_by_the_predicted_amount():
    cam = Camera()
    before = cam.frame()[:H]
    cam.ptz.move_to(PtzPosition(pan=0.5))                      # a quarter picture of world to the right
    after = cam.frame()[:H]
    assert_lines(vertical_lines(after), predicted_lines(0.5, 1))
    rise = background_level(after) - background_level(before)
    assert rise == pytest.approx(170 * (0.5 * W / 2) / (2 * W), abs=3)


def test_tilt_up_shows_the_darker_top_of_the_scene():
    cam = Camera()
    before = cam.frame()[:H]
    cam.ptz.move_to(PtzPosition(tilt=1))                       # half a picture height up
    after = cam.frame()[:H]
    drop = before[H // 8:-H // 8].mean() - after[H // 8:-H // 8].mean()
    assert drop == pytest.approx(40 * (H / 2) / (2 * H), abs=3)


def test_a_continuous_move_advances_with_time_until_stopped():
    clock = FakeClock()
    cam = Camera(clock)
    cam.ptz.continuous(PtzVelocity(pan=1))                     # 0.5 pan unit per second
    cam.frame()
    clock.advance_s(0.5)
    assert_lines(vertical_lines(cam.frame()[:H]), predicted_lines(0.25, 1))
    clock.advance_s(0.5)
    assert_lines(vertical_lines(cam.frame()[:H]), predicted_lines(0.5, 1))
    cam.ptz.continuous(PtzVelocity())
    clock.advance_s(2)
    assert cam.ptz.position() == PtzPosition(pan=0.5)
    assert_lines(vertical_lines(cam.frame()[:H]), predicted_lines(0.5, 1))


def test_controller_is_consistent_under_concurrent_commands():
    clock = FakeClock()
    ptz = SyntheticPtz(clock.monotonic_s)
    threads = [threading.Thread(target=lambda: [ptz.move_by(PtzPosition(pan=0.001)) for _ in range(200)])
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert ptz.position().pan == pytest.approx(0.8)
