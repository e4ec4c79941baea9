"""The live feed: a viewer of a stream's `LiveStream` fan-out, starting on the current GOP.

A paused live feed drops its subscription; playing again rejoins at the latest keyframe (live has
no position to resume from).

Waking: the feeds of one stream on one event loop share a `LoopWaker`, so a packet offered to 100
viewers costs one `call_soon_threadsafe` (one write to the loop's self-pipe) on the ingest thread,
not 100.
"""

from __future__ import annotations

import asyncio
import threading
import weakref

from camvault.video.feeds import Feed, FeedUnavailable, PlayRange, PlayStart
from camvault.video.live import CodecInfo, LivePacket, LiveStream, Subscriber

KEYFRAME_WAIT_S = 5.0


async def describe_live(live: LiveStream, wait_s: float = KEYFRAME_WAIT_S) -> tuple[CodecInfo, bytes | None]:
    """The codec of a live stream and its latest keyframe, waiting (off the loop) for a first one."""
    keyframe = await asyncio.to_thread(live.wait_keyframe, wait_s)
    codec = live.codec
    if codec is None:
        raise FeedUnavailable(f"no video from stream {live.key} yet")
    return codec, keyframe.data if keyframe else None


class LoopWaker:
    """Wakes every registered event of one (stream, loop) with one hop onto the loop. `wake` runs on
    the ingest thread; a wake that finds one already pending is folded into it."""

    _registry: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, LoopWaker]]" = weakref.WeakKeyDictionary()
    _registry_lock = threading.Lock()

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._events: set[asyncio.Event] = set()
        self._pending = False

    @classmethod
    def of(cls, live: LiveStream, loop: asyncio.AbstractEventLoop) -> "LoopWaker":
        with cls._registry_lock:
            by_stream = cls._registry.setdefault(loop, {})
            return by_stream.setdefault(id(live), cls(loop))

    def add(self, event: asyncio.Event) -> None:
        self._events.add(event)

    def discard(self, event: asyncio.Event) -> None:
        self._events.discard(event)

    def wake(self) -> None:
        if self._pending:
            return
        self._pending = True
        self._loop.call_soon_threadsafe(self._flush)

    def _flush(self) -> None:
        self._pending = False             # first: a wake from now on schedules another flush
        for event in list(self._events):
            event.set()


class LiveFeed(Feed):
    def __init__(self, live: LiveStream) -> None:
        self.live = live
        self.shared_live = live
        self._sub: Subscriber | None = None
        self._event = asyncio.Event()
        self._waker: LoopWaker | None = None

    async def describe(self) -> tuple[CodecInfo, bytes | None]:
        return await describe_live(self.live)

    async def play(self, wanted: PlayRange | None) -> PlayStart:
        if self._sub is None:
            self._waker = LoopWaker.of(self.live, asyncio.get_running_loop())
            self._waker.add(self._event)
            self._sub = self.live.subscribe(self._waker.wake)
        return PlayStart()

    async def next(self, timeout_s: float) -> list[LivePacket] | None:
        sub = self._sub
        if sub is None:
            await asyncio.sleep(timeout_s)
            return []
        self._event.clear()
        items = sub.pop_all()
        if not items:
            try:
                await asyncio.wait_for(self._event.wait(), timeout_s)
            except TimeoutError:
                pass
            items = sub.pop_all()
        if not items and sub.closed:
            return None
        return items

    def pause(self) -> None:
        if self._sub is not None:
            self.live.unsubscribe(self._sub)
            self._sub = None
        if self._waker is not None:
            self._waker.discard(self._event)
            self._waker = None

    def close(self) -> None:
        self.pause()
