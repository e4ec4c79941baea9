"""Slices that live only in S3 (uploaded to a real SeaweedFS, local files removed: keep_local_s 0)
are still served by every reader: the CamTrace download and the Bandit contents with Range (206
proxied from S3), the Bandit listing's integrity verdict and pictures, replay (the playback feed's
packets decode), CamTrace exports (a playable file) and recorded stills. One node and one S3
server for the module (the tests only read); SQLite."""

from __future__ import annotations

import asyncio
import io
import time
import zipfile
from urllib.parse import quote

import av
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from camvault.api.http import build_http_app
from camvault.app import Camvault
from camvault.config import CameraConfig, Config, DatabaseConfig, StorageConfig
from camvault.core import bandit as rules
from camvault.core.timefmt import format_iso_ms
from camvault.video.feeds import PlayRange
from tests.support.recordings import FPS, record_indexed, wait_export
from tests.support.s3 import SeaweedS3

ADMIN = ("admin", "admin-pw")


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    root = tmp_path_factory.mktemp("s3readers")
    s3 = SeaweedS3(root / "s3").start()
    bucket = s3.new_bucket()
    cameras = [CameraConfig(id=1, name="Cam 1", source="synthetic://?width=160&height=90&fps=5", enabled=False)]
    config = Config(storage=StorageConfig(data_dir=root / "data", min_free_bytes=0,
                                          s3=s3.config(bucket, key_prefix="p/", keep_local_s=0)),
                    database=DatabaseConfig(url=f"sqlite:///{root / 'camvault.db'}"), cameras=cameras)
    node = Camvault(config, admin_password=ADMIN[1])
    with TestClient(build_http_app(node, announce=lambda _m: None)) as client:
        made = record_indexed(node, seconds=6, slice_max_s=3)
        deadline = time.monotonic() + 20
        while not all(r.local_removed for r in node.store.uploads.rows()) or len(node.store.uploads.rows()) < 2:
            assert time.monotonic() < deadline, "slices not uploaded and removed locally in time"
            time.sleep(0.05)
        assert not any(node.store.media.absolute(s.path).exists() for s in made)
        originals = {s.path: s3.client().get_object(Bucket=bucket, Key=f"p/{s.path}")["Body"].read() for s in made}
        assert [len(originals[s.path]) for s in made] == [s.size_bytes for s in made]
        yield client, node, made, originals
    s3.stop()


def test_camtrace_download_with_range_from_s3(env):
    client, _node, made, originals = env
    first = made[0]
    url = f"/api/v1.2/slices/1/{quote(format_iso_ms(first.start_ms))}/r/download"
    whole = client.get(url, auth=ADMIN)
    assert whole.status_code == 200 and whole.content == originals[first.path]
    assert whole.headers["content-type"] == "video/x-matroska" and "attachment" in whole.headers["content-disposition"]
    part = client.get(url, auth=ADMIN, headers={"Range": "bytes=100-4099"})
    assert part.status_code == 206 and part.content == originals[first.path][100:4100]
    assert part.headers["content-range"] == f"bytes 100-4099/{first.size_bytes}"
    tail = client.get(url, auth=ADMIN, headers={"Range": "bytes=-50"})
    assert tail.status_code == 206 and tail.content == originals[first.path][-50:]
    past = client.get(url, auth=ADMIN, headers={"Range": f"bytes={first.size_bytes}-"})
    assert past.status_code == 416 and past.headers["content-range"] == f"bytes */{first.size_bytes}"


def test_bandit_contents_listing_and_pictures_from_s3(env):
    client, _node, made, originals = env
    second = made[1]
    url = f"/bandit/1/api/2/videos/{rules.video_id(second)}/contents"
    part = client.get(url, auth=ADMIN, headers={"Range": "bytes=0-999"})
    assert part.status_code == 206 and part.content == originals[second.path][:1000]
    head = client.head(url, auth=ADMIN)
    assert head.status_code == 200 and head.headers["content-length"] == str(second.size_bytes) and not head.content
    item = client.get(f"/api/2/videos/{rules.video_id(second)}", auth=ADMIN).json()
    assert item["is_valid"] is True and item["framerate_fps"] == FPS and item["size_bytes"] == second.size_bytes
    thumb = client.get(f"/api/2/videos/{rules.video_id(second)}/thumb/?offset_secs=1", auth=ADMIN)
    assert thumb.status_code == 200
    with Image.open(io.BytesIO(thumb.content)) as picture:
        assert picture.size[0] > 0


def test_replay_decodes_frames_read_from_s3(env):
    _client, node, made, _originals = env
    feed = node.playback.open(node.users.by_name("admin"), "replay", 1, 1)

    async def play() -> list:
        await feed.describe()
        start = await feed.play(PlayRange(clock_ms=made[1].start_ms - 200))   # across the two S3 objects
        packets, deadline = [], time.monotonic() + 10
        while len(packets) < FPS and time.monotonic() < deadline:
            packets += await feed.next(1.0) or []
        return start, packets

    try:
        start, packets = asyncio.run(play())
    finally:
        feed.close()
    assert made[0].start_ms <= start.clock_ms <= made[1].start_ms and len(packets) >= FPS
    decoder = av.CodecContext.create("h264", "r")
    frames = [f for p in packets for f in decoder.decode(av.Packet(p.data))]
    assert len(frames) >= FPS - 2 and (frames[0].width, frames[0].height) == (160, 90)


def test_camtrace_export_of_slices_only_in_s3_plays(env):
    client, _node, made, _originals = env
    body = {"export": {"cameraId": 1, "from": format_iso_ms(made[0].start_ms + 1000),
                       "to": format_iso_ms(made[1].stop_ms - 1000)}}
    created = client.post("/api/v1.2/exports", json=body, auth=ADMIN)
    assert created.status_code == 201
    done = wait_export(client, ADMIN, created.json()["export"]["id"])
    assert done["p100"] == 100 and done["size"] > 0
    download = client.get(done["downloadUrl"], auth=ADMIN)
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive, archive.open(archive.namelist()[0]) as member, \
            av.open(member) as container:
        frames = list(container.decode(container.streams.video[0]))
    assert abs(len(frames) - 4 * FPS) <= FPS          # 4 s asked, from the keyframe before `from`


def test_recorded_still_from_s3(env):
    _client, node, made, _originals = env
    picture = node.stills.recorded_picture(node.store.cameras.get(1), made[1].start_ms + 1500)
    assert picture.size == (160, 90)
