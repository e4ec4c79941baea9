"""The alarm view: the camera's live stream while one of its alarms is active; otherwise the
recording of its latest alarm, played in a loop. Without a live stream (`live=None`: the last-alarm
replay service) it only ever plays the latest alarm's recording, in a loop. Checked every `poll_s`; a switch happens on the
new source's first keyframe, and output timestamps stay continuous across switches.

`is_active()` and `latest_replay()` may block (database): they run in the default executor.
`latest_replay()` returns a fresh `ReplayFeed` over the latest recorded alarm, or None (no alarm
recorded, or the viewer may not see recordings).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from camvault.video.feeds import Feed, FeedUnavailable, PlayRange, PlayStart
from camvault.video.feeds.live import LiveFeed, describe_live
from camvault.video.live import CodecInfo, LivePacket, LiveStream

log = logging.getLogger(__name__)

POLL_S = 1.0
SWITCH_STEP_90K = 3000


class AlarmFeed(Feed):
    def __init__(self, live: LiveStream | None, *, is_active: Callable[[], bool],
                 latest_replay: Callable[[], Feed | None], poll_s: float = POLL_S, label: str = "") -> None:
        self.live = live
        self.label = label or (live.key if live else "")
        self._is_active = is_active
        self._latest_replay = latest_replay
        self._poll_s = poll_s
        self._current: Feed | None = None
        self.mode = "idle"                     # "live", "replay" or "idle" (nothing to show)
        self._checked_s = 0.0
        self._offset_90k: int | None = None
        self._last_out_90k: int | None = None
        self.switches = 0

    async def describe(self) -> tuple[CodecInfo, bytes | None]:
        if self.live is not None:
            return await describe_live(self.live)
        replay = await asyncio.to_thread(self._latest_replay)
        if replay is None:
            raise FeedUnavailable(f"no alarm recorded for {self.label}")
        try:
            return await replay.describe()
        finally:
            replay.close()

    async def play(self, wanted: PlayRange | None) -> PlayStart:
        await self._choose(force=self._current is None)
        return PlayStart()

    async def next(self, timeout_s: float) -> list[LivePacket] | None:
        await self._choose()
        if self._current is None:
            await asyncio.sleep(min(timeout_s, self._poll_s))
            return []
        batch = await self._current.next(min(timeout_s, self._poll_s))
        if batch is None:                      # the replay reached its end: play it again
            await self._start("replay" if self.mode == "replay" else "idle")
            return []
        return [self._rebased(p) for p in batch]

    def pause(self) -> None:
        if self._current is not None:
            self._current.pause()

    def close(self) -> None:
        if self._current is not None:
            self._current.close()
            self._current = None

    async def _choose(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._checked_s < self._poll_s:
            return
        self._checked_s = now
        active = self.live is not None and await asyncio.to_thread(self._is_active)
        wanted = "live" if active else "replay"
        if force or wanted != self.mode or self.mode == "idle":      # idle: try again (a new recording?)
            await self._start(wanted)

    async def _start(self, mode: str) -> None:
        self.close()
        self._offset_90k = None
        feed: Feed | None = LiveFeed(self.live) if mode == "live" else await asyncio.to_thread(self._latest_replay)
        if feed is not None:
            try:
                await feed.play(None)
            except FeedUnavailable as exc:
                log.debug("alarm view of %s: %s", self.label, exc.reason)
                feed.close()
                feed = None
        self._current = feed
        new_mode = mode if feed is not None else "idle"
        if new_mode != self.mode:
            log.info("alarm view of %s: now %s", self.label, new_mode)
            self.switches += 1
        self.mode = new_mode

    def _rebased(self, packet: LivePacket) -> LivePacket:
        if self._offset_90k is None:
            target = self._last_out_90k + SWITCH_STEP_90K if self._last_out_90k is not None else packet.pts_90k
            self._offset_90k = target - packet.pts_90k
        out = packet.pts_90k + self._offset_90k
        self._last_out_90k = out
        return LivePacket(packet.data, out, packet.keyframe, packet.derived)
