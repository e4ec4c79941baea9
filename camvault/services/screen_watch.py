"""Who is watching which passive screen: a screen page's event stream waits, on its HTTP event loop,
for the screen's next assignment; the screen service announces every change from whatever thread
made it (a request's worker thread, the scenario engine). No polling: an announce wakes exactly the
watchers of that screen through their loop (`call_soon_threadsafe`). Latest value wins: a watcher
that has not looked yet sees only the newest assignment, never a backlog."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from camvault.core.screens import Screen

log = logging.getLogger(__name__)


class ScreenWatch:
    """One watcher of one screen; made and awaited on one event loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._changed = asyncio.Event()
        self.latest: Screen | None = None
        """The screen as last announced; None once it was deleted (read after `changed()`)."""
        self.deleted = False

    async def changed(self, timeout_s: float) -> bool:
        """Wait for an announce: True, with `latest` / `deleted` updated; False after `timeout_s`."""
        try:
            await asyncio.wait_for(self._changed.wait(), timeout_s)
        except TimeoutError:
            return False
        self._changed.clear()
        return True

    def _offer(self, screen: Screen | None) -> None:         # on the watcher's loop
        self.latest, self.deleted = screen, screen is None
        self._changed.set()


class ScreenWatchers:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_screen: dict[int, set[ScreenWatch]] = {}

    @contextmanager
    def watch(self, screen_id: int) -> Iterator[ScreenWatch]:
        """Watch `screen_id` until the block exits; call on the event loop that awaits the watch."""
        watch = ScreenWatch(asyncio.get_running_loop())
        with self._lock:
            self._by_screen.setdefault(screen_id, set()).add(watch)
        try:
            yield watch
        finally:
            with self._lock:
                watchers = self._by_screen.get(screen_id, set())
                watchers.discard(watch)
                if not watchers:
                    self._by_screen.pop(screen_id, None)

    def count(self, screen_id: int) -> int:
        with self._lock:
            return len(self._by_screen.get(screen_id, ()))

    def announce(self, screen_id: int, screen: Screen | None) -> None:
        """`screen` is the screen's new state, None when it was deleted. Never blocks."""
        with self._lock:
            watchers = list(self._by_screen.get(screen_id, ()))
        for watch in watchers:
            try:
                watch._loop.call_soon_threadsafe(watch._offer, screen)
            except RuntimeError:                                 # its loop is closed: the client is gone
                log.debug("screen %s: a watcher's event loop is closed", screen_id)
