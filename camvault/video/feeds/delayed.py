"""The delayed live view: the stream as it was `delay_s` ago, from an in-memory history.

`DelayHistory` listens to a `LiveStream` (offers come on the ingest thread) and keeps the packets
of the last `keep_s` seconds, at most `max_bytes` (oldest dropped first). Histories are made on
the first delayed request for a stream (`DelayHistories.acquire`) and dropped once no delayed
viewer has used them for `idle_s`, so streams nobody watches delayed cost nothing. The first
viewer of a cold stream therefore waits the delay once.

A `DelayedFeed` starts on the latest keyframe that arrived at least `delay_s` ago and releases
each packet `delay_s` after it arrived (monotonic seconds), so the pace of the original is kept.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import threading
import time
from dataclasses import dataclass

from camvault.video.feeds import Feed, PlayRange, PlayStart
from camvault.video.feeds.live import describe_live
from camvault.video.live import CodecInfo, LivePacket, LiveStream

log = logging.getLogger(__name__)

GOP_MARGIN_S = 30.0


@dataclass(frozen=True)
class _Entry:
    arrival_s: float
    seq: int
    packet: LivePacket


class DelayHistory:
    """The recent packets of one stream. Thread-safe."""

    def __init__(self, keep_s: float, max_bytes: int) -> None:
        self.keep_s = keep_s
        self.max_bytes = max_bytes
        self._entries: collections.deque[_Entry] = collections.deque()
        self._bytes = 0
        self._next_seq = 0
        self._lock = threading.Lock()
        self.closed = False

    # --- LiveStream listener (ingest thread) -----------------------------------------------------
    def offer(self, packet: LivePacket) -> None:
        now = time.monotonic()
        with self._lock:
            self._entries.append(_Entry(now, self._next_seq, packet))
            self._next_seq += 1
            self._bytes += len(packet.data)
            while self._entries and (now - self._entries[0].arrival_s > self.keep_s or self._bytes > self.max_bytes):
                self._bytes -= len(self._entries.popleft().packet.data)

    def end(self) -> None:
        self.closed = True

    # --- readers ---------------------------------------------------------------------------------
    @property
    def size_bytes(self) -> int:
        with self._lock:
            return self._bytes

    def start_seq(self, due_by_s: float) -> int | None:
        """The latest keyframe that arrived by `due_by_s`, else the oldest kept keyframe."""
        with self._lock:
            keys = [e for e in self._entries if e.packet.keyframe]
        due = [e for e in keys if e.arrival_s <= due_by_s]
        chosen = due[-1] if due else (keys[0] if keys else None)
        return chosen.seq if chosen else None

    def take(self, seq: int, due_by_s: float) -> tuple[list[LivePacket], int, float | None]:
        """Packets from `seq` on that arrived by `due_by_s`; the next seq to ask for; the arrival
        time of the first packet not yet due (None if there is none yet). A reader that fell behind
        the kept history skips to the oldest kept keyframe."""
        with self._lock:
            if not self._entries:
                return [], seq, None
            first = self._entries[0].seq
            if seq < first:
                key = next((e.seq for e in self._entries if e.packet.keyframe), None)
                if key is None:
                    return [], seq, None
                seq = key
            out: list[LivePacket] = []
            for i in range(seq - first, len(self._entries)):
                entry = self._entries[i]
                if entry.arrival_s > due_by_s:
                    return out, entry.seq, entry.arrival_s
                out.append(entry.packet)
            return out, self._next_seq, None


class DelayHistories:
    """One `DelayHistory` per stream, made on demand, dropped when idle. Thread-safe."""

    def __init__(self, *, max_delay_s: float, max_bytes: int, idle_s: float = 600.0) -> None:
        self.max_delay_s = max_delay_s
        self._max_bytes = max_bytes
        self._idle_s = idle_s
        self._lock = threading.Lock()
        self._by_stream: dict[int, tuple[LiveStream, DelayHistory, list]] = {}    # id(live) -> (live, history, [users, last_s])

    def acquire(self, live: LiveStream) -> DelayHistory:
        self._drop_idle()
        with self._lock:
            found = self._by_stream.get(id(live))
            if found is None:
                history = DelayHistory(self.max_delay_s + GOP_MARGIN_S, self._max_bytes)
                found = self._by_stream[id(live)] = (live, history, [0, time.monotonic()])
                live.add_listener(history)
                log.info("delayed view of %s: keeping %.0f s of history", live.key, history.keep_s)
            found[2][0] += 1
            return found[1]

    def release(self, history: DelayHistory) -> None:
        with self._lock:
            for _live, kept, usage in self._by_stream.values():
                if kept is history:
                    usage[0] -= 1
                    usage[1] = time.monotonic()
        self._drop_idle()

    def _drop_idle(self) -> None:
        now = time.monotonic()
        with self._lock:
            idle = [k for k, (_l, h, u) in self._by_stream.items()
                    if h.closed or (u[0] <= 0 and now - u[1] > self._idle_s)]
            dropped = [self._by_stream.pop(k) for k in idle]
        for live, history, _u in dropped:
            live.unsubscribe(history)

    def count(self) -> int:
        with self._lock:
            return len(self._by_stream)


class DelayedFeed(Feed):
    def __init__(self, live: LiveStream, histories: DelayHistories, delay_s: float) -> None:
        self.live = live
        self.delay_s = delay_s
        self._histories = histories
        self._history: DelayHistory | None = None
        self._seq: int | None = None
        self._paused_at_s: float | None = None

    async def describe(self) -> tuple[CodecInfo, bytes | None]:
        return await describe_live(self.live)

    async def play(self, wanted: PlayRange | None) -> PlayStart:
        if self._history is None:
            self._history = self._histories.acquire(self.live)
        if self._paused_at_s is not None:              # time-shift: the pause adds to the delay
            self.delay_s += time.monotonic() - self._paused_at_s
            self._paused_at_s = None
        return PlayStart()

    async def next(self, timeout_s: float) -> list[LivePacket] | None:
        history = self._history
        if history is None:
            await asyncio.sleep(timeout_s)
            return []
        deadline_s = time.monotonic() + timeout_s
        while True:
            now = time.monotonic()
            due_by_s = now - self.delay_s
            next_arrival_s = None
            if self._seq is None:
                self._seq = history.start_seq(due_by_s)
            if self._seq is not None:
                items, self._seq, next_arrival_s = history.take(self._seq, due_by_s)
                if items:
                    return items
            if history.closed:
                return None
            wait_s = next_arrival_s + self.delay_s - now if next_arrival_s is not None else min(self.delay_s, 0.5)
            remaining_s = deadline_s - now
            if remaining_s <= 0:
                return []
            await asyncio.sleep(max(0.001, min(wait_s, remaining_s)))

    def pause(self) -> None:
        """A paused delayed view resumes where it was: the pause adds to its delay (the history
        keeps `max_delay_s` and a margin; past that the viewer skips to the oldest kept keyframe)."""
        self._paused_at_s = time.monotonic()

    def close(self) -> None:
        if self._history is not None:
            self._histories.release(self._history)
            self._history = None
