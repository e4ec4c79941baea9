"""The object store against a real SeaweedFS S3 server (put, head, ranged reads, signed URLs read
with Range by an HTTP client, delete, listing, errors), and the upload queue repository on both
databases (order, state guards, recovery queries)."""

from __future__ import annotations

import os

import httpx
import pytest

from camvault.config import S3Config
from camvault.core.model import Slice
from camvault.store.db import make_engine, migrate
from camvault.store.object_store import (
    MULTIPART_THRESHOLD_BYTES,
    ObjectStoreError,
    S3ObjectStore,
)
from camvault.store.slices import SliceRepo
from camvault.store.uploads import DELETING, QUEUED, UPLOADED, UploadRepo
from tests.support.s3 import SeaweedS3, free_port


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    server = SeaweedS3(tmp_path_factory.mktemp("s3")).start()
    yield server
    server.stop()


@pytest.fixture
def objects(s3):
    return S3ObjectStore(s3.config(s3.new_bucket(), key_prefix="node1/"))


def test_put_head_ranged_read_url_delete(objects, tmp_path):
    data = os.urandom(300_000)
    local = tmp_path / "slice.mkv"
    local.write_bytes(data)
    key = objects.key_for("slices/1/a.mkv")
    assert key == "node1/slices/1/a.mkv"
    assert objects.head_size(key) is None
    objects.put_file(key, local)
    assert objects.head_size(key) == len(data)
    assert b"".join(objects.read_range(key, 1000, 270_999)) == data[1000:271_000]
    answer = httpx.get(objects.url(key), headers={"Range": "bytes=10-19"})
    assert answer.status_code == 206 and answer.content == data[10:20]
    assert objects.list_keys() == [key]
    objects.delete(key)
    objects.delete(key)                                   # already gone: fine
    assert objects.head_size(key) is None and objects.list_keys() == []


def test_big_files_go_in_parts_and_arrive_whole(objects, tmp_path):
    data = os.urandom(MULTIPART_THRESHOLD_BYTES + 1_000_000)
    local = tmp_path / "big.mkv"
    local.write_bytes(data)
    objects.put_file("big", local)
    assert objects.head_size("big") == len(data)
    assert b"".join(objects.read_range("big", len(data) - 100, len(data) - 1)) == data[-100:]


def test_unreachable_endpoint_and_bad_keys_are_object_store_errors(s3, tmp_path):
    local = tmp_path / "x"
    local.write_bytes(b"x")
    down = S3ObjectStore(S3Config(endpoint_url=f"http://127.0.0.1:{free_port()}", bucket="nope", access_key="a",
                                  secret_key="b"), timeout_s=2)
    with pytest.raises(ObjectStoreError):
        down.put_file("k", local)
    with pytest.raises(ObjectStoreError):
        down.head_size("k")
    forged = S3ObjectStore(S3Config(endpoint_url=s3.endpoint_url, bucket=s3.new_bucket(), access_key="who",
                                    secret_key="knows"))
    with pytest.raises(ObjectStoreError):
        forged.put_file("k", local)


# --- the queue, on SQLite and PostgreSQL ---------------------------------------------------------
@pytest.fixture
def repos(database_url):
    engine = make_engine(database_url)
    migrate(engine)
    yield SliceRepo(engine), UploadRepo(engine)
    engine.dispose()


def _slice(n: int, camera_id: int = 1, stop_ms: int | None = None) -> Slice:
    return Slice(0, camera_id, 1, n * 1000, stop_ms if stop_ms is not None else n * 1000 + 1000, "r", 100 + n,
                 f"slices/{camera_id}/{n}.mkv")


def test_queue_order_states_and_recovery(repos):
    slices, uploads = repos
    old, new, other = slices.insert(_slice(2)), slices.insert(_slice(1)), slices.insert(_slice(3, camera_id=2))
    assert uploads.enqueue(old, 50) and uploads.enqueue(new, 50)
    assert not uploads.enqueue(old, 60)                                   # one row per slice
    assert uploads.enqueue_missing(70) == 1                               # `other` was never queued
    assert uploads.enqueue_missing(80) == 0
    first = uploads.next_due(100)
    assert first.slice_id == new.id and first.state == QUEUED             # oldest stop first
    assert uploads.next_due(100, skip_slice_ids=[new.id]).slice_id == old.id
    uploads.mark_failed(first.id, next_try_ms=5000)
    assert uploads.next_due(100).slice_id == old.id and uploads.next_try_ms() == 50
    assert [r.attempts for r in uploads.rows() if r.slice_id == new.id] == [1]
    assert (uploads.backlog(1), uploads.backlog(2)) == (2, 1)

    row = uploads.next_due(100)
    assert uploads.mark_uploaded(row.id, "k/old", uploaded_at_ms=3000, upload_ms=40)
    assert not uploads.mark_uploaded(row.id, "k/old", uploaded_at_ms=3001, upload_ms=40)   # not queued any more
    assert uploads.object_key(old.id) == "k/old" and uploads.object_key(new.id) is None
    assert uploads.uploaded_paths() == {old.path}
    assert uploads.backlog(1) == 1
    assert [r.slice_id for r in uploads.latest_uploads(1, since_ms=0, limit=10)] == [old.id]
    assert [r.slice_id for r in uploads.latest_uploads(1, since_ms=10_000, limit=10)] == [old.id]  # at least one
    assert [r.slice_id for r in uploads.local_removable(3000, 10)] == [old.id]
    assert uploads.local_removable(2999, 10) == []
    uploads.mark_local_removed(row.id)
    assert uploads.local_removable(3000, 10) == []

    uploads.mark_deleting([new.id])
    slices.move_to_garbage([other], 0)                                   # deleted without the hook (a crash)
    assert uploads.mark_orphans_deleting() == 1
    assert sorted(r.slice_id for r in uploads.deleting(10)) == sorted([new.id, other.id])
    assert not uploads.mark_uploaded(uploads.deleting(10)[0].id, "k", 1, 1)   # deleting wins over a late upload
    for r in uploads.deleting(10):
        uploads.forget(r.id)
    assert [(r.slice_id, r.state) for r in uploads.rows()] == [(old.id, UPLOADED)]
    assert DELETING not in {r.state for r in uploads.rows()}
