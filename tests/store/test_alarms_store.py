"""Alarm rows and per-camera alarm settings on a real database (SQLite and PostgreSQL): newest
first, filters by camera, time and description text (special characters taken literally),
paging, record/end updates; settings round-trip and go with their camera."""

from camvault.core.alarms import Alarm, CameraAlarmSettings
from camvault.core.model import Camera, Stream
from camvault.core.motion import MotionSettings, MotionZone
from camvault.core.alarms import AlarmFilter


def add(store, cam, time_ms, description="MOTION Alarm", kind="motion"):
    return store.alarms.insert(Alarm(0, cam, time_ms, kind, description, snapshot=f"alarms/{cam}/{time_ms}.jpg"))


def test_list_is_newest_first_with_filters_and_paging(store):
    for i in range(6):
        add(store, 1 + i % 2, 1000 * i, "porte1 Alarm" if i == 3 else "MOTION Alarm")
    same_time = add(store, 1, 5000)
    repo = store.alarms
    assert [(a.camera_id, a.time_ms) for a in repo.list(AlarmFilter(), limit=3)] == [(1, 5000), (2, 5000), (1, 4000)]
    assert repo.list(AlarmFilter(), limit=1)[0].id == same_time.id, "ties: newest id first"
    assert [a.time_ms for a in repo.list(AlarmFilter(camera_ids=[2]), limit=10)] == [5000, 3000, 1000]
    assert [a.time_ms for a in repo.list(AlarmFilter(from_ms=2000, to_ms=4000), limit=10)] == [4000, 3000, 2000]
    assert [a.time_ms for a in repo.list(AlarmFilter(text="PORTE"), limit=10)] == [3000]
    assert [a.time_ms for a in repo.list(AlarmFilter(), limit=2, offset=5)] == [1000, 0]
    assert repo.list(AlarmFilter(camera_ids=[]), limit=10) == []


def test_text_filter_takes_wildcards_literally(store):
    add(store, 1, 1, "door_1 Alarm")
    add(store, 1, 2, "doorX1 Alarm")
    add(store, 1, 3, "100% Alarm")
    assert [a.description for a in store.alarms.list(AlarmFilter(text="door_1"), limit=10)] == ["door_1 Alarm"]
    assert [a.description for a in store.alarms.list(AlarmFilter(text="0%"), limit=10)] == ["100% Alarm"]


def test_record_and_end_updates(store):
    alarm = add(store, 1, 10_000, "TRIGGER Alarm", kind="trigger")
    assert store.alarms.get(alarm.id) == alarm and alarm.record_ms is None and alarm.end_ms is None
    store.alarms.set_record(alarm.id, 5_000, "TRIGGER Alarm starts at ...")
    store.alarms.set_end([alarm.id], 12_000)
    got = store.alarms.get(alarm.id)
    assert (got.record_ms, got.end_ms, got.description) == (5_000, 12_000, "TRIGGER Alarm starts at ...")
    assert store.alarms.get(alarm.id + 100) is None


def test_settings_round_trip_default_and_cascade(store):
    store.cameras.upsert(Camera(7, "C", "synthetic://", "u7", "s7", streams=(Stream(7, 1, "synthetic://"),)), 1)
    assert store.alarm_settings.get(7) == CameraAlarmSettings()
    settings = CameraAlarmSettings(MotionSettings(enabled=True, sensitivity=80, min_area=0.02, release_s=2,
                                                  zones=(MotionZone(0.1, 0.2, 0.5, 0.25),)), pre_alarm_s=0)
    store.alarm_settings.put(7, settings)
    assert store.alarm_settings.get(7) == settings
    store.alarm_settings.put(7, CameraAlarmSettings())
    assert store.alarm_settings.get(7) == CameraAlarmSettings()
    store.alarm_settings.put(7, settings)
    store.cameras.delete(7)
    assert store.alarm_settings.get(7) == CameraAlarmSettings()
