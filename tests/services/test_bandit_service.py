"""Bandit service over real recorded slices (synthetic camera, camvault's recorder), real JPEG files
and a real database (SQLite: the SQL itself runs on both backends in tests/store/test_bandit_store.py):
sessions, every item field, the integrity check, rights, deleting, pictures and the status."""

import io
import os
import shutil

import av
import pytest
from PIL import Image

from camvault.app import Camvault
from camvault.config import CameraConfig, Config, DatabaseConfig, PositionConfig, StorageConfig
from camvault.core import bandit as rules
from camvault.core.errors import BadRequest, Conflict, Forbidden, NotFound
from camvault.core.model import CameraRight, Profile, User
from camvault.services.cameras import CameraSpec
from tests.support.bandit import add_alarm, add_snapshot
from tests.support.recordings import recent_start_ms, record_indexed

ADMIN = User(1, "admin", Profile.ADMIN)
READER = User(2, "reader", Profile.CONSULT, rights={1: CameraRight(1, records=True)})
VIEWER = User(3, "viewer", Profile.CONSULT, rights={1: CameraRight(1, records=False)})
KEEPER = User(4, "keeper", Profile.PROTECTION, rights={1: CameraRight(1, records=True)})
ALL = rules.Paging(count=100)


@pytest.fixture
def node(tmp_path, sqlite_template):
    shutil.copy(sqlite_template, tmp_path / "camvault.db")
    cameras = [CameraConfig(id=1, name="Cam 1", source="synthetic://?width=160&height=90", enabled=False),
               CameraConfig(id=2, name="Cam 2", source="synthetic://?width=160&height=90", enabled=False,
                            position=PositionConfig(lat_deg=44.715513732021364, lon_deg=20.63232421875))]
    config = Config(storage=StorageConfig(data_dir=tmp_path / "data", min_free_bytes=0),
                    database=DatabaseConfig(url=f"sqlite:///{tmp_path / 'camvault.db'}"), cameras=cameras)
    built = Camvault(config)
    built.store.open()
    built.cameras.sync_config([CameraSpec.from_config(c) for c in cameras], seed_only=False)
    yield built
    built.store.close()


def test_a_run_of_three_slices_is_one_session_and_a_gap_or_a_type_starts_another(node):
    t0 = recent_start_ms()
    run = record_indexed(node, seconds=6, slice_max_s=2, start_ms=t0)
    later = record_indexed(node, seconds=2, slice_max_s=2, start_ms=run[-1].stop_ms + 5000)
    alarm_rec = record_indexed(node, seconds=2, slice_max_s=2, start_ms=t0 + 1000, slice_type="a")
    for at in (t0 + 1000, t0 + 5500, run[-1].stop_ms + 20_000):
        add_alarm(node, 1, at, picture=False)
    listing = node.bandit.video_sessions(ADMIN, None, ALL)
    assert listing.total == 3 and [i.number_of_files for i in listing.items] == [3, 1, 1]
    first, alarmed, second = listing.items
    head = run[0]
    assert first.id == rules.video_id(head) == f"1.1-{t0}-r"
    assert first.path == f"/CAM0001/{rules.video_file_name(head)}" and first.created == rules.iso_created(t0)
    assert (first.size_bytes, first.length_secs) == (head.size_bytes, 2.0)                    # the first file
    assert (first.session_size_bytes, first.session_length_secs) == (sum(s.size_bytes for s in run), 6.0)
    assert (first.mode, first.resolution, first.framerate_fps, first.aspect_ratio, first.is_valid) == (
        "normal", "wvga", 10, "16/9", True)
    assert first.nr_highlights == 2
    assert (alarmed.id, alarmed.mode, alarmed.nr_highlights) == (rules.video_id(alarm_rec[0]), "highlight", 1)
    assert (second.id, second.nr_highlights) == (rules.video_id(later[0]), 0)
    files = node.bandit.video_files(ADMIN, 1, ALL)
    assert files.total == 5 and [f.nr_highlights for f in files.items] == [1, 1, 0, 1, 0]
    assert all(f.number_of_files is None for f in files.items)


def test_is_valid_is_a_real_check_of_each_file(node):
    t0 = recent_start_ms()
    made = [record_indexed(node, seconds=2, slice_max_s=2, start_ms=t0 + n * 60_000)[0] for n in range(4)]
    paths = [node.store.media.absolute(s.path) for s in made]
    assert [i.is_valid for i in node.bandit.video_files(ADMIN, None, ALL).items] == [True] * 4
    data = paths[0].read_bytes()
    paths[0].write_bytes(data[: len(data) * 2 // 3])                             # truncated
    middle = paths[1].stat().st_size // 2
    _overwrite(paths[1], middle, os.urandom(3000))                               # damaged in the middle
    position, size = _first_keyframe(paths[2])
    _overwrite(paths[2], position + size // 2, os.urandom(200))                  # first keyframe damaged
    for path in paths[1:3]:                                                      # same size: a new mtime
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    assert [i.is_valid for i in node.bandit.video_files(ADMIN, None, ALL).items] == [False, False, False, True]
    paths[3].unlink()
    assert node.bandit.video(ADMIN, None, rules.video_id(made[3])).is_valid is False


def test_records_right_scopes_what_a_user_sees(node):
    t0 = recent_start_ms()
    record_indexed(node, seconds=2, slice_max_s=2, start_ms=t0, camera_id=1)
    record_indexed(node, seconds=2, slice_max_s=2, start_ms=t0, camera_id=2)
    record_indexed(node, seconds=2, slice_max_s=2, start_ms=t0, camera_id=9)     # a camera since removed
    assert node.bandit.video_sessions(ADMIN, None, ALL).total == 3
    assert [i.id for i in node.bandit.video_sessions(READER, None, ALL).items] == [f"1.1-{t0}-r"]
    assert node.bandit.video_sessions(VIEWER, None, ALL).total == 0
    with pytest.raises(Forbidden):
        node.bandit.video_sessions(VIEWER, 1, ALL)
    with pytest.raises(Forbidden):
        node.bandit.video_sessions(READER, 2, ALL)
    with pytest.raises(NotFound):
        node.bandit.video_sessions(ADMIN, 9, ALL)
    with pytest.raises(Forbidden):
        node.bandit.video(READER, None, f"2.1-{t0}-r")
    with pytest.raises(NotFound):
        node.bandit.video(ADMIN, 1, f"2.1-{t0}-r")                               # not of the scoped camera


def test_delete_is_refused_for_protected_slices_and_removes_the_file_otherwise(node):
    t0 = recent_start_ms()
    kept, doomed = record_indexed(node, seconds=4, slice_max_s=2, start_ms=t0)
    node.store.slices.set_protected([kept.id], True)
    with pytest.raises(Forbidden):
        node.bandit.delete_video(KEEPER, None, rules.video_id(kept))
    with pytest.raises(Forbidden):
        node.bandit.delete_video(READER, None, rules.video_id(doomed))          # consult may not delete
    node.recordings.hooks.keep.append(lambda: {doomed.id})
    with pytest.raises(Conflict):
        node.bandit.delete_video(KEEPER, None, rules.video_id(doomed))          # an export is reading it
    node.recordings.hooks.keep.clear()
    node.bandit.delete_video(KEEPER, None, rules.video_id(doomed))
    assert not node.store.media.absolute(doomed.path).exists()
    assert node.store.media.absolute(kept.path).exists()
    assert [i.id for i in node.bandit.video_files(ADMIN, None, ALL).items] == [rules.video_id(kept)]
    assert node.store.slices.garbage_paths() == []
    with pytest.raises(NotFound):
        node.bandit.delete_video(KEEPER, None, rules.video_id(doomed))


def test_pictures_of_a_video_at_an_offset(node):
    made = record_indexed(node, seconds=4, slice_max_s=4, start_ms=recent_start_ms())[0]
    vid = rules.video_id(made)
    start = node.bandit.video_picture(ADMIN, None, vid, 0, thumbnail=False)
    later = node.bandit.video_picture(ADMIN, None, vid, 3.5, thumbnail=True)
    with Image.open(io.BytesIO(start)) as a, Image.open(io.BytesIO(later)) as b:
        assert a.size == b.size == (160, 90)
        assert a.convert("L").tobytes() != b.convert("L").tobytes()    # the clock moved
    for bad in (-0.1, 4.01):
        with pytest.raises(BadRequest):
            node.bandit.video_picture(ADMIN, None, vid, bad, thumbnail=True)


def test_image_sessions_singles_bursts_and_positions(node):
    t0 = recent_start_ms()
    single = add_snapshot(node, 1, t0)
    alarm = add_alarm(node, 2, t0 + 1000, end_ms=t0 + 9000)
    during = add_snapshot(node, 2, t0 + 4000, width=160, height=120)
    sessions = node.bandit.image_sessions(ADMIN, None, ALL)
    assert sessions.total == 2
    one, burst = sessions.items
    assert (one.id, one.mode, one.number_of_files, one.lat_deg, one.order) == (f"snapshot-{single.id}", "single", 1,
                                                                               None, None)
    assert (one.resolution, one.aspect_ratio, one.is_valid) == ("0.3MP", "16/9", True)
    assert one.size_bytes == node.store.media.size(single.path) and one.created == rules.iso_created(t0)
    assert one.path == f"/CAM0001/{rules.image_file_name('snapshot', 1, t0, single.id)}"
    assert (burst.id, burst.mode, burst.number_of_files, burst.order, burst.total) == (f"alarm-{alarm.id}", "burst",
                                                                                       2, 1, 2)
    assert (burst.lat_deg, burst.lon_deg) == (44.715513732021364, 20.63232421875)
    assert (burst.resolution, burst.aspect_ratio) == ("0.9MP", "16/9")
    files = node.bandit.image_files(ADMIN, 2, ALL)
    assert [(f.id, f.mode, f.order, f.total, f.number_of_files) for f in files.items] == [
        (f"alarm-{alarm.id}", "burst", 1, 2, None), (f"snapshot-{during.id}", "burst", 2, 2, None)]
    assert files.items[1].aspect_ratio == "4/3"
    node.store.media.absolute(single.path).write_bytes(node.store.media.read_file(single.path)[:500])
    assert node.bandit.image(ADMIN, None, f"snapshot-{single.id}").is_valid is False


def test_deleting_images(node):
    t0 = recent_start_ms()
    alarm = add_alarm(node, 1, t0, end_ms=t0 + 5000)
    during = add_snapshot(node, 1, t0 + 1000)
    with pytest.raises(Forbidden):
        node.bandit.delete_image(READER, None, f"alarm-{alarm.id}")
    node.bandit.delete_image(KEEPER, None, f"alarm-{alarm.id}")
    assert node.store.alarms.get(alarm.id).snapshot is None                    # the alarm stays, its picture goes
    assert not node.store.media.absolute(alarm.snapshot).exists()
    assert [(i.id, i.mode) for i in node.bandit.image_sessions(ADMIN, None, ALL).items] == [
        (f"snapshot-{during.id}", "single")]
    node.bandit.delete_image(KEEPER, 1, f"snapshot-{during.id}")
    assert node.store.snapshots.get(during.id) is None and not node.store.media.absolute(during.path).exists()
    with pytest.raises(NotFound):
        node.bandit.image(ADMIN, None, f"snapshot-{during.id}")


def test_status_from_node_data(node):
    empty = node.bandit.status(ADMIN, 1)
    assert (empty.recording_active, empty.recording_secs, empty.remaining_time_secs, empty.has_position) == (
        False, 0, -1, False)
    assert 0 < empty.memory_free_bytes <= empty.memory_total_bytes
    assert empty.remaining_photos == empty.memory_free_bytes // 200_000        # no still yet: 200 kB each
    record_indexed(node, seconds=2, slice_max_s=2, start_ms=node.clock.now_ms() - 60_000)
    add_snapshot(node, 2, node.clock.now_ms())
    status = node.bandit.status(ADMIN, 2)
    assert status.has_position and status.remaining_time_secs > 0
    assert status.remaining_photos > empty.remaining_photos                     # a small JPEG, more fit


def _overwrite(path, offset, data):
    with open(path, "r+b") as handle:
        handle.seek(offset)
        handle.write(data)


def _first_keyframe(path):
    with av.open(str(path)) as container:
        packet = next(p for p in container.demux(video=0) if p.is_keyframe and p.size)
        return packet.pos, packet.size


@pytest.mark.parametrize(("lat", "lon"), [(10.0, None), (None, 10.0), (91.0, 0.0), (0.0, 180.5)])
def test_a_camera_position_needs_both_coordinates_in_range(node, lat, lon):
    with pytest.raises(BadRequest):
        node.cameras.create(ADMIN, CameraSpec(name="Roof", source="synthetic://", enabled=False, lat_deg=lat,
                                              lon_deg=lon))
