"""Feeds without a network: the delayed view's history (due packets, byte bound, a reader that
fell behind), and replay over real slice files (joins overlapping regular and alarm slices
without repeating a frame, skips a one-hour gap at once with continuous output timestamps, stops at
`stop_ms`, refuses a time after the recordings, converts AVCC to Annex B with the parameter sets on
keyframes)."""

from __future__ import annotations

import asyncio
import time
from itertools import pairwise

import pytest

from camvault.store.media import MediaStore
from camvault.video.feeds import PlayRange
from camvault.video.feeds.delayed import DelayHistory
from camvault.video.feeds.replay import Part, RangeNotAvailable, ReplayFeed
from camvault.video.live import LivePacket
from tests.support.media import record_packets

FPS = 20
SOURCE = f"synthetic://?width=160&height=96&fps={FPS}&bitrate=100000&gop=5&realtime=0"
T0 = 1_700_000_000_000


def packet(n: int, key: bool = False, size: int = 10) -> LivePacket:
    return LivePacket(bytes([n % 256]) * size, n * 3000, key)


def test_delay_history_releases_what_is_due_and_stays_bounded(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    history = DelayHistory(keep_s=10, max_bytes=1000)
    for n in range(6):                                   # a keyframe every 3 packets, 1 s apart
        history.offer(packet(n, key=n % 3 == 0))
        now[0] += 1
    assert history.start_seq(due_by_s=102.5) == 0        # latest keyframe that arrived by then
    assert history.start_seq(due_by_s=104.0) == 3
    assert history.start_seq(due_by_s=50.0) == 0         # none old enough: the oldest keyframe
    items, nxt, next_arrival = history.take(0, due_by_s=101.0)
    assert [p.data[0] for p in items] == [0, 1] and nxt == 2 and next_arrival == 102.0
    items, nxt, next_arrival = history.take(2, due_by_s=200.0)
    assert [p.data[0] for p in items] == [2, 3, 4, 5] and nxt == 6 and next_arrival is None
    for n in range(6, 200):                              # 10 bytes each: the byte bound drops the oldest
        history.offer(packet(n, key=n % 3 == 0))
    assert history.size_bytes <= 1000
    items, _nxt, _ = history.take(0, due_by_s=1e9)       # fell behind: resumes on the oldest kept keyframe
    assert items[0].keyframe and items[0].data[0] != 0


@pytest.fixture(scope="module")
def slices(tmp_path_factory):
    """A regular slice [0, 2 s), an alarm slice [1 s, 2.5 s) overlapping it, and a regular one an hour later."""
    media = MediaStore(tmp_path_factory.mktemp("media"))
    regular = record_packets(SOURCE, media, packets=2 * FPS, slice_max_s=60, wall_start_ms=T0)
    alarm = record_packets(SOURCE, media, packets=FPS * 3 // 2, slice_max_s=60, skip=FPS, slice_type="a",
                           wall_start_ms=T0)          # skips the first second: its first packet is at T0 + 1 s
    later = record_packets(SOURCE, media, packets=FPS, slice_max_s=60, wall_start_ms=T0 + 3_600_000)
    made = sorted(regular + alarm + later, key=lambda s: s.start_ms)
    return [Part(media.absolute(s.path), s.start_ms, s.stop_ms) for s in made]


def lookup_of(parts: list[Part]):
    return lambda from_ms, limit: [p for p in parts if p.stop_ms > from_ms][:limit]


async def play_all(feed: ReplayFeed, wanted: PlayRange | None = None, limit_s: float = 20) -> list[LivePacket]:
    await feed.describe()
    await feed.play(wanted)
    out: list[LivePacket] = []
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        batch = await feed.next(1.0)
        if batch is None:
            return out
        out.extend(batch)
    raise AssertionError("the replay did not end")


def test_replay_joins_overlaps_skips_gaps_and_ends(slices):
    feed = ReplayFeed(lookup_of(slices), origin_ms=T0, end_ms=slices[-1].stop_ms)
    started = time.monotonic()
    packets = asyncio.run(play_all(feed))
    took_s = time.monotonic() - started
    feed.close()
    assert packets[0].keyframe
    assert packets[0].data.startswith(b"\x00\x00\x00\x01")            # Annex B
    assert all(b"\x00\x00\x00\x01\x67" in p.data for p in packets if p.keyframe)   # SPS in front of keyframes
    stamps = [p.pts_90k for p in packets]
    steps = [b - a for a, b in pairwise(stamps)]
    assert all(s > 0 for s in steps), "no frame repeated or out of order where slices overlap"
    assert max(steps) <= 90000 * 0.1, "the one-hour gap left no hole in the output timestamps"
    # 2.5 s covered by the first two slices (the alarm one extends past the regular one) + 1 s later
    assert len(packets) == pytest.approx(3.5 * FPS, abs=3)
    assert 3.0 < took_s < 6.0                                           # real time, not an hour


def test_replay_seek_stop_and_range_errors(slices):
    async def scenario():
        feed = ReplayFeed(lookup_of(slices), origin_ms=T0, end_ms=slices[-1].stop_ms, stop_ms=T0 + 1500)
        await feed.describe()
        start = await feed.play(PlayRange(clock_ms=T0 + 730))
        assert T0 + 730 - 5 * 1000 // FPS <= start.clock_ms <= T0 + 730          # within one GOP (5 frames)
        assert start.npt_s == pytest.approx((start.clock_ms - T0) / 1000)
        packets = []
        while (batch := await feed.next(1.0)) is not None:
            packets.extend(batch)
        assert len(packets) == pytest.approx((T0 + 1500 - start.clock_ms) * FPS / 1000, abs=2)
        with pytest.raises(RangeNotAvailable):
            await feed.play(PlayRange(clock_ms=T0 + 7_200_000))
        feed.close()
    asyncio.run(scenario())
