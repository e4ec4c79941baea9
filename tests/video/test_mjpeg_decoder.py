"""The MJPEG picture decoder on real H.264 from the synthetic camera: pictures at the output size
(aspect kept), at most `max_fps` per second of media time, one picture per backlog, start on a
keyframe; the rate cap alone; frames encode to JPEG once per quality."""

from __future__ import annotations

import io
import itertools
import threading

import pytest
from PIL import Image

from camvault.core.tiles import Size
from camvault.video.live import CodecInfo, LivePacket
from camvault.video.mjpeg.decoder import PictureDecoder, RateCap
from camvault.video.mjpeg.frames import MjpegFrame, no_video_image
from camvault.video.sources import open_source

FPS = 25


def synthetic_packets(count: int, width=320, height=180, gop=FPS, codec="h264") -> tuple[CodecInfo, list[LivePacket]]:
    url = f"synthetic://?codec={codec}&width={width}&height={height}&fps={FPS}&gop={gop}&realtime=0"
    session = open_source(url, label="dec").open(threading.Event())
    packets = []
    for packet in session.packets():
        packets.append(LivePacket(bytes(packet), packet.pts, bool(packet.is_keyframe)))
        if len(packets) == count:
            break
    session.close()
    return CodecInfo(session.info.codec, width, height, None), packets


@pytest.mark.parametrize(("source_fps", "cap_fps", "expected"), [(25, 10, 10), (10, 10, 10), (5, 10, 5),
                                                                 (30, 7, 7)])
def test_rate_cap_lets_through_at_most_the_cap_per_second(source_fps, cap_fps, expected):
    cap = RateCap(cap_fps)
    passed = [i for i in range(source_fps * 4) if cap.due(round(i * 90000 / source_fps))]
    per_second = [sum(1 for i in passed if s * source_fps <= i < (s + 1) * source_fps) for s in range(4)]
    assert all(abs(n - expected) <= 1 for n in per_second), per_second
    assert sum(per_second[1:]) == pytest.approx(3 * expected, abs=1)


def test_rate_cap_resynchronizes_after_a_jump_back():
    cap = RateCap(10)
    assert [cap.due(t) for t in (900_000, 909_000, 918_000)] == [True, True, True]
    assert cap.due(0) is True                      # the camera restarted its clock
    assert cap.due(4500) is False and cap.due(9000) is True


def test_one_packet_at_a_time_yields_capped_pictures_fitted_to_the_box():
    codec, packets = synthetic_packets(50)
    decoder = PictureDecoder(codec, Size(200, 200), max_fps=10, label="t")
    pictures = [p for packet in packets if (p := decoder.decode([packet])) is not None]
    assert decoder.frames_decoded == 50
    assert 19 <= len(pictures) <= 21                                  # 2 s of media at 10 fps
    assert {p.image.size for p in pictures} == {(200, 112)}           # 16:9 kept inside 200x200
    assert all(b.pts_90k > a.pts_90k for a, b in itertools.pairwise(pictures))


@pytest.mark.parametrize("codec", ["h264", "h265"])
def test_a_backlog_yields_one_picture_the_newest_at_the_native_size(codec):
    codec, packets = synthetic_packets(20, codec=codec)
    decoder = PictureDecoder(codec, None, max_fps=10)
    picture = decoder.decode(packets)
    assert picture.pts_90k == packets[-1].pts_90k and picture.image.size == (320, 180)
    assert decoder.frames_decoded == 20


def test_decoding_starts_on_a_keyframe():
    codec, packets = synthetic_packets(15, gop=10)
    decoder = PictureDecoder(codec, None, max_fps=25)
    assert decoder.decode(packets[3:10]) is None and decoder.frames_decoded == 0
    picture = decoder.decode(packets[10:11])
    assert picture.pts_90k == packets[10].pts_90k


def test_a_frame_is_encoded_once_per_quality():
    encodes = []
    frame = MjpegFrame(no_video_image(320, 180), on_encode=lambda: encodes.append(1))
    fine, coarse = frame.jpeg(90), frame.jpeg(20)
    assert frame.jpeg(90) is fine and frame.cached_jpeg(20) is coarse and len(encodes) == 2
    assert len(coarse) < len(fine)
    assert Image.open(io.BytesIO(fine)).size == (320, 180)
