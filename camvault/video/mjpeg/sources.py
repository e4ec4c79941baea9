"""Packet sources of a decode worker: where its access units come from.

A source is used by one worker thread: `open(wake)` once (`wake` may then be called from any
thread when packets may be ready; it must not block), `take()` returns what is queued without
blocking, `codec` is the codec of those packets, `available` says the input exists now (False:
nothing to wait for yet), `ended` says no packet will ever come again, `close()` lets go. Every queue is bounded by a `Subscriber` (`QUEUE_MAX_PACKETS`): when full it
is emptied and restarts at the next keyframe, so a slow decoder skips ahead instead of growing.

- `LiveSubscription`: a live stream's fan-out (`LiveStream.subscribe`), looked up until it exists
  (a camera not delivering yet); ended when the stream is closed (camera deleted).
- `QueuedPackets`: filled by `offer` from another thread, e.g. by `pump_feed`, the asyncio task
  that reads an async `Feed` (replay, alarm view) for a worker.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from camvault.video.live import (
    QUEUE_MAX_PACKETS,
    CodecInfo,
    LivePacket,
    LiveStream,
    Subscriber,
)

log = logging.getLogger(__name__)

FEED_WAIT_S = 1.0


class LiveSubscription:
    def __init__(self, lookup: Callable[[], LiveStream | None], max_packets: int = QUEUE_MAX_PACKETS) -> None:
        self._lookup = lookup
        self._max = max_packets
        self._wake: Callable[[], None] = lambda: None
        self._live: LiveStream | None = None
        self._sub: Subscriber | None = None
        self.ended = False

    @property
    def codec(self) -> CodecInfo | None:
        return self._live.codec if self._live is not None else None

    @property
    def available(self) -> bool:
        """Subscribed to a live stream (which may not be delivering yet)."""
        return self._sub is not None

    def open(self, wake: Callable[[], None]) -> None:
        self._wake = wake
        self._subscribe()

    def take(self) -> list[LivePacket]:
        if self._sub is None and not self._subscribe():
            return []
        items = self._sub.pop_all()
        if not items and self._sub.closed:
            self.ended = True
        return items

    def _subscribe(self) -> bool:
        live = self._lookup()
        if live is None:
            return False
        self._live = live
        self._sub = live.subscribe(self._wake, self._max)
        return True

    def close(self) -> None:
        if self._live is not None and self._sub is not None:
            self._live.unsubscribe(self._sub)
        self._sub = None


class QueuedPackets:
    def __init__(self, codec: CodecInfo, max_packets: int = QUEUE_MAX_PACKETS) -> None:
        self.codec = codec
        self._wake: Callable[[], None] = lambda: None
        self._queue = Subscriber(lambda: self._wake(), max_packets)

    available = True

    @property
    def ended(self) -> bool:
        return self._queue.closed

    def offer(self, packet: LivePacket) -> None:
        """Queue a packet (any thread; never blocks)."""
        self._queue.offer(packet)

    def end(self) -> None:
        self._queue.end()

    def open(self, wake: Callable[[], None]) -> None:
        self._wake = wake
        wake()

    def take(self) -> list[LivePacket]:
        return self._queue.pop_all()

    def close(self) -> None:
        self._queue.pop_all()


async def pump_feed(feed, target: QueuedPackets, label: str = "") -> None:
    """Move a `Feed`'s packets (already paced by the feed) into `target` until the feed ends or this
    task is cancelled; `target` is ended either way. `feed` must be playing."""
    try:
        while True:
            packets = await feed.next(FEED_WAIT_S)
            if packets is None:
                return
            for packet in packets:
                target.offer(packet)
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("mjpeg %s: reading the feed failed", label)
    finally:
        target.end()
