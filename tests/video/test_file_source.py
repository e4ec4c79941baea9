"""file:// sources loop a media file at real-time pace with timestamps that keep increasing."""

import threading
import time

import pytest

from camvault.store.media import MediaStore
from camvault.video.sources import SourceError, open_source
from tests.support.media import record_packets


def test_file_loops_at_real_time_pace_with_increasing_timestamps(tmp_path):
    media = MediaStore(tmp_path)
    clip = record_packets("synthetic://?width=160&height=90&fps=20&gop=10&realtime=0", media, packets=10,
                          slice_max_s=60)[0]
    session = open_source(f"file://{media.absolute(clip.path)}").open(threading.Event())
    assert (session.info.codec, session.info.width) == ("h264", 160)
    started = time.monotonic()
    packets = []
    for packet in session.packets():
        packets.append((packet.pts, packet.is_keyframe))
        if len(packets) == 25:
            break
    elapsed = time.monotonic() - started
    session.close()
    stamps = [p for p, _ in packets]
    assert stamps == sorted(stamps) and len(set(stamps)) == 25, "timestamps increase across loops"
    assert [i for i, (_, key) in enumerate(packets) if key] == [0, 10, 20]
    assert 1.0 <= elapsed <= 2.0, "25 frames at 20 fps take 1.2 s"


def test_missing_file_is_a_source_error(tmp_path):
    with pytest.raises(SourceError, match="no such media file"):
        open_source(f"file://{tmp_path}/nope.mkv").open(threading.Event())


def test_stop_flag_ends_the_loop(tmp_path):
    media = MediaStore(tmp_path)
    clip = record_packets("synthetic://?width=160&height=90&fps=5&realtime=0", media, packets=5, slice_max_s=60)[0]
    stop = threading.Event()
    session = open_source(f"file://{media.absolute(clip.path)}").open(stop)
    threading.Timer(0.5, stop.set).start()
    started = time.monotonic()
    assert sum(1 for _ in session.packets()) <= 5
    assert time.monotonic() - started < 1.5
