"""The asyncio side of a mosaic whose content changes over time (a cycle of levels, real-time
overrides): a viewer that follows a program, each composition of which is an ordinary shared mosaic
pipeline of the hub.

`plan()` says what to show now, as any hashable value (None: the program ended); it must be cheap
and not block (it is called on the event loop every `poll_s`). When the plan changes,
`resolve(plan)` (blocking: run in a worker thread) turns it into a `Composition`, and the viewer
moves to that composition's pipeline: it gives the previous lease back and sends the new pipeline's
pictures from its first one on (the client keeps the last picture meanwhile). With no new picture
for `keepalive_s` the last one is sent again, as `FrameViewer` does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Self

from camvault.core.tiles import Cell
from camvault.video.mjpeg.frames import MjpegFrame
from camvault.video.mjpeg.viewer import KEEPALIVE_S, FrameViewer

POLL_S = 0.25


@dataclass(frozen=True)
class Composition:
    """The cells of a mosaic that show a stream (`tiles[i]` in `cells[i]`; None: "no video")."""

    tiles: tuple[tuple[int, int] | None, ...]
    cells: tuple[Cell, ...]


class ProgramViewer:
    """Use as `async with ProgramViewer(...) as viewer`, on the event loop that awaits it."""

    def __init__(self, plan: Callable[[], Hashable | None], resolve: Callable[[Hashable], Composition],
                 open_mosaic: Callable[[Composition], object], quality: int, *, poll_s: float = POLL_S,
                 keepalive_s: float = KEEPALIVE_S) -> None:
        self._plan = plan
        self._resolve = resolve
        self._open = open_mosaic               # -> a hub Lease on the composition's pipeline
        self.quality = quality
        self.poll_s = poll_s
        self.keepalive_s = keepalive_s
        self._shown: Hashable | None = None
        self._lease = None
        self._viewer: FrameViewer | None = None
        self._ended = False
        self._last: MjpegFrame | None = None
        self._last_sent_s = 0.0
        self.switches = 0

    async def __aenter__(self) -> Self:
        await self._follow()
        return self

    async def __aexit__(self, *_exc) -> None:
        self._leave()

    async def next(self) -> MjpegFrame | None:
        """The next picture of the current composition (or the last one again after
        `keepalive_s`); None once the program or its pipeline ended."""
        loop = asyncio.get_running_loop()
        while True:
            await self._follow()
            if self._ended:
                return None
            try:
                async with asyncio.timeout(self.poll_s):
                    frame = await self._viewer.next()
            except TimeoutError:
                if self._last is None or loop.time() - self._last_sent_s < self.keepalive_s:
                    continue
                frame = self._last
            if frame is None:
                return None
            self._last, self._last_sent_s = frame, loop.time()
            return frame

    async def jpeg(self, frame: MjpegFrame) -> bytes:
        data = frame.cached_jpeg(self.quality)
        if data is None:
            data = await asyncio.to_thread(frame.jpeg, self.quality)
        return data

    async def _follow(self) -> None:
        plan = self._plan()
        if plan is None:
            self._ended = True
            return
        if plan == self._shown and self._viewer is not None:
            return
        composition = await asyncio.to_thread(self._resolve, plan)
        self._leave()
        self._lease = self._open(composition)
        self._viewer = FrameViewer(self._lease.board, self.quality, self.keepalive_s).__enter__()
        self._shown = plan
        self.switches += 1

    def _leave(self) -> None:
        if self._viewer is not None:
            self._viewer.__exit__(None, None, None)
            self._viewer = None
        if self._lease is not None:
            self._lease.release()
            self._lease = None
