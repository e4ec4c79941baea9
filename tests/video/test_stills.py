"""Stills: the latest keyframe of a stream decodes alone to the right picture; a picture at a time
inside a slice; JPEG resizing keeps the aspect ratio."""

import io
import threading

import numpy as np
from PIL import Image

from camvault.store.media import MediaStore
from camvault.video.sources import open_source
from camvault.video.stills import LatestKeyframe, decode_keyframe, picture_at, to_jpeg
from tests.support.media import record_packets

URL = "synthetic://?width=320&height=180&fps=10&gop=5&realtime=0"


def test_latest_keyframe_decodes_alone():
    keeper = LatestKeyframe()
    session = open_source(URL, label="Still").open(threading.Event())
    keeper.on_session_start(session)
    for index, packet in enumerate(session.packets()):
        keeper.on_packet(packet, 1000 + index)
        if index == 12:
            break
    keyframe = keeper.latest()
    assert keyframe.wall_ms == 1010          # keyframes at 0, 5, 10
    picture = decode_keyframe(keyframe)
    assert picture.size == (320, 180)
    assert np.asarray(picture.convert("L")).std() > 10, "a real picture, not a flat frame"


def test_picture_at_follows_the_moving_box(tmp_path):
    media = MediaStore(tmp_path)
    clip = record_packets(URL, media, packets=30, slice_max_s=60)[0]
    path = media.absolute(clip.path)
    early, late = picture_at(path, 0), picture_at(path, 2500)
    assert early.size == late.size == (320, 180)
    diff = np.abs(np.asarray(early.convert("L"), dtype=int) - np.asarray(late.convert("L"), dtype=int))
    assert diff.mean() > 1, "the box moved between 0 s and 2.5 s"
    assert np.array_equal(np.asarray(picture_at(path, 99_000)), np.asarray(picture_at(path, 2900)))


def test_jpeg_resize_keeps_aspect_ratio():
    picture = Image.new("RGB", (320, 180), (200, 10, 10))
    small = Image.open(io.BytesIO(to_jpeg(picture, width=100, height=100)))
    assert small.format == "JPEG" and small.size == (100, 56)
