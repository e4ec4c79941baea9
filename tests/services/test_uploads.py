"""Slice upload to a real SeaweedFS: recorded slices are uploaded oldest first with measured
metrics, a restart in the middle loses nothing and uploads nothing twice, an unreachable endpoint
is retried with growing delays until it comes back, and retention deletes objects with slices.
One S3 server per module; nodes on SQLite (the queue's queries run on both databases in
tests/store/test_object_store.py)."""

from __future__ import annotations

import logging
import time

import pytest

from camvault.app import Camvault
from camvault.config import CameraConfig, Config, DatabaseConfig, StorageConfig
from camvault.store.uploads import UPLOADED
from tests.support.recordings import record_indexed
from tests.support.s3 import SeaweedS3

ADMIN_PASSWORD = "admin-pw"


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    server = SeaweedS3(tmp_path_factory.mktemp("s3")).start()
    yield server
    server.stop()


def make_node(tmp_path, s3_config) -> Camvault:
    cameras = [CameraConfig(id=1, name="Cam 1", source="synthetic://?width=160&height=90&fps=5", enabled=False)]
    config = Config(storage=StorageConfig(data_dir=tmp_path / "data", min_free_bytes=0, s3=s3_config),
                    database=DatabaseConfig(url=f"sqlite:///{tmp_path / 'camvault.db'}"), cameras=cameras)
    return Camvault(config, admin_password=ADMIN_PASSWORD)


def wait_for(condition, timeout_s: float = 20, what: str = "condition"):
    deadline = time.monotonic() + timeout_s
    while not (found := condition()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
    return found


def test_recorded_slices_are_uploaded_with_measured_metrics(s3, tmp_path):
    bucket = s3.new_bucket()
    node = make_node(tmp_path, s3.config(bucket, key_prefix="n1/"))
    node.start()
    try:
        made = record_indexed(node, seconds=6, slice_max_s=2)
        wait_for(lambda: node.uploads.metrics(1).backlog_slices == 0, what="an empty backlog")
        rows = node.store.uploads.rows()
        assert [(r.path, r.state, r.size_bytes) for r in rows] == [(s.path, UPLOADED, s.size_bytes) for s in made]
        assert sorted(S3(s3, bucket).sizes().items()) == sorted((f"n1/{s.path}", s.size_bytes) for s in made)
        metrics = node.uploads.metrics(1)
        last = max(rows, key=lambda r: r.uploaded_at_ms)
        now_ms = time.time_ns() // 1_000_000
        assert metrics.last_upload_bytes == last.size_bytes == next(s.size_bytes for s in made if s.path == last.path)
        assert metrics.last_uploaded_at_ms == last.uploaded_at_ms and now_ms - 30_000 < last.uploaded_at_ms <= now_ms
        # the synthetic slices were recorded "an hour ago": slice end -> upload done is about that
        assert metrics.latency_ms == last.uploaded_at_ms - last.stop_ms and 3_500_000 < metrics.latency_ms < 3_700_000
        assert 0 < metrics.last_upload_ms < 10_000
        busy_ms = sum(r.upload_ms for r in rows)
        assert metrics.transmit_rate_bytes_per_s == pytest.approx(sum(r.size_bytes for r in rows) * 1000 / busy_ms)
        assert node.uploads.metrics(2).backlog_slices == 0 and node.uploads.metrics(2).latency_ms is None
        assert all(node.store.media.absolute(s.path).is_file() for s in made)      # keep_local_s null: kept
    finally:
        node.stop()


def test_a_restart_in_the_middle_loses_nothing_and_uploads_nothing_twice(s3, tmp_path, caplog):
    bucket = s3.new_bucket()
    config = s3.config(bucket, keep_local_s=0)
    node = make_node(tmp_path, config)
    node.start()
    node.upload_worker.stop()                       # the queue fills while nothing uploads
    made = record_indexed(node, seconds=10, slice_max_s=2)
    assert node.uploads.metrics(1).backlog_slices == 5
    assert node.uploads.step() and node.uploads.step()               # two uploads, then "the crash":
    third = made[2]                                                  # third's PUT done, its row not yet marked
    S3(s3, bucket).client.upload_file(str(node.store.media.absolute(third.path)), bucket, third.path)
    node.stop()
    before = {r.path: r for r in node.store.uploads.rows() if r.state == UPLOADED}
    assert sorted(before) == sorted(s.path for s in made[:2])

    caplog.set_level(logging.INFO, logger="camvault.services.uploads")
    again = make_node(tmp_path, config)
    again.start()
    try:
        wait_for(lambda: again.uploads.metrics(1).backlog_slices == 0, what="the rest of the queue")
        wait_for(lambda: all(r.local_removed for r in again.store.uploads.rows()), what="local copies removed")
        rows = again.store.uploads.rows()
        assert sorted(r.path for r in rows) == sorted(s.path for s in made)
        assert all(r.state == UPLOADED for r in rows)
        for path, row in before.items():                             # not uploaded again after the restart
            assert next(r for r in rows if r.path == path).uploaded_at_ms == row.uploaded_at_ms
        assert sorted(S3(s3, bucket).sizes().items()) == sorted((s.path, s.size_bytes) for s in made)
        assert sum("already uploaded" in r.getMessage() and third.path in r.getMessage() for r in caplog.records) == 1
        assert not any(again.store.media.absolute(s.path).exists() for s in made)
    finally:
        again.stop()
    # a restart with every slice only in S3: reconciliation keeps their rows
    last = make_node(tmp_path, config)
    last.start()
    try:
        assert len(last.store.slices.list(camera_ids=None)) == len(made)
        assert last.uploads.metrics(1).backlog_slices == 0
    finally:
        last.stop()


def test_unreachable_endpoint_backs_off_then_uploads_when_it_comes_back(tmp_path, caplog):
    later = SeaweedS3(tmp_path / "later")                      # its port is chosen; it does not run yet
    caplog.set_level(logging.WARNING, logger="camvault.services.uploads")
    node = make_node(tmp_path, later.config("later-bucket", retry_initial_s=0.2, retry_max_s=0.8))
    node.start()
    try:
        (made,) = record_indexed(node, seconds=2, slice_max_s=2)
        row = wait_for(lambda: next((r for r in node.store.uploads.rows() if r.attempts >= 4), None),
                       what="four failed attempts")
        failures = [r.getMessage() for r in caplog.records if "upload of slice" in r.getMessage()]
        assert len(failures) >= 4 and all(made.path in f for f in failures)
        delays = [float(f.split("next try in ")[1].split(" s")[0]) for f in failures[:4]]
        assert delays == [0.2, 0.4, 0.8, 0.8]                   # doubling, capped at retry_max_s
        assert node.uploads.metrics(1).backlog_slices == 1 and row.state != UPLOADED
        later.start()
        later.new_bucket("later-bucket")
        wait_for(lambda: node.uploads.metrics(1).backlog_slices == 0, what="the upload after the outage")
        assert S3(later, "later-bucket").sizes() == {made.path: made.size_bytes}
    finally:
        node.stop()
        later.stop()


def test_deleting_a_slice_deletes_its_object_but_not_a_protected_ones(s3, tmp_path):
    bucket = s3.new_bucket()
    node = make_node(tmp_path, s3.config(bucket))
    node.start()
    try:
        first, second = record_indexed(node, seconds=4, slice_max_s=2)
        wait_for(lambda: node.uploads.metrics(1).backlog_slices == 0, what="uploads")
        node.store.slices.set_protected([second.id], True)
        node.recordings.remove(first)
        wait_for(lambda: set(S3(s3, bucket).sizes()) == {second.path}, what="the deleted slice's object gone")
        assert [r.path for r in node.store.uploads.rows()] == [second.path]
        assert node.recordings.prune_once() == []              # the protected one stays, with its object
    finally:
        node.stop()


class S3:
    """The bucket as an independent client sees it."""

    def __init__(self, server: SeaweedS3, bucket: str) -> None:
        self.client = server.client()
        self.bucket = bucket

    def sizes(self) -> dict[str, int]:
        listed = self.client.list_objects_v2(Bucket=self.bucket).get("Contents", [])
        return {item["Key"]: item["Size"] for item in listed}

