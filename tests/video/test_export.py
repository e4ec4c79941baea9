"""Export muxing on real slices: keyframe start, packet-precise end, gaps kept, mismatched slices
skipped, cancellation, and ranges with nothing in them."""

from pathlib import Path

import av
import pytest

from camvault.store.media import MediaStore
from camvault.video.export import ExportCancelled, ExportPart, NothingToExport, concat_slices
from tests.support.media import record_packets

FPS = 10
URL = f"synthetic://?width=160&height=90&fps={FPS}&gop={FPS}&bitrate=100000&realtime=0"
T0 = 1_700_000_000_000


def parts(media, slices):
    return [ExportPart(media.absolute(s.path), s.start_ms) for s in slices]


def frame_times_s(path: Path) -> list[float]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return [float(f.pts * stream.time_base) for f in container.decode(stream)]


def run(ps, from_ms, to_ms, out, stop=lambda: False):
    seen = []
    result = concat_slices(ps, from_ms, to_ms, out, on_progress=seen.append, should_stop=stop)
    return result, seen


def test_starts_on_the_keyframe_before_from_and_ends_before_to(tmp_path):
    media = MediaStore(tmp_path / "m")
    made = record_packets(URL, media, packets=200, slice_max_s=10, wall_start_ms=T0)
    result, seen = run(parts(media, made), T0 + 4300, T0 + 15_250, tmp_path / "out.mkv")
    assert result.start_ms == T0 + 4000 and result.packets == 113
    times = frame_times_s(tmp_path / "out.mkv")
    assert times[0] == 0 and abs(times[-1] - 11.2) < 1e-6 and len(times) == 113
    assert seen == sorted(seen) and 0.9 < seen[-1] <= 1


def test_a_gap_between_slices_stays_a_gap(tmp_path):
    media = MediaStore(tmp_path / "m")
    first = record_packets(URL, media, packets=50, slice_max_s=10, wall_start_ms=T0)
    second = record_packets(URL, media, packets=50, slice_max_s=10, wall_start_ms=T0 + 20_000)
    result, _seen = run(parts(media, first + second), T0, T0 + 30_000, tmp_path / "out.mkv")
    times = frame_times_s(tmp_path / "out.mkv")
    assert len(times) == 100 and abs(times[50] - 20.0) < 1e-6 and result.duration_ms == 25_000


def test_slices_of_another_picture_size_are_skipped(tmp_path):
    media = MediaStore(tmp_path / "m")
    first = record_packets(URL, media, packets=30, slice_max_s=10, wall_start_ms=T0)
    other = record_packets(URL.replace("width=160", "width=320"), media, packets=30, slice_max_s=10,
                           camera_id=2, wall_start_ms=T0 + 3000)
    result, _seen = run(parts(media, first + other), T0, T0 + 6000, tmp_path / "out.mkv")
    assert result.skipped_parts == 1 and result.packets == 30


def test_cancel_and_empty_ranges(tmp_path):
    media = MediaStore(tmp_path / "m")
    made = record_packets(URL, media, packets=30, slice_max_s=10, wall_start_ms=T0)
    with pytest.raises(ExportCancelled):
        run(parts(media, made), T0, T0 + 3000, tmp_path / "a.mkv", stop=lambda: True)
    with pytest.raises(NothingToExport):
        run(parts(media, made), T0 + 5000, T0 + 6000, tmp_path / "b.mkv")
