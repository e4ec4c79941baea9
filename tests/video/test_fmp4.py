"""The fMP4 remux over real slices recorded by camvault's recorder (H.264, 160x90, 10 fps, 1 s GOP),
decoded back with PyAV. Slices are found through a list-backed `PartsLookup` with the same
contract as the store's (the store-backed one is exercised by tests/api/test_fmp4_api.py)."""

from __future__ import annotations

import io

import av
import pytest

from camvault.store.media import MediaStore
from camvault.video.feeds import FeedUnavailable
from camvault.video.feeds.replay import Part, RangeNotAvailable
from camvault.video.fmp4 import Fmp4Remux, coverage
from tests.support.media import record_packets

FPS = 10
GOP_MS = 1000
FRAME_MS = 1000 // FPS
URL = f"synthetic://?width=160&height=90&fps={FPS}&gop={FPS}&bitrate=100000&realtime=0"
T0 = 1_700_000_000_000


def lookup_of(media: MediaStore, slices):
    parts = sorted((Part(media.absolute(s.path), s.start_ms, s.stop_ms) for s in slices),
                   key=lambda p: (p.start_ms, str(p.path)))

    def lookup(from_ms: int, limit: int) -> list[Part]:
        return [p for p in parts if p.stop_ms >= from_ms][:limit]
    return lookup


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """6 s in three 2 s slices from T0, a 5 s gap, 4 s in two slices from T0+11 s; and an alarm
    recording (type a) overlapping the regular one over [T0+2 s, T0+4 s)."""
    media = MediaStore(tmp_path_factory.mktemp("fmp4") / "media")
    regular = record_packets(URL, media, packets=6 * FPS, slice_max_s=2, wall_start_ms=T0)
    after_gap = record_packets(URL, media, packets=4 * FPS, slice_max_s=2, wall_start_ms=T0 + 11_000)
    alarm = record_packets(URL, media, packets=2 * FPS, slice_max_s=2, wall_start_ms=T0 + 2000, slice_type="a")
    return media, regular, after_gap, alarm


def play(remux: Fmp4Remux) -> tuple[list[bytes], list[float]]:
    """The chunks, and the wall time (ms) of every decoded frame."""
    remux.open()
    chunks = []
    while (chunk := remux.next_chunk()) is not None:
        chunks.append(chunk)
    remux.close()
    with av.open(io.BytesIO(b"".join(chunks))) as container:
        assert container.streams.video[0].codec_context.name == "h264"
        walls = [remux.start_ms + float(f.pts * f.time_base) * 1000 for f in container.decode(video=0)]
    return chunks, walls


def assert_continuous(walls: list[float]) -> None:
    steps = {round(b - a) for a, b in zip(walls, walls[1:])}
    assert steps == {FRAME_MS}, steps


def test_a_range_over_three_slices_plays_continuously_from_the_keyframe_before_start(recorded):
    media, regular, after_gap, alarm = recorded
    lookup = lookup_of(media, regular)
    start, end = T0 + 1550, T0 + 5450
    chunks, walls = play(Fmp4Remux(lookup, start, end))
    assert start - GOP_MS < walls[0] <= start
    assert walls[0] % GOP_MS == 0                      # a keyframe
    assert end - 2 * FRAME_MS <= walls[-1] < end
    assert_continuous(walls)
    assert len(chunks) >= 4                            # streamed one fragment (GOP) at a time
    assert chunks[0][4:8] == b"ftyp" and b"mvex" in chunks[0]    # empty moov, fragments follow
    assert b"moof" in chunks[1][:16]


def test_overlapping_alarm_slices_are_joined_without_repeats(recorded):
    media, regular, after_gap, alarm = recorded
    lookup = lookup_of(media, regular + alarm)
    _, walls = play(Fmp4Remux(lookup, T0 + 1000, T0 + 5000))
    assert walls[0] == T0 + 1000
    assert_continuous(walls)
    assert walls[-1] == T0 + 5000 - FRAME_MS


def test_a_gap_ends_the_answer_and_the_rows_tell_where_recording_resumes(recorded):
    media, regular, after_gap, _ = recorded
    lookup = lookup_of(media, regular + after_gap)
    remux = Fmp4Remux(lookup, T0 + 4200, T0 + 14_000)
    _, walls = play(remux)
    assert walls[0] == T0 + 4000
    assert walls[-1] == T0 + 6000 - FRAME_MS           # cut at the gap, never compressed
    assert_continuous(walls)
    reach = coverage(lookup, remux.start_ms, T0 + 14_000)
    assert (reach.end_ms, reach.next_start_ms) == (T0 + 6000, T0 + 11_000)
    assert coverage(lookup, T0 + 11_000, T0 + 14_000).next_start_ms is None


def test_a_start_in_the_gap_begins_where_recording_resumes(recorded):
    media, regular, after_gap, _ = recorded
    _, walls = play(Fmp4Remux(lookup_of(media, regular + after_gap), T0 + 8000, T0 + 13_000))
    assert walls[0] == T0 + 11_000
    assert walls[-1] == T0 + 13_000 - FRAME_MS


def test_nothing_recorded_in_the_range(recorded):
    media, regular, after_gap, _ = recorded
    lookup = lookup_of(media, regular + after_gap)
    with pytest.raises(RangeNotAvailable):
        Fmp4Remux(lookup, T0 + 7000, T0 + 10_000).open()
    with pytest.raises(RangeNotAvailable):
        Fmp4Remux(lookup, T0 + 20_000, T0 + 30_000).open()


def test_an_unreadable_slice_is_unavailable(tmp_path):
    broken = tmp_path / "broken.mkv"
    broken.write_bytes(b"not a matroska file")
    with pytest.raises(FeedUnavailable):
        Fmp4Remux(lambda _f, _n: [Part(broken, T0, T0 + 2000)], T0, T0 + 1000).open()


def test_close_midway_releases_the_files(recorded):
    media, regular, _, _ = recorded
    remux = Fmp4Remux(lookup_of(media, regular), T0, T0 + 6000)
    remux.open()
    assert remux.next_chunk()
    remux.close()
    assert remux.next_chunk() is None


def test_h265_slices_remux_by_stream_copy(tmp_path):
    media = MediaStore(tmp_path / "media")
    made = record_packets(URL + "&codec=h265", media, packets=3 * FPS, slice_max_s=1, wall_start_ms=T0)
    assert len(made) == 3
    remux = Fmp4Remux(lookup_of(media, made), T0 + 500, T0 + 3000)
    remux.open()
    body = b"".join(iter(remux.next_chunk, None))
    with av.open(io.BytesIO(body)) as container:
        assert container.streams.video[0].codec_context.name == "hevc"
        walls = [remux.start_ms + float(f.pts * f.time_base) * 1000 for f in container.decode(video=0)]
    assert walls[0] == T0 and walls[-1] == T0 + 3000 - FRAME_MS
    assert_continuous(walls)
