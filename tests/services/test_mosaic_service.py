"""The mosaic service over a real store (both databases) and a FakeClock: levels cycle by their
durations from the first use; an override with a duration ends on time, one without lasts until
cancelled or the mosaic is modified; rights decide what is listed and changed; a deleted mosaic
loses its users' rights and its live state."""

import pytest

from camvault.app import Camvault
from camvault.config import CameraConfig, Config, DatabaseConfig, StorageConfig
from camvault.core.clock import FakeClock
from camvault.core.errors import BadRequest, Forbidden, NotFound
from camvault.core.model import Profile, User
from camvault.core.mosaics import Mosaic, MosaicElement, MosaicLevel
from camvault.services.cameras import CameraSpec

ADMIN = User(1, "admin", Profile.ADMIN)


@pytest.fixture
def node(tmp_path, database_url):
    cameras = [CameraConfig(id=i, name=f"Cam {i}", source="synthetic://?width=160&height=90", enabled=False)
               for i in (1, 2, 3, 4)]
    config = Config(storage=StorageConfig(data_dir=tmp_path / "data", min_free_bytes=0),
                    database=DatabaseConfig(url=database_url), cameras=cameras)
    node = Camvault(config, clock=FakeClock(), admin_password="pw")
    node.store.open()
    node.cameras.sync_config([CameraSpec.from_config(c) for c in cameras], seed_only=False)
    yield node
    node.store.close()


def cams(*ids) -> tuple[MosaicElement, ...]:
    return tuple(MosaicElement(position, camera_id=c, quality=1) for position, c in enumerate(ids) if c)


def two_levels() -> Mosaic:
    return Mosaic(0, "Hall", 1, 3, ((0, 1, 2),), (MosaicLevel("day", 5, cams(1, 2, 3)),
                                                 MosaicLevel("night", 3, cams(4, None, 1))))


def test_levels_cycle_from_the_first_use(node):
    mosaics, clock = node.mosaics, node.clock
    mid = mosaics.create(ADMIN, two_levels()).id
    clock.advance_s(100)                                          # not used yet: the cycle has not started
    assert mosaics.current_cameras(mid) == [1, 2, 3]
    seen = []
    for _ in range(9):
        clock.advance_s(1)
        seen.append(mosaics.current_cameras(mid))
    assert seen == [[1, 2, 3]] * 4 + [[4, 1]] * 3 + [[1, 2, 3]] * 2
    assert mosaics.current_cameras(9999) == []


def test_an_override_with_a_duration_ends_on_time(node):
    mosaics, clock = node.mosaics, node.clock
    mid = mosaics.create(ADMIN, two_levels()).id
    mosaics.override(ADMIN, mid, 1, camera_id=4, stream_id=1, duration_s=3)
    assert mosaics.current_cameras(mid) == [1, 4, 3]
    clock.advance_s(2.9)
    assert mosaics.current_cameras(mid) == [1, 4, 3]
    clock.advance_s(0.1)
    assert mosaics.current_cameras(mid) == [1, 2, 3]


def test_a_permanent_override_lasts_until_cancelled_or_the_mosaic_is_modified(node):
    mosaics, clock = node.mosaics, node.clock
    mid = mosaics.create(ADMIN, two_levels()).id
    mosaics.override(ADMIN, mid, 1, camera_id=3, stream_id=1)
    clock.advance_s(5)                                            # night: cell 1 was empty, the override shows
    assert mosaics.current_cameras(mid) == [4, 3, 1]
    clock.advance_s(3600)                                         # 3605 s = 450 cycles of 8 s + 5 s: night
    assert mosaics.current_cameras(mid) == [4, 3, 1]
    mosaics.override(ADMIN, mid, 1)                               # only the position: cancelled
    assert mosaics.current_cameras(mid) == [4, 1]
    mosaics.override(ADMIN, mid, 2, camera_id=2, stream_id=1)
    mosaics.modify(ADMIN, mid, {"name": "Hall 2"})                # configuration reloaded: no override, new cycle
    assert mosaics.current_cameras(mid) == [1, 2, 3]


def test_overrides_are_checked(node):
    mosaics = node.mosaics
    mid = mosaics.create(ADMIN, two_levels()).id
    for kwargs, key in [({"position": 3, "camera_id": 1, "stream_id": 1}, "mosaic_invalid_position"),
                        ({"position": 0, "camera_id": 1}, "mosaic_override_stream_required"),
                        ({"position": 0, "stream_id": 1}, "mosaic_camera_required"),
                        ({"position": 0, "camera_id": 9, "stream_id": 1}, "mosaic_unknown_camera"),
                        ({"position": 0, "camera_id": 1, "stream_id": 7}, "mosaic_unknown_stream"),
                        ({"position": 0, "camera_id": 1, "stream_id": 1, "duration_s": 0}, "invalid_integer")]:
        with pytest.raises(BadRequest) as caught:
            mosaics.override(ADMIN, mid, **kwargs)
        assert caught.value.key == key, kwargs
    with pytest.raises(NotFound):
        mosaics.override(ADMIN, mid + 1, 0)
    assert mosaics.current_cameras(mid) == [1, 2, 3]


def test_rights_filter_lists_and_guard_changes(node):
    mosaics, users = node.mosaics, node.users
    first, second = (mosaics.create(ADMIN, two_levels()).id for _ in range(2))
    users.create("vera", "pw", "consult", camera_ids=[1, 3])
    users.grant_object("vera", "mosaic", first, {"view"})
    vera = users.get(users.authenticate_password("vera", "pw").id)
    assert mosaics.visible_ids(vera) == {first} and mosaics.visible_ids(ADMIN) == {first, second}
    assert [m.id for m in mosaics.list_for(vera)] == [first]
    seen = mosaics.get_for(vera, first)
    assert [e.camera_id for e in seen.levels[0].elements] == [1, 3]    # camera 2 is not hers: its cell is empty
    with pytest.raises(Forbidden):
        mosaics.get_for(vera, second)
    with pytest.raises(NotFound):
        mosaics.get_for(vera, 9999)
    with pytest.raises(Forbidden):
        mosaics.modify_cycle(vera, first, (MosaicLevel("x", None, cams(1)),))
    with pytest.raises(Forbidden):
        mosaics.create(vera, two_levels())
    users.grant_object("vera", "mosaic", first, {"view", "edit"})
    vera = users.get(vera.id)
    assert [e.camera_id for e in mosaics.get_for(vera, first).levels[0].elements] == [1, 2, 3]   # an editor sees all
    changed = mosaics.modify_cycle(vera, first, (MosaicLevel("x", None, cams(3, 3)),))
    assert changed.levels == mosaics.get_for(ADMIN, first).levels and mosaics.current_cameras(first) == [3, 3]
    with pytest.raises(Forbidden):
        mosaics.delete(vera, first)


def test_a_deleted_mosaic_loses_rights_and_live_state(node):
    mosaics, users = node.mosaics, node.users
    mid = mosaics.create(ADMIN, two_levels()).id
    users.create("otto", "pw", "consult", camera_ids=[1])
    users.grant_object("otto", "mosaic", mid, {"view", "edit"})
    assert mosaics.exists(mid) and mosaics.shown(mid) is None          # not loaded until used
    mosaics.override(ADMIN, mid, 0, camera_id=2, stream_id=1)
    assert mosaics.shown(mid) is not None
    mosaics.delete(ADMIN, mid)
    assert not mosaics.exists(mid) and mosaics.shown(mid) is None and mosaics.current_cameras(mid) == []
    otto = users.get(users.authenticate_password("otto", "pw").id)
    assert not otto.may("mosaic", mid, "view") and otto.objects == {}
    with pytest.raises(NotFound):
        mosaics.delete(ADMIN, mid)


def test_a_deleted_camera_leaves_its_cells(node):
    mosaics = node.mosaics
    mid = mosaics.create(ADMIN, two_levels()).id
    node.store.cameras.delete(1)
    levels = mosaics.get_for(ADMIN, mid).levels
    assert [e.camera_id for e in levels[0].elements] == [2, 3] and [e.camera_id for e in levels[1].elements] == [4]
    with pytest.raises(BadRequest):
        mosaics.create(ADMIN, two_levels())                           # camera 1 is gone
