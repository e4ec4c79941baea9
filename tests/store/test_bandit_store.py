"""The Bandit queries on a real database, on SQLite and on PostgreSQL: sessions found in SQL agree
with the pure rule, paging and order, image bursts, and the camera position columns (0016)."""

import random

import pytest

from camvault.core import bandit as rules
from camvault.core.alarms import Alarm
from camvault.core.model import Camera, Slice, Snapshot
from camvault.store.bandit import BanditQueries

T0 = 1_700_000_000_000
OPEN_MS = rules.OPEN_ALARM_BURST_MS


def sl(cam, start, stop, kind="r", stream=1, size=1000):
    return Slice(0, cam, stream, start, stop, kind, size, f"slices/{cam}/x/{cam}.{stream}-{start}-{kind}.mkv")


def random_slices(seed=16):
    """Runs on 3 cameras, 2 streams, both types, with holes around the tolerance and overlaps."""
    rng = random.Random(seed)
    made, tol = [], rules.SESSION_GAP_TOLERANCE_MS
    for cam in (1, 2, 3):
        for stream in (1, 2):
            for kind in "ra":
                at = T0 + rng.randrange(0, 5000)
                for _ in range(rng.randrange(1, 9)):
                    length = rng.randrange(1000, 4000)
                    made.append(sl(cam, at, at + length, kind, stream, size=rng.randrange(100, 9000)))
                    at += length + rng.choice((0, 0, -300, tol, tol + 1, 5000, 60_000))
    return made


def key(s: Slice):
    return s.camera_id, s.stream_id, s.type, s.start_ms


def test_sql_sessions_agree_with_the_rule_in_both_orders_and_pages(store):
    queries = BanditQueries(store.engine)
    indexed = [store.slices.insert(s) for s in random_slices()]
    expected = rules.group_sessions(indexed)
    total, rows = queries.video_sessions(None, tolerance_ms=rules.SESSION_GAP_TOLERANCE_MS, descending=False,
                                         offset=0, limit=1000)
    assert total == len(expected)
    assert [key(r.first) for r in rows] == [key(s[0]) for s in expected]
    assert [r.files for r in rows] == [len(s) for s in expected]
    assert [r.size_bytes for r in rows] == [sum(x.size_bytes for x in s) for s in expected]
    assert [r.stop_ms for r in rows] == [max(x.stop_ms for x in s) for s in expected]
    _total, back = queries.video_sessions([2, 3], tolerance_ms=rules.SESSION_GAP_TOLERANCE_MS, descending=True,
                                          offset=2, limit=3)
    mine = [s for s in expected if s[0].camera_id in (2, 3)]
    assert [key(r.first) for r in back] == [key(s[0]) for s in reversed(mine)][2:5]
    first = rows[0].first
    assert queries.session_files(first, tolerance_ms=rules.SESSION_GAP_TOLERANCE_MS) == len(expected[0])


def test_video_files_page_like_their_names_and_look_up_by_key(store):
    queries = BanditQueries(store.engine)
    indexed = [store.slices.insert(s) for s in random_slices(seed=3)]
    by_name = sorted(indexed, key=rules.video_file_name)
    total, page = queries.video_files([1, 2, 3], descending=False, offset=5, limit=4)
    assert total == len(indexed) and page == by_name[5:9]
    total, page = queries.video_files(None, descending=True, offset=0, limit=2)
    assert page == by_name[::-1][:2]
    assert queries.video_files([], descending=False, offset=0, limit=5) == (0, [])
    wanted = by_name[7]
    assert queries.slice_by_key(rules.parse_video_id(rules.video_id(wanted))) == wanted
    assert queries.slice_by_key(rules.VideoKey(9, 9, 9, "r")) is None


def test_image_bursts_gather_the_snapshots_taken_during_an_alarm(store):
    queries = BanditQueries(store.engine)
    ended = store.alarms.insert(Alarm(0, 1, T0, "trigger", "A", end_ms=T0 + 10_000, snapshot="alarms/1/a.jpg"))
    open_alarm = store.alarms.insert(Alarm(0, 1, T0 + 60_000, "motion", "B", snapshot="alarms/1/b.jpg"))
    store.alarms.insert(Alarm(0, 1, T0 + 1000, "motion", "no picture", end_ms=T0 + 2000))
    shot = {(cam, t): store.snapshots.insert(Snapshot(0, cam, "Cam", 1, "u", "", t, t, None, f"s/{cam}/{t}.jpg"))
            for cam, t in ((1, T0 + 5000), (1, T0 + 20_000), (2, T0 + 5000), (1, T0 + 60_000 + OPEN_MS - 1),
                           (1, T0 + 60_000 + OPEN_MS + 1))}
    total, files = queries.image_files(None, open_ms=OPEN_MS, descending=False, offset=0, limit=100)
    assert total == 7
    assert [(f.kind, f.time_ms - T0, f.alarm_id) for f in files] == [
        ("alarm", 0, ended.id), ("snapshot", 5000, ended.id), ("snapshot", 5000, None), ("snapshot", 20_000, None),
        ("alarm", 60_000, open_alarm.id), ("snapshot", 60_000 + OPEN_MS - 1, open_alarm.id),
        ("snapshot", 60_000 + OPEN_MS + 1, None)]
    total, sessions = queries.image_sessions([1], open_ms=OPEN_MS, descending=True, offset=0, limit=100)
    assert total == 4
    assert [(s.kind, s.time_ms - T0) for s in sessions] == [
        ("snapshot", 60_000 + OPEN_MS + 1), ("alarm", 60_000), ("snapshot", 20_000), ("alarm", 0)]
    alarm_row = queries.image_by_id("alarm", ended.id, open_ms=OPEN_MS)
    members = queries.burst_members(alarm_row, T0 + 10_000, open_ms=OPEN_MS)
    assert [m.id for m in members] == [shot[1, T0 + 5000].id]
    assert queries.image_by_id("snapshot", shot[1, T0 + 5000].id, open_ms=OPEN_MS).alarm_id == ended.id
    queries.forget_alarm_picture(ended.id)
    assert queries.image_by_id("alarm", ended.id, open_ms=OPEN_MS) is None
    assert store.alarms.get(ended.id).description == "A"          # the alarm itself stays
    assert queries.image_by_id("snapshot", shot[1, T0 + 5000].id, open_ms=OPEN_MS).alarm_id is None
    queries.forget_snapshot(shot[1, T0 + 20_000].id)
    assert queries.image_files([1], open_ms=OPEN_MS, descending=False, offset=0, limit=0)[0] == 4


def test_alarm_counts_and_recent_bytes(store):
    queries = BanditQueries(store.engine)
    for t in (T0, T0 + 500, T0 + 3000):
        store.alarms.insert(Alarm(0, 1, t, "motion", "m"))
    store.alarms.insert(Alarm(0, 2, T0 + 500, "motion", "other camera"))
    assert queries.count_alarms(1, T0, T0 + 2000) == 2
    assert queries.count_alarms(1, T0 + 1, T0 + 3000) == 2
    store.slices.insert(sl(1, T0, T0 + 1000, size=700))
    store.slices.insert(sl(2, T0 + 5000, T0 + 6000, size=300))
    assert queries.recorded_bytes_since(T0) == 1000
    assert queries.recorded_bytes_since(T0 + 1) == 300


def test_camera_position_is_stored_and_optional(store):
    base = {"name": "Cam", "source": "synthetic://", "uuid": "00000000-0000-0000-0000-000000000001",
            "serial_number": "SN1"}
    store.cameras.upsert(Camera(1, **base, lat_deg=44.715513732021364, lon_deg=-20.63232421875), created_ms=1)
    got = store.cameras.get(1)
    assert (got.lat_deg, got.lon_deg) == (pytest.approx(44.715513732021364), pytest.approx(-20.63232421875))
    store.cameras.upsert(Camera(1, **base), created_ms=1)
    assert (store.cameras.get(1).lat_deg, store.cameras.get(1).lon_deg) == (None, None)
