"""The live view service on a running node (synthetic cameras, SQLite): existence and rights are
checked before anything is decoded (404 unknown camera or stream or a stream not delivering, 403
without the view or live right, 400 bad quality, size or tile count); a mosaic tile gets the
lowest-quality pulled stream that covers it (never an on-demand one); a view takes its pipeline
only while it is watched."""

from __future__ import annotations

import asyncio
import time

import pytest

from camvault.app import Camvault
from camvault.config import (
    CameraConfig,
    Config,
    DatabaseConfig,
    ServerConfig,
    StorageConfig,
    StreamConfig,
)
from camvault.core.errors import BadRequest, Forbidden, NotFound
from camvault.core.model import CameraRight, Profile, User
from camvault.core.tiles import Size
from camvault.video.feeds.live import LiveFeed
from tests.support.server import free_port

pytestmark = pytest.mark.slow

ADMIN = User(1, "admin", Profile.ADMIN)
VIEWER = User(2, "vera", Profile.CONSULT, {1: CameraRight(1)})
NOLIVE = User(3, "nils", Profile.CONSULT, {1: CameraRight(1, live=False)})


def source(width: int, height: int) -> str:
    return f"synthetic://?width={width}&height={height}&fps=5&bitrate=100000&gop=5"


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("liveview")
    cameras = [
        CameraConfig(id=1, name="Three streams", source=source(640, 360), streams=[
            StreamConfig(id=1, quality=3), StreamConfig(id=2, source=source(320, 180), quality=2),
            StreamConfig(id=3, source=source(160, 90), quality=1)]),
        CameraConfig(id=2, name="Small", source=source(160, 90)),
        CameraConfig(id=3, name="Off", source=source(160, 90), enabled=False),
        CameraConfig(id=4, name="On demand", source=source(160, 90), streams=[
            StreamConfig(id=1, quality=1), StreamConfig(id=2, source=source(640, 360), quality=3, on_demand=True)])]
    config = Config(server=ServerConfig(http_host="127.0.0.1", rtsp_port=free_port()),
                    storage=StorageConfig(data_dir=tmp / "data", min_free_bytes=0),
                    database=DatabaseConfig(url=f"sqlite:///{tmp / 'db.sqlite'}"), cameras=cameras)
    node = Camvault(config, admin_password="admin-pw")
    node.start()
    deadline = time.monotonic() + 10
    while not all((s := node.ingest.state(1, i)) and s.width for i in (1, 2, 3)):
        assert time.monotonic() < deadline, "camera 1 did not deliver"
        time.sleep(0.05)
    yield node
    node.stop()


@pytest.mark.parametrize(("user", "camera_id", "stream_id", "error", "key"), [
    (ADMIN, 9, 1, NotFound, "camera_not_found"), (ADMIN, 1, 9, NotFound, "stream_not_found"),
    (ADMIN, 3, 1, NotFound, "stream_not_found"), (ADMIN, 4, 2, NotFound, "stream_not_found"),
    (VIEWER, 2, 1, Forbidden, "camera_forbidden"), (NOLIVE, 1, 1, Forbidden, "live_forbidden")])
def test_stream_view_refusals(node, user, camera_id, stream_id, error, key):
    with pytest.raises(error) as raised:
        node.live_view.stream_view(user, camera_id, stream_id, 75)
    assert raised.value.key == key


@pytest.mark.parametrize(("user", "ids", "quality", "size", "error", "key"), [
    (ADMIN, [], 75, None, BadRequest, "invalid_id_list"), (ADMIN, [1] * 65, 75, None, BadRequest, "too_many_tiles"),
    (ADMIN, [1], 0, None, BadRequest, "invalid_jpeg_quality"), (ADMIN, [1], 101, None, BadRequest, "invalid_jpeg_quality"),
    (ADMIN, [1], 75, Size(32, 720), BadRequest, "invalid_size"), (ADMIN, [1, 9], 75, None, NotFound, "camera_not_found"),
    (VIEWER, [1, 2], 75, None, Forbidden, "camera_forbidden"), (NOLIVE, [1], 75, None, Forbidden, "live_forbidden")])
def test_mosaic_view_refusals(node, user, ids, quality, size, error, key):
    with pytest.raises(error) as raised:
        node.live_view.mosaic_view(user, ids, quality, size)
    assert raised.value.key == key


@pytest.mark.parametrize(("ids", "size", "streams"), [
    ([1], Size(640, 360), ((1, 1),)), ([1], Size(320, 180), ((1, 2),)), ([1], Size(160, 90), ((1, 3),)),
    ([1, 1, 1, 1], Size(640, 360), ((1, 2),) * 4), ([1], Size(1280, 720), ((1, 1),)),
    ([4, 2, 3], Size(1280, 720), ((4, 1), (2, 1), (3, 1)))])
def test_mosaic_tiles_use_the_lowest_quality_stream_that_covers_them(node, ids, size, streams):
    assert node.live_view.mosaic_view(ADMIN, ids, 75, size).streams == streams


def test_a_view_takes_its_pipeline_only_while_watched(node):
    view = node.live_view.stream_view(VIEWER, 1, 3, 60)
    assert not [p for p in node.mjpeg.pipelines() if p.key[1:3] == (1, 3)]

    async def watch():
        async with view.watching() as viewer:
            frame = await asyncio.wait_for(viewer.next(), 5)
            leases = [p.leases for p in node.mjpeg.pipelines() if p.key[1:3] == (1, 3)]
            return frame, leases

    frame, leases = asyncio.run(watch())
    assert leases == [1] and frame.size == (160, 90) and frame.cached_jpeg(60) is not None
    assert [p.leases for p in node.mjpeg.pipelines() if p.key[1:3] == (1, 3)] in ([0], [])


def test_a_feed_view_decodes_the_feed_for_its_viewer_only(node):
    live = node.live.get(2, 1)
    view = node.live_view.feed_view(LiveFeed(live), 40, "feed 2.1")
    assert live.subscriber_count == 0                       # nothing taken before it is watched

    async def watch():
        async with view.watching() as viewer:
            frames = [await asyncio.wait_for(viewer.next(), 5) for _ in range(3)]
            return frames, live.subscriber_count

    frames, subscribers = asyncio.run(watch())
    assert subscribers == 1 and {f.size for f in frames} == {(160, 90)}
    assert all(f.cached_jpeg(40) for f in frames) and live.subscriber_count == 0
    with pytest.raises(BadRequest):
        node.live_view.feed_view(LiveFeed(live), 0, "bad")
