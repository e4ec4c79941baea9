"""The synthetic camera: real H.264 at the asked size, rate and GOP, with a per-camera tint, a
moving box and a clock; bad parameters are refused."""

import threading
import time

import numpy as np
import pytest

from camvault.video.sources import SourceError, open_source
from camvault.video.sources.scene import tint_of


def first_packets(url, count, label="cam"):
    session = open_source(url, label=label).open(threading.Event())
    packets = []
    for packet in session.packets():
        packets.append(packet)
        if len(packets) == count:
            break
    return session, packets


def test_h264_with_the_requested_size_gop_and_real_time_pace():
    started = time.monotonic()
    session, packets = first_packets("synthetic://?width=320&height=180&fps=20&gop=10&bitrate=200000", 21)
    elapsed = time.monotonic() - started
    assert session.info.codec == "h264" and (session.info.width, session.info.height) == (320, 180)
    assert [i for i, p in enumerate(packets) if p.is_keyframe] == [0, 10, 20]
    assert 0.9 <= elapsed <= 2.0, "21 frames at 20 fps take about a second"
    assert all(b.pts - a.pts == 4500 for a, b in zip(packets, packets[1:]))    # 90 kHz / 20 fps
    assert bytes(packets[0])[:4] == b"\x00\x00\x00\x01"                       # in-band SPS on keyframes


def test_pictures_move_and_carry_the_camera_tint():
    import av

    session, packets = first_packets("synthetic://?width=320&height=180&fps=25&gop=25", 10, label="Gate")
    decoder = av.CodecContext.create("h264", "r")
    frames = [f for p in packets for f in decoder.decode(p)]
    first, last = (f.to_ndarray(format="yuv420p") for f in (frames[0], frames[-1]))
    assert np.abs(first[:180].astype(int) - last[:180]).mean() > 0.5, "the box moved"
    u_mean = first[180:225].mean()
    assert abs(u_mean - tint_of("Gate")[0]) < 4


@pytest.mark.parametrize(("hue", "expected"), [(0, (188, 128)), (90, (128, 188)), (180, (68, 128)),
                                               (270, (128, 68))])
def test_hue_parameter_sets_the_tint(hue, expected):
    import av

    _session, packets = first_packets(f"synthetic://?width=320&height=180&fps=25&hue={hue}", 1, label="Gate")
    frame = next(f for p in packets for f in av.CodecContext.create("h264", "r").decode(p))
    planes = frame.to_ndarray(format="yuv420p")
    u_mean, v_mean = planes[180:225].mean(), planes[225:].mean()
    assert tint_of("Gate", hue) == expected
    assert abs(u_mean - expected[0]) < 4 and abs(v_mean - expected[1]) < 4


@pytest.mark.parametrize("url", ["synthetic://?width=321", "synthetic://?fps=0", "synthetic://?colour=red",
                                 "synthetic://?hue=360",
                                 "synthetic://?width=abc"])
def test_bad_parameters_are_refused(url):
    with pytest.raises(SourceError):
        open_source(url)


def test_unknown_scheme_is_refused():
    with pytest.raises(SourceError, match="scheme"):
        open_source("ftp://camera/stream")


def test_realtime_0_produces_frames_as_fast_as_they_encode():
    started = time.monotonic()
    session, packets = first_packets("synthetic://?width=160&height=90&fps=10&realtime=0", 50)
    assert time.monotonic() - started < 2.5
    assert packets[-1].pts == 49 * 9000
