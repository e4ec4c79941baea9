"""Repositories on a real database, run on SQLite and on PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from camvault.core.model import Camera, CameraRight, ConnectionEvent, Profile, Slice, Stream
from camvault.store.tables import metadata


def camera(cam_id, name="Cam", streams=1):
    return Camera(id=cam_id, name=name, source="synthetic://", uuid=f"00000000-0000-0000-0000-{cam_id:012d}",
                  serial_number=f"SN{cam_id}", streams=tuple(
                      Stream(cam_id, i, "synthetic://", roles=("rrecord",), quality=4 - i) for i in range(1, streams + 1)))


def sl(cam, start, stop, kind="r", stream=1, protected=False):
    return Slice(0, cam, stream, start, stop, kind, 1000, f"slices/{cam}/x/{cam}.{stream}-{start}-{kind}.mkv", protected)


def test_migrations_create_exactly_the_declared_schema(store):
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_migrating_twice_is_harmless(store):
    store.open()


def test_camera_upsert_keeps_measured_media(store):
    store.cameras.upsert(camera(1, streams=2), created_ms=1)
    store.cameras.set_stream_media(1, 1, "H264", 1920, 1080)
    store.cameras.upsert(camera(1, name="Renamed", streams=2), created_ms=2)
    got = store.cameras.get(1)
    assert got.name == "Renamed"
    assert (got.streams[0].encoding, got.streams[0].width) == ("H264", 1920)
    assert [s.stream_id for s in got.streams] == [1, 2]
    assert store.cameras.next_id() == 2
    store.cameras.delete(1)
    assert store.cameras.get(1) is None and store.cameras.list() == []


def test_slices_filter_by_camera_time_type_and_page(store):
    for cam in (1, 2):
        for i in range(5):
            store.slices.insert(sl(cam, i * 1000, i * 1000 + 999, "a" if i == 4 else "r"))
    assert len(store.slices.list(camera_ids=None)) == 10
    assert [s.start_ms for s in store.slices.list(camera_ids=[2], from_ms=1500, to_ms=3000)] == [1000, 2000, 3000]
    assert [s.start_ms for s in store.slices.list(camera_ids=[1], slice_type="a")] == [4000]
    page = store.slices.list(camera_ids=[1, 2], limit=3, offset=4)
    assert [(s.camera_id, s.start_ms) for s in page] == [(1, 4000), (2, 0), (2, 1000)]
    found = store.slices.find(2, 3000, "r")
    assert found.camera_id == 2 and found.stop_ms == 3999
    assert store.slices.find(2, 3000, "a") is None


def test_garbage_list_removes_rows_atomically(store):
    kept = store.slices.insert(sl(1, 0, 999, protected=True))
    doomed = [store.slices.insert(sl(1, 1000, 1999)), store.slices.insert(sl(1, 2000, 2999))]
    assert [s.id for s in store.slices.oldest(limit=10)] == [d.id for d in doomed]
    paths = store.slices.move_to_garbage(doomed, now_ms=5)
    assert sorted(store.slices.garbage_paths()) == sorted(paths)
    assert [s.id for s in store.slices.list(camera_ids=None)] == [kept.id]
    store.slices.forget_garbage(paths)
    assert store.slices.garbage_paths() == []


def test_users_rights_and_connections(store):
    store.cameras.upsert(camera(1), created_ms=1)
    uid = store.users.insert("bob", Profile.CONSULT, "$2b$10$x", "0" * 32, now_ms=1)
    store.users.set_rights(uid, [CameraRight(1, live=True, records=False)])
    bob = store.users.get_by_name("bob")
    assert bob.profile is Profile.CONSULT and bob.rights[1].records is False
    with pytest.raises(LookupError):
        store.users.set_rights(uid, [CameraRight(99)])
    store.connections.add(ConnectionEvent(1, 1, True, 10, "ok"))
    store.connections.add(ConnectionEvent(1, 1, False, 20, "gone"))
    assert [e.connected for e in store.connections.list(camera_ids=[1])] == [False, True]
