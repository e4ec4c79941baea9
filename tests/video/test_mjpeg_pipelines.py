"""MJPEG pipelines over live streams fed in real time by synthetic cameras (no node): one decoder
per (stream, box) shared by its leases, stopped (subscription dropped) after the grace period; a
stream not delivering shows "no video"; a closed stream ends its board; a mosaic composes its
tiles' pictures in their cells, each frame encoded once; an async viewer gets each frame once,
the latest again after its keep-alive, and ends with the board; a `Feed` decodes the same way."""

from __future__ import annotations

import asyncio
import time

import numpy as np
import pytest

from camvault.core.model import Camera, Stream
from camvault.core.tiles import Size, cells
from camvault.video.feeds.live import LiveFeed
from camvault.video.live import LiveHub, LiveStream
from camvault.video.mjpeg.feed import decoded_feed
from camvault.video.mjpeg.frames import FrameBoard, MjpegFrame, no_video_image
from camvault.video.mjpeg.hub import MjpegHub
from camvault.video.mjpeg.viewer import FrameViewer
from tests.support.live import SyntheticLive
from tests.support.picture import chroma_hue, hue_distance

FPS = 15
GRACE_S = 0.5


def url(hue: int, width=320, height=180) -> str:
    return f"synthetic://?width={width}&height={height}&fps={FPS}&bitrate=300000&gop={FPS}&hue={hue}"


def live_stream(hub: LiveHub, camera_id: int, stream_id: int = 1) -> LiveStream:
    """The hub's fan-out point of a stream, made as ingest makes it."""
    stream = Stream(camera_id, stream_id, "synthetic://")
    camera = Camera(camera_id, f"cam{camera_id}", "synthetic://", f"uuid-{camera_id}", f"SN{camera_id}",
                    streams=(stream,))
    return hub.sinks_for(camera, stream)[0]


def wait_for(predicate, timeout_s: float = 5.0, step_s: float = 0.05):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step_s)
    raise AssertionError("condition not met in time")


@pytest.fixture
def hubs():
    live = LiveHub()
    mjpeg = MjpegHub(live, max_fps=10, grace_s=GRACE_S, no_video_s=1.0)
    yield live, mjpeg
    mjpeg.close_all()


def test_two_leases_share_one_decoder_which_stops_after_the_grace_period(hubs):
    live_hub, hub = hubs
    live = live_stream(live_hub, 1)
    with SyntheticLive(live, url(0)):
        first, second = hub.acquire_stream(1, 1), hub.acquire_stream(1, 1)
        assert first.board is second.board and hub.decoders_started == 1
        frame = wait_for(lambda: first.board.latest)
        assert frame.size == (320, 180) and not frame.placeholder
        time.sleep(2)
        info = next(p for p in hub.pipelines() if p.key[0] == "stream")
        assert info.leases == 2 and 15 <= info.pictures <= 23          # ~10 fps over ~2 s
        assert info.frames_decoded >= info.pictures
        assert live.subscriber_count == 1
        first.release()
        first.release()                                                 # idempotent
        second.release()
        again = hub.acquire_stream(1, 1)                                # within the grace: the same pipeline
        assert again.board is second.board and hub.decoders_started == 1
        again.release()
        wait_for(lambda: not hub.pipelines(), timeout_s=GRACE_S + 2)
        assert live.subscriber_count == 0


def test_a_stream_not_delivering_shows_no_video_then_its_pictures(hubs):
    live_hub, hub = hubs
    lease = hub.acquire_stream(2, 1, Size(160, 160))                   # no such live stream yet
    picture = lambda: (f := lease.board.latest) and not f.placeholder and f
    try:
        placeholder = wait_for(lambda: lease.board.latest, timeout_s=0.5)   # at once: nothing to wait for
        assert placeholder.placeholder and placeholder.size == (160, 160)
        live = live_stream(live_hub, 2)
        with SyntheticLive(live, url(90)):
            assert wait_for(picture).size == (160, 90)
        stalled = wait_for(lambda: (f := lease.board.latest) and f.placeholder and f, timeout_s=3)
        assert stalled.size == (160, 90)                                # "no video" at the last size
        with SyntheticLive(live, url(90)):                              # the camera comes back (pts restart)
            assert wait_for(picture).seq > stalled.seq
    finally:
        lease.release()


def test_a_closed_stream_ends_the_board_and_leaves_the_registry(hubs):
    live_hub, hub = hubs
    live = live_stream(live_hub, 3)
    with SyntheticLive(live, url(180)):
        lease = hub.acquire_stream(3, 1)
        wait_for(lambda: lease.board.latest)
        live_hub.forget(3)
        wait_for(lambda: lease.board.ended)
        wait_for(lambda: not hub.pipelines())
        lease.release()


def test_mosaic_tiles_show_their_cameras_and_each_frame_is_encoded_once(hubs):
    live_hub, hub = hubs
    hues = {1: 0, 2: 90, 3: 180}
    feeds = [SyntheticLive(live_stream(live_hub, cam), url(hue)) for cam, hue in hues.items()]
    for feed in feeds:
        feed.__enter__()
    try:
        tiles = [(1, 1), (2, 1), (3, 1), (1, 1), None]                 # a repeated camera, an empty tile
        canvas = Size(640, 360)
        lease = hub.acquire_mosaic(tiles, canvas, quality=70)
        assert hub.decoders_started == 3                               # the repeated camera decodes once
        frame = wait_for(lambda: (f := lease.board.latest) and f.seq >= 5 and f, timeout_s=5)
        image = np.asarray(frame.image)
        for ref, cell in zip(tiles, cells(len(tiles), canvas)):
            region = image[cell.y_px:cell.y_px + cell.height_px, cell.x_px:cell.x_px + cell.width_px]
            middle = region[region.shape[0] // 4: -region.shape[0] // 4]     # the 16:9 picture, not the bars
            hue, strength = chroma_hue(middle)
            if ref is None:
                assert strength < 3 and middle.mean() < 40            # "no video": dark and grey
            else:
                assert strength > 30 and hue_distance(hue, hues[ref[0]]) < 20, (ref, hue, strength)
        mosaic = next(p for p in hub.pipelines() if p.key[0] == "mosaic")
        assert mosaic.jpeg_encodes == mosaic.pictures and frame.cached_jpeg(70) is not None
        lease.release()
        wait_for(lambda: not hub.pipelines(), timeout_s=GRACE_S * 2 + 3)
    finally:
        for feed in feeds:
            feed.__exit__(None, None, None)


def test_async_viewer_gets_each_frame_once_then_the_latest_again_then_none():
    board = FrameBoard("test")

    async def scenario():
        with FrameViewer(board, quality=50, keepalive_s=0.3) as viewer:
            assert board.qualities() == [50]
            loop = asyncio.get_running_loop()
            loop.call_later(0.05, board.publish, MjpegFrame(no_video_image(32, 32)))
            first = await viewer.next()
            started = time.monotonic()
            again = await viewer.next()
            assert again is first and 0.25 < time.monotonic() - started < 1.0
            loop.call_later(0.05, board.end)
            assert await viewer.next() is None
            jpeg = await viewer.jpeg(first)
            assert jpeg[:2] == b"\xff\xd8" and first.cached_jpeg(50) is jpeg
        assert board.watchers == 0 and board.qualities() == []
    asyncio.run(scenario())


def test_a_feed_decodes_into_a_private_board():
    live_hub = LiveHub()
    live = live_stream(live_hub, 4)

    async def scenario():
        async with decoded_feed(LiveFeed(live), box=Size(160, 90), max_fps=5, label="feed 4.1") as board:
            with FrameViewer(board, quality=60) as viewer:
                frames = [await asyncio.wait_for(viewer.next(), 5) for _ in range(4)]
        assert {f.size for f in frames} == {(160, 90)} and all(not f.placeholder for f in frames)
        assert [f.seq for f in frames] == sorted({f.seq for f in frames})

    with SyntheticLive(live, url(270)):
        asyncio.run(scenario())
        assert live.subscriber_count == 0
