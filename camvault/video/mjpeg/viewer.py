"""The asyncio side of an MJPEG viewer: waits for its board's next frame without polling.

`FrameViewer` is a context manager entered on the event loop that will await it: it registers a
wake on the board (called on the producer's thread; it hands over with `call_soon_threadsafe`) and
the JPEG quality it wants (so the producer encodes it before publishing). `next()` returns each new
frame once; a viewer slower than the pipeline simply gets the latest frame (nothing queues up).
With no new frame for `keepalive_s` it returns the latest one again, so an idle connection still
carries data (a stalled camera does not look like a dead server, and a gone client is noticed).
"""

from __future__ import annotations

import asyncio
from typing import Self

from camvault.video.mjpeg.frames import FrameBoard, MjpegFrame

KEEPALIVE_S = 5.0


class FrameViewer:
    def __init__(self, board: FrameBoard, quality: int, keepalive_s: float = KEEPALIVE_S) -> None:
        self.board = board
        self.quality = quality
        self.keepalive_s = keepalive_s
        self._seen = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event: asyncio.Event | None = None

    def __enter__(self) -> Self:
        self._loop = asyncio.get_running_loop()
        self._event = asyncio.Event()
        self.board.watch(self._wake, self.quality)
        return self

    def __exit__(self, *_exc) -> None:
        self.board.unwatch(self._wake, self.quality)

    def _wake(self) -> None:
        try:
            self._loop.call_soon_threadsafe(self._event.set)
        except RuntimeError:        # the loop is closed: this viewer is gone
            pass

    async def next(self) -> MjpegFrame | None:
        """The next frame (or the latest again after `keepalive_s`); None once the board ended."""
        while True:
            self._event.clear()
            if self.board.ended:
                return None
            frame = self.board.latest
            if frame is not None and frame.seq != self._seen:
                self._seen = frame.seq
                return frame
            try:
                async with asyncio.timeout(self.keepalive_s):
                    await self._event.wait()
            except TimeoutError:
                if frame is not None and not self.board.ended:
                    return frame

    async def jpeg(self, frame: MjpegFrame) -> bytes:
        """The frame at this viewer's quality (normally encoded already by the producer; else encoded
        once in a worker thread, never on the loop)."""
        data = frame.cached_jpeg(self.quality)
        if data is None:
            data = await asyncio.to_thread(frame.jpeg, self.quality)
        return data
