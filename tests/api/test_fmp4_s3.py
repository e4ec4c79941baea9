"""Recorded playback as fMP4 of slices that live only in S3 (uploaded to a real SeaweedFS, local
files removed: keep_local_s 0): the remux reads them through their signed URLs. SQLite."""

from __future__ import annotations

import io
import time

import av
import pytest
from fastapi.testclient import TestClient

from camvault.api.http import build_http_app
from camvault.app import Camvault
from camvault.config import CameraConfig, Config, DatabaseConfig, StorageConfig
from tests.support.recordings import FPS, record_indexed
from tests.support.s3 import SeaweedS3

ADMIN = ("admin", "admin-pw")


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    root = tmp_path_factory.mktemp("fmp4s3")
    s3 = SeaweedS3(root / "s3").start()
    cameras = [CameraConfig(id=1, name="Cam 1", source="synthetic://?width=160&height=90&fps=5", enabled=False)]
    config = Config(storage=StorageConfig(data_dir=root / "data", min_free_bytes=0,
                                          s3=s3.config(s3.new_bucket(), keep_local_s=0)),
                    database=DatabaseConfig(url=f"sqlite:///{root / 'camvault.db'}"), cameras=cameras)
    node = Camvault(config, admin_password=ADMIN[1])
    try:
        with TestClient(build_http_app(node, announce=lambda _m: None)) as client:
            made = record_indexed(node, seconds=4, slice_max_s=2)
            deadline = time.monotonic() + 20
            while len(node.store.uploads.rows()) < len(made) or not all(
                    r.local_removed for r in node.store.uploads.rows()):
                assert time.monotonic() < deadline, "slices not uploaded and removed locally in time"
                time.sleep(0.05)
            assert not any(node.store.media.absolute(s.path).exists() for s in made)
            yield client, made
    finally:
        s3.stop()


def test_slices_only_in_s3_play_across_their_boundary(env):
    client, made = env
    start, end = made[0].start_ms + 500, made[-1].stop_ms
    answer = client.get(f"/api/v1.2/playback/1.1.mp4?from={start}&to={end}", auth=ADMIN)
    assert answer.status_code == 200, answer.text
    start_ms = int(answer.headers["x-start-ms"])
    assert start_ms == made[0].start_ms
    with av.open(io.BytesIO(answer.content)) as container:
        walls = [start_ms + float(f.pts * f.time_base) * 1000 for f in container.decode(video=0)]
    assert walls[-1] >= made[-1].start_ms + 1000                # frames from the second slice too
    assert {round(b - a) for a, b in zip(walls, walls[1:])} == {1000 // FPS}
