"""DEPTH_B_C of the synthetic stereo camera: OpenCV's SGBM over the rendered CAM_B/CAM_C pair,
checked against the scene's ground truth, its documented grey encoding, and the encoded stream."""

import threading
from dataclasses import replace

import av
import numpy as np
import pytest

from camvault.core.sensors import SensorKind, default_control
from camvault.video.sources import open_source
from camvault.video.sources.stereo import StereoPicture
from camvault.video.sources.stereo_depth import (
    DEPTH_GREY_M, DEPTH_MIN_M, depth_m_from_grey, grey_from_depth_m, grey_from_luma, luma_from_grey)
from camvault.video.sources.stereo_scene import PANELS, WALL_Z_M

EPOCH_MS = 1_700_000_005_000


class Fixed:
    def __init__(self, control):
        self._control = control

    def control(self):
        return self._control


def depth_and_truth(width, height, control=None):
    picture = StereoPicture("DEPTH_B_C", width, height, controls=Fixed(control))
    buffer = picture.render(EPOCH_MS)
    assert (buffer[height:] == 128).all(), "neutral chroma"
    estimate = depth_m_from_grey(grey_from_luma(buffer[:height]))
    return estimate, picture.scene.depth_m("CAM_B", EPOCH_MS)


def test_depth_matches_the_scene_geometry_within_5_percent():
    estimate, truth = depth_and_truth(640, 400)
    valid = np.isfinite(estimate)
    relative = np.abs(estimate[valid] - truth[valid]) / truth[valid]
    assert valid.mean() >= 0.6
    assert np.median(relative) <= 0.05
    for z in (PANELS[-1].z_m, WALL_Z_M):                  # nearest panel and far wall on their own
        on_surface = valid & (truth == np.float32(z))
        assert on_surface.sum() > 1000
        assert np.median(estimate[on_surface]) == pytest.approx(z, rel=0.05)


def test_depth_controls_apply_to_both_mono_inputs():
    """A black exposure leaves nothing to match; ISO noise with denoise still matches."""
    dark = replace(default_control(SensorKind.DEPTH), auto_exposure_enable=False, exposure_time=1)
    estimate, _ = depth_and_truth(320, 200, dark)
    assert np.isfinite(estimate).mean() < 0.1
    noisy = replace(default_control(SensorKind.DEPTH), auto_exposure_enable=False, exposure_time=2500,
                    sensitivity_iso=3200, luma_denoise=1)
    estimate, truth = depth_and_truth(320, 200, noisy)
    valid = np.isfinite(estimate)
    assert valid.mean() > 0.4 and np.median(np.abs(estimate[valid] - truth[valid]) / truth[valid]) < 0.1


def test_grey_encoding_is_inverse_depth_and_round_trips_through_limited_range_luma():
    grey = np.arange(256, dtype=np.uint8)
    assert np.abs(grey_from_luma(luma_from_grey(grey)).astype(int) - grey).max() <= 1
    luma = np.arange(16, 236, dtype=np.uint8)
    assert np.array_equal(luma_from_grey(grey_from_luma(luma)), luma)
    assert luma_from_grey(np.array([0, 255], np.uint8)).tolist() == [16, 235]
    depth = depth_m_from_grey(grey)
    assert np.isnan(depth[0]) and np.all(np.diff(depth[1:]) < 0), "lighter is nearer"
    assert depth[255] == pytest.approx(DEPTH_MIN_M) and depth[1] == pytest.approx(DEPTH_GREY_M)
    metres = np.array([0.7, 0.9, 1.3, 3.5, 0.2, np.inf, np.nan, 0.0])
    assert grey_from_depth_m(metres).tolist() == [255, 198, 137, 51, 255, 0, 0, 0]
    back = depth_m_from_grey(grey_from_depth_m(metres[:4]))
    assert np.allclose(back, metres[:4], rtol=0.015)


def test_depth_stream_decodes_to_the_depth_picture():
    url = "synthetic://stereo?sensor=DEPTH_B_C&width=320&height=200&fps=5&realtime=0&gop=5&motion=0"
    session = open_source(url, label="Stereo").open(threading.Event())
    decoder = av.CodecContext.create("h264", "r")
    frames = []
    for packet in session.packets():
        frames.extend(decoder.decode(packet))
        if len(frames) == 3:
            break
    session.close()
    assert (session.info.codec, session.info.width, session.info.height) == ("h264", 320, 200)
    planes = frames[-1].to_ndarray(format="yuv420p")
    assert abs(planes[200:].astype(int) - 128).max() <= 2
    grey = grey_from_luma(planes[:200])
    truth = StereoPicture("DEPTH_B_C", 320, 200).scene.depth_m("CAM_B", 0)
    nearest = (truth == np.float32(PANELS[-1].z_m)) & (grey > 0)
    wall = (truth == np.float32(WALL_Z_M)) & (grey > 0)
    assert nearest.sum() > 300 and wall.sum() > 3000
    assert np.median(grey[nearest]) > np.median(grey[wall]) + 50, "the nearest panel is lighter"
    assert np.nanmedian(depth_m_from_grey(grey)[nearest]) == pytest.approx(PANELS[-1].z_m, rel=0.1)
