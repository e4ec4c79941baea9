"""synthetic://stereo?sensor=...: one stream of the synthetic stereo camera as real H.264, its URL
checked, its sensor controls read every frame; the classic synthetic:// camera is unchanged."""

import threading
from dataclasses import replace

import av
import numpy as np
import pytest

from camvault.core.sensors import SensorKind, default_control
from camvault.video.sources import SourceError, open_source

W, H = 320, 200


class Mutable:
    def __init__(self):
        self.value = None
        self.reads = 0

    def control(self):
        self.reads += 1
        return self.value


def decoded(url, count, controls=None, before_each=None):
    session = open_source(url, label="Stereo", controls=controls).open(threading.Event())
    decoder = av.CodecContext.create(session.info.codec, "r")
    pictures = []
    for index, packet in enumerate(session.packets()):
        pictures.extend(f.to_ndarray(format="yuv420p") for f in decoder.decode(packet))
        if len(pictures) >= count or index > count + 5:
            break
        if before_each is not None:
            before_each(index + 1)
    session.close()
    return session, pictures


@pytest.mark.parametrize(("sensor", "colour"), [("CAM_A", True), ("CAM_B", False), ("CAM_C", False)])
def test_each_sensor_streams_h264_colour_or_mono(sensor, colour):
    session, pictures = decoded(f"synthetic://stereo?sensor={sensor}&width={W}&height={H}&fps=5&realtime=0", 2)
    assert (session.info.codec, session.info.width, session.info.height) == ("h264", W, H)
    chroma = pictures[-1][H:].astype(int) - 128
    assert bool(np.abs(chroma).mean() > 10) == colour
    if not colour:
        assert np.abs(chroma).max() <= 2


def test_default_sensor_is_cam_a_and_left_right_views_differ():
    _, default = decoded(f"synthetic://stereo?width={W}&height={H}&fps=5&realtime=0&motion=0", 1)
    _, cam_a = decoded(f"synthetic://stereo?sensor=CAM_A&width={W}&height={H}&fps=5&realtime=0&motion=0", 1)
    assert np.abs(default[0][40:160].astype(int) - cam_a[0][40:160]).mean() < 2
    _, left = decoded(f"synthetic://stereo?sensor=CAM_B&width={W}&height={H}&fps=5&realtime=0&motion=0", 1)
    _, right = decoded(f"synthetic://stereo?sensor=CAM_C&width={W}&height={H}&fps=5&realtime=0&motion=0", 1)
    assert np.abs(left[0][40:160].astype(int) - right[0][40:160]).mean() > 10


def test_controls_are_read_every_frame_and_change_the_encoded_picture():
    controls = Mutable()
    brighter = replace(default_control(SensorKind.MONO), brightness=8)

    def change(index):
        if index == 3:
            controls.value = brighter
    url = f"synthetic://stereo?sensor=CAM_B&width={W}&height={H}&fps=5&realtime=0&motion=0&gop=5"
    _, pictures = decoded(url, 6, controls, change)
    means = [p[40:160].mean() for p in pictures]
    assert controls.reads >= 6
    assert means[5] > means[1] + 20 and abs(means[2] - means[1]) < 2


@pytest.mark.parametrize("url", [
    "synthetic://stereo?sensor=CAM_D", "synthetic://stereo?sensor=DEPTH_A_B", "synthetic://stereo?hue=90",
    "synthetic://stereo?sensor=CAM_B&width=321", "synthetic://mono?width=320", "synthetic://?sensor=CAM_A"])
def test_bad_stereo_urls_are_refused(url):
    with pytest.raises(SourceError):
        open_source(url)


def test_classic_camera_ignores_controls():
    controls = Mutable()
    controls.value = replace(default_control(SensorKind.COLOR), brightness=10)
    url = "synthetic://?width=160&height=90&fps=5&realtime=0&motion=0"
    _, with_controls = decoded(url, 1, controls)
    _, without = decoded(url, 1)
    clear = slice(34, 62)                              # macroblock rows clear of the name and the clock
    assert np.abs(with_controls[0][clear].astype(int) - without[0][clear]).mean() < 0.5
    assert controls.reads == 0
