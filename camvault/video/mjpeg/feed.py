"""MJPEG from an async `Feed` (replay, alarm view): one private pipeline per viewer, since such a
feed has a position of its own.

`decoded_feed` describes and plays the feed, then runs an asyncio task that pumps its packets into
a bounded queue and a `DecodeWorker` thread that decodes them into a `FrameBoard`; it yields the
board (watch it with a `FrameViewer`). On exit the task is cancelled, the worker stopped (joined
off the loop) and the feed closed. When the feed ends the board ends. Raises the feed's
`FeedUnavailable` from `describe`/`play`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from camvault.core.tiles import Size
from camvault.video.mjpeg.frames import FrameBoard
from camvault.video.mjpeg.sources import QueuedPackets, pump_feed
from camvault.video.mjpeg.workers import DecodeWorker


@asynccontextmanager
async def decoded_feed(feed, *, box: Size | None, max_fps: float, label: str) -> AsyncIterator[FrameBoard]:
    try:
        codec, _keyframe = await feed.describe()
        await feed.play(None)
        queue = QueuedPackets(codec)
        board = FrameBoard(label)
        worker = DecodeWorker(queue, board, box=box, max_fps=max_fps, label=label)
        worker.start()
        pump = asyncio.create_task(pump_feed(feed, queue, label))
        try:
            yield board
        finally:
            pump.cancel()
            await asyncio.gather(pump, return_exceptions=True)
            await asyncio.to_thread(worker.stop)
    finally:
        feed.close()
