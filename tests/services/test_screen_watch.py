"""Screen watchers: an announce from any thread wakes the watchers of that screen only, on their
event loop; the latest assignment wins; a watcher is forgotten when its block exits; announcing to
a watcher whose loop is closed is harmless."""

from __future__ import annotations

import asyncio
import threading

from camvault.core.screens import Screen
from camvault.services.screen_watch import ScreenWatchers

WALL = Screen(id=1, num=1, name="Wall")


def test_an_announce_from_another_thread_wakes_the_watchers_of_that_screen_only():
    watchers = ScreenWatchers()

    async def scenario():
        with watchers.watch(1) as wall, watchers.watch(2) as other:
            assert not await wall.changed(0.05)                     # nothing yet: times out
            threading.Thread(target=watchers.announce, args=(1, WALL.showing(camera_id=3))).start()
            assert await wall.changed(2)
            assert (wall.latest.camera_id, wall.deleted) == (3, False)
            assert not await other.changed(0.05)
            watchers.announce(1, WALL.showing(camera_id=4))
            watchers.announce(1, WALL.showing(mosaic_id=5))         # before the watcher looks
            assert await wall.changed(2)
            assert (wall.latest.camera_id, wall.latest.mosaic_id) == (None, 5)
            assert not await wall.changed(0.05)                     # one wake-up for both
            watchers.announce(1, None)
            assert await wall.changed(2) and wall.deleted and wall.latest is None
            assert watchers.count(1) == 1
        assert watchers.count(1) == watchers.count(2) == 0

    asyncio.run(scenario())


def test_announcing_to_a_closed_loop_is_harmless():
    watchers = ScreenWatchers()
    loop = asyncio.new_event_loop()
    entered = loop.run_until_complete(_enter(watchers))
    loop.close()
    watchers.announce(1, WALL)                                       # the watcher's loop is gone
    entered.__exit__(None, None, None)
    assert watchers.count(1) == 0


async def _enter(watchers: ScreenWatchers):
    block = watchers.watch(1)
    block.__enter__()
    return block
