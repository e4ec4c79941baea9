"""The live feed: a viewer of a stream's `LiveStream` fan-out, starting on the current GOP.

A paused live feed drops its subscription; playing again rejoins at the latest keyframe (live has
no position to resume from).
"""

from __future__ import annotations

import asyncio

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


class LiveFeed(Feed):
    def __init__(self, live: LiveStream) -> None:
        self.live = live
        self._sub: Subscriber | None = None
        self._event = asyncio.Event()

    async def describe(self) -> tuple[CodecInfo, bytes | None]:
        return await describe_live(self.live)

    async def play(self, wanted: PlayRange | None) -> PlayStart:
        if self._sub is None:
            loop = asyncio.get_running_loop()
            self._sub = self.live.subscribe(lambda: loop.call_soon_threadsafe(self._event.set))
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

    def close(self) -> None:
        self.pause()
