"""Recording service on real files and a real database: reconciliation after a crash or an outside
change, and retention by age and by free space (protected slices kept)."""

import pytest

from camvault.core.clock import FakeClock
from camvault.core.model import Camera, Slice, Stream
from camvault.services.recordings import RecordingService
from camvault.store.store import Store
from tests.support.media import record_packets

URL = "synthetic://?width=160&height=90&fps=10&gop=10&bitrate=100000&realtime=0"
DAY_MS = 86_400_000


@pytest.fixture
def store(database_url, tmp_path):
    s = Store(database_url, tmp_path / "data")
    s.open()
    s.cameras.upsert(Camera(1, "Cam", URL, "00000000-0000-0000-0000-000000000001", "SN1",
                            streams=(Stream(1, 1, URL, roles=("rrecord",)),)), created_ms=0)
    yield s
    s.close()


def service(store, clock, retention_days=None, min_free_bytes=0):
    return RecordingService(store, clock, retention_days=retention_days, min_free_bytes=min_free_bytes)


def test_reconcile_indexes_orphans_drops_ghosts_finishes_partials(store):
    clock = FakeClock()
    recordings = service(store, clock)
    made = record_packets(URL, store.media, packets=30, slice_max_s=1)        # 3 slices of 1 s
    made += record_packets(URL, store.media, packets=30, slice_max_s=5, wall_start_ms=made[-1].stop_ms)
    assert len(made) == 4
    indexed = [recordings.add_slice(s) for s in made[:2]]                   # made[2:] lost their rows
    store.slices.insert(made[0].__class__(**{**made[0].__dict__, "path": "slices/1/x/1.1-5-r.mkv", "start_ms": 5}))
    partial = store.media.absolute(made[3].path)                            # 3 clusters of 1 s
    truncated = partial.read_bytes()[: partial.stat().st_size * 3 // 4]
    partial.unlink()
    partial.with_name(partial.name + ".part").write_bytes(truncated)        # the slice open at a crash
    junk = store.media.absolute("slices/1/x/1.1-9-r.mkv.part")
    junk.parent.mkdir(parents=True, exist_ok=True)
    junk.write_bytes(b"not video")

    report = recordings.reconcile()
    assert (report.indexed_files, report.finished_partials, report.removed_partials, report.dropped_rows) == (1, 1, 1, 1)
    rows = store.slices.list(camera_ids=[1])
    assert [r.start_ms for r in rows] == [s.start_ms for s in made]
    assert {r.path for r in rows} == set(store.media.list_slice_files())
    salvaged = rows[-1]
    assert 1000 <= salvaged.stop_ms - salvaged.start_ms < 3000
    assert rows[0].id == indexed[0].id
    assert recordings.reconcile().indexed_files == 0                         # idempotent


def test_retention_prunes_by_age_and_keeps_protected(store):
    clock = FakeClock(start_ms=1_700_000_000_000 + 40 * DAY_MS)
    recordings = service(store, clock, retention_days=30)
    made = [recordings.add_slice(s) for s in record_packets(URL, store.media, packets=30, slice_max_s=1)]
    store.slices.set_protected([made[0].id], True)
    pruned = recordings.prune_once()
    assert {s.id for s in pruned} == {made[1].id, made[2].id}
    assert [s.id for s in store.slices.list(camera_ids=None)] == [made[0].id]
    assert not store.media.absolute(made[1].path).exists()
    assert store.media.absolute(made[0].path).exists()
    assert store.slices.garbage_paths() == []


def test_retention_frees_space_oldest_first_skipping_protected(store):
    clock = FakeClock(start_ms=1_700_000_000_000)
    made = [service(store, clock).add_slice(s) for s in record_packets(URL, store.media, packets=40, slice_max_s=1)]
    store.slices.set_protected([made[0].id], True)
    # ask for far more free space than the disk has (robust to other processes freeing space):
    # every unprotected slice goes, oldest first
    recordings = service(store, clock, min_free_bytes=store.media.free_bytes() + 10**12)
    pruned = recordings.prune_once()
    assert [s.id for s in pruned] == [s.id for s in made[1:]]
    assert store.media.absolute(made[0].path).exists()
    assert not any(store.media.absolute(s.path).exists() for s in pruned)


def test_retention_never_touches_recent_slices_when_space_is_fine(store):
    clock = FakeClock(start_ms=1_700_000_000_000 + DAY_MS)
    recordings = service(store, clock, retention_days=30)
    for s in record_packets(URL, store.media, packets=20, slice_max_s=1):
        recordings.add_slice(s)
    assert recordings.prune_once() == []


def test_reconcile_drops_many_vanished_rows_in_batches_but_keeps_a_vanished_index(store):
    recordings = service(store, FakeClock())
    for i in range(1200):
        path = f"slices/1/x/1.1-{i}-r.mkv"
        store.slices.insert(Slice(0, 1, 1, i, i + 1, "r", 1, path))
        if i % 2:
            file = store.media.absolute(path)
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_bytes(b"")
    assert recordings.reconcile().dropped_rows == 600          # half missing: dropped, in batches
    assert len(store.slices.list(camera_ids=[1], limit=10_000)) == 600
    for path in store.media.list_slice_files():                 # now the whole folder vanishes
        store.media.unlink(path)
    report = recordings.reconcile()
    assert report.dropped_rows == 0
    assert len(store.slices.list(camera_ids=[1], limit=10_000)) == 600
