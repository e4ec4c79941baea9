"""Motion detection on real synthetic H.264: a moving box raises motion within 2 s of video; a
static picture whose burned-in clock and name change every frame raises none in 60 s (fed as fast
as it encodes); zones and the area rule; pictures analysed at ~5 a second."""

import threading

import numpy as np
import pytest

from camvault.core.motion import MotionSettings, MotionZone
from camvault.video.motion import MotionAnalyser, MotionSink
from camvault.video.sources import open_source

START_MS = 1_700_000_000_000


def run_detector(url: str, seconds: float, settings: MotionSettings, *, max_motion_ms=None):
    """Feed `seconds` of the source's video to a MotionSink; returns (events, sink)."""
    events = []
    sink = MotionSink(1, 2, settings, max_motion_ms=max_motion_ms,
                      on_motion=lambda started, at_ms, picture: events.append((started, at_ms, picture)))
    session = open_source(url, label="Demo entrance").open(threading.Event())
    sink.on_session_start(session)
    fps = session.info.fps
    for index, packet in enumerate(session.packets()):
        sink.on_packet(packet, START_MS + round(index * 1000 / fps))
        if index + 1 >= seconds * fps:
            break
    sink.on_session_end()
    session.close()
    return events, sink


@pytest.mark.parametrize("size", ["160x90", "320x180", "640x360"])
def test_a_moving_object_raises_motion_within_two_seconds(size):
    width, height = size.split("x")
    url = f"synthetic://?width={width}&height={height}&fps=10&gop=10&realtime=0&motion=1"
    events, sink = run_detector(url, 3, MotionSettings(enabled=True))
    started = [e for e in events if e[0]]
    assert started, "no motion detected"
    assert started[0][1] - START_MS <= 2000
    picture = started[0][2]
    assert picture.size == (int(width), int(height))
    assert events[-1][0] is False, "the motion ends with the video"
    assert 14 <= sink.analysed <= 16, "about 5 analysed pictures a second, not 10"


@pytest.mark.parametrize("size", ["160x90", "320x180"])
def test_a_static_picture_with_a_running_clock_raises_nothing_in_60_s(size):
    width, height = size.split("x")
    url = f"synthetic://?width={width}&height={height}&fps=10&gop=20&realtime=0&motion=0"
    events, sink = run_detector(url, 60, MotionSettings(enabled=True))
    assert events == []
    assert sink.analysed >= 290


def test_motion_outside_the_zones_is_ignored():
    # the box sweeps across the middle band; a zone on the top strip (name only) sees nothing
    url = "synthetic://?width=320&height=180&fps=10&gop=10&realtime=0&motion=1"
    events, _ = run_detector(url, 3, MotionSettings(enabled=True, zones=(MotionZone(0, 0, 1, 0.25),)))
    assert events == []
    events, _ = run_detector(url, 3, MotionSettings(enabled=True, zones=(MotionZone(0, 0.3, 1, 0.4),)))
    assert [e[0] for e in events][:1] == [True]


def test_a_motion_that_goes_on_is_cut_at_the_maximum_and_raised_again():
    url = "synthetic://?width=160&height=90&fps=10&gop=10&realtime=0&motion=1"
    events, _ = run_detector(url, 6, MotionSettings(enabled=True), max_motion_ms=2000)
    starts = [at - START_MS for started, at, _ in events if started]
    assert len(starts) >= 2 and starts[1] - starts[0] <= 3000


def test_thin_changes_do_not_count_solid_ones_do():
    analyser = MotionAnalyser(MotionSettings(enabled=True), 160, 90)
    background = np.full((90, 160), 100, dtype=np.uint8)
    assert analyser.measure(background) == 0.0
    lines = background.copy()
    lines[::4, :] = 250                          # 1-pixel lines over the whole picture
    lines[:, ::7] = 250
    assert analyser.measure(lines) == 0.0
    block = background.copy()
    block[30:50, 40:70] = 250                    # a solid 20 x 30 block
    assert analyser.measure(block) == pytest.approx(600 / (160 * 90))


def test_sensitivity_decides_how_faint_a_change_counts():
    faint = np.full((90, 160), 100, dtype=np.uint8)
    faint[20:60, 20:80] = 130                    # 30 grey levels brighter
    for sensitivity, expected in ((10, 0.0), (90, 2400 / (160 * 90))):
        analyser = MotionAnalyser(MotionSettings(enabled=True, sensitivity=sensitivity), 160, 90)
        analyser.measure(np.full((90, 160), 100, dtype=np.uint8))
        assert analyser.measure(faint) == pytest.approx(expected)
