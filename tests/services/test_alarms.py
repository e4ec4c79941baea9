"""Alarm service on a real database and real video: a motion on the detect stream raises a MOTION
alarm with its picture and an `a` slice of the arecord stream that starts with the pre-alarm;
triggers end on untrigger or after the maximum duration; lists and triggers follow rights."""

import io
import threading

import pytest
from PIL import Image

from camvault.core.alarms import CameraAlarmSettings
from camvault.core.clock import FakeClock
from camvault.core.errors import BadRequest, Forbidden, NotFound
from camvault.core.model import Camera, CameraRight, Profile, Stream, User
from camvault.core.motion import MotionSettings
from camvault.services.alarms import AlarmPolicy, AlarmService
from camvault.services.events import ALARM_ENDED, ALARM_STARTED, EventBus
from camvault.services.ingest import IngestService
from camvault.core.alarms import AlarmFilter
from camvault.store.store import Store
from camvault.video.sources import open_source

MAIN = "synthetic://?width=320&height=180&fps=10&gop=10&bitrate=200000&realtime=0"
STILL = "synthetic://?width=160&height=90&fps=10&gop=10&realtime=0&motion=0"
MOVING = "synthetic://?width=160&height=90&fps=10&gop=10&realtime=0&motion=1"
START_MS = 1_700_000_000_000
ADMIN = User(1, "admin", Profile.ADMIN)
CARL = User(2, "carl", Profile.CONSULT, rights={1: CameraRight(1)})


def camera(cam_id, enabled=True):
    return Camera(cam_id, f"Cam {cam_id}", MAIN, f"u{cam_id}", f"s{cam_id}", enabled=enabled, streams=(
        Stream(cam_id, 1, MAIN, roles=("rrecord", "arecord"), quality=3),
        Stream(cam_id, 2, STILL, roles=("detect",), quality=1)))


@pytest.fixture
def store(database_url, tmp_path):
    s = Store(database_url, tmp_path / "data")
    s.open()
    for cam_id in (1, 2):
        s.cameras.upsert(camera(cam_id), created_ms=0)
    yield s
    s.close()


def alarm_service(store, clock, events=None, **policy):
    ingest = IngestService(store, clock, default_slice_max_s=60, on_slice=store.slices.insert)
    defaults = {"pre_alarm_s": 2, "post_alarm_s": 1, "max_s": 60, "timezone": "Europe/Paris"}
    return AlarmService(store, ingest, clock, AlarmPolicy(**{**defaults, **policy}), on_slice=store.slices.insert,
                        events=events)


class Stream_:
    """One stream's sinks fed from a synthetic session, packet by packet, 100 ms apart."""

    def __init__(self, sinks, url):
        self.sinks = sinks
        self.open(url)

    def open(self, url):
        self.session = open_source(url, label="Cam 1").open(threading.Event())
        self.packets = self.session.packets()
        for sink in self.sinks:
            sink.on_session_start(self.session)

    def switch(self, url):
        for sink in self.sinks:
            sink.on_session_end()
        self.session.close()
        self.open(url)

    def feed(self, wall_ms):
        packet = next(self.packets)
        for sink in self.sinks:
            sink.on_packet(packet, wall_ms)


def test_motion_raises_a_recorded_alarm_with_its_picture_and_pre_alarm(store):
    store.alarm_settings.put(1, CameraAlarmSettings(MotionSettings(enabled=True, release_s=1)))
    alarms = alarm_service(store, FakeClock(START_MS))
    cam = camera(1)
    main = Stream_(alarms.sinks_for(cam, cam.streams[0]), MAIN)
    detect_sinks = alarms.sinks_for(cam, cam.streams[1])
    assert [type(s).__name__ for s in main.sinks] == ["AlarmRecorderSink"]
    assert [type(s).__name__ for s in detect_sinks] == ["MotionSink"]
    detect = Stream_(detect_sinks, STILL)
    wall_ms = START_MS
    recording_seen = False
    for index in range(140):             # 5 s still, 4 s moving (its session end ends the motion), 5 s still
        if index == 50:
            detect.switch(MOVING)
        if index == 90:
            detect.switch(STILL)
        main.feed(wall_ms)
        detect.feed(wall_ms)
        recording_seen = recording_seen or alarms.is_recording_alarm(1)
        wall_ms += 100
    for s in main.sinks + detect.sinks:
        s.on_session_end()
    assert recording_seen and not alarms.is_recording_alarm(1)

    [alarm] = store.alarms.list(AlarmFilter(), limit=10)
    assert alarm.kind == "motion" and alarm.camera_id == 1
    assert START_MS + 5000 < alarm.time_ms <= START_MS + 7000, "within 2 s of the motion"
    assert alarm.time_ms - 3000 < alarm.record_ms <= alarm.time_ms - 2000
    pre_s = round((alarm.time_ms - alarm.record_ms) / 1000)
    assert alarm.description.startswith("MOTION Alarm starts at 14/11/2023 at ")
    assert alarm.description.endswith(f", with {pre_s}s pre-alarm")
    assert START_MS + 8500 <= alarm.end_ms < START_MS + 9000, "the moving video ended at 9 s"
    picture = Image.open(io.BytesIO(alarms.picture(alarm.id)))
    assert picture.format == "JPEG" and picture.size == (160, 90)

    [recorded] = store.slices.list(camera_ids=[1], slice_type="a")
    assert recorded.start_ms == alarm.record_ms and recorded.stream_id == 1
    assert abs(recorded.stop_ms - (alarm.end_ms + 1000)) <= 100, "post-alarm after the end"


def test_trigger_untrigger_and_maximum_duration(store):
    clock = FakeClock(START_MS)
    alarms = alarm_service(store, clock, max_s=30)
    [first, second] = alarms.trigger(ADMIN, [1, 2], "porte1")
    assert (first.camera_id, second.camera_id) == (1, 2)
    assert first.description == "porte1 Alarm" and first.kind == "trigger" and first.time_ms == START_MS
    assert first.record_ms is None and first.snapshot is None, "no video: no recording, no picture"
    with pytest.raises(NotFound):
        alarms.picture(first.id)
    [plain] = alarms.trigger(ADMIN, [1], None)
    assert plain.description == "TRIGGER Alarm"
    clock.advance_s(5)
    assert alarms.untrigger(ADMIN, [1]) == 2
    assert store.alarms.get(first.id).end_ms == START_MS + 5000
    assert alarms.expire_due() == 0
    clock.advance_s(25)
    assert alarms.expire_due() == 1
    assert store.alarms.get(second.id).end_ms == START_MS + 30_000
    assert alarms.untrigger(ADMIN, [2]) == 0


def test_triggers_are_checked_before_anything_is_raised(store):
    alarms = alarm_service(store, FakeClock(START_MS))
    with pytest.raises(Forbidden):
        alarms.trigger(CARL, [1, 2], None)
    with pytest.raises(NotFound):
        alarms.trigger(ADMIN, [1, 99], None)
    with pytest.raises(BadRequest):
        alarms.trigger(ADMIN, [], None)
    with pytest.raises(BadRequest):
        alarms.trigger(ADMIN, [1], "x" * 65)
    with pytest.raises(Forbidden):
        alarms.untrigger(CARL, [2])
    assert store.alarms.list(AlarmFilter(), limit=10) == []


def test_lists_follow_rights(store):
    alarms = alarm_service(store, FakeClock(START_MS))
    alarms.trigger(ADMIN, [1, 2], None)
    assert {a.camera_id for a in alarms.list_for(ADMIN, AlarmFilter(), limit=10, offset=0).items} == {1, 2}
    assert {a.camera_id for a in alarms.list_for(CARL, AlarmFilter(), limit=10, offset=0).items} == {1}
    with pytest.raises(Forbidden):
        alarms.list_for(CARL, AlarmFilter(camera_ids=[2]), limit=10, offset=0)
    with pytest.raises(BadRequest):
        alarms.list_for(ADMIN, AlarmFilter(from_ms=2, to_ms=1), limit=10, offset=0)
    page = alarms.list_for(ADMIN, AlarmFilter(), limit=1, offset=0)
    assert len(page.items) == 1 and page.has_more


@pytest.mark.parametrize("override_s, expected_pre_s", [(None, 2), (0.5, 0.5), (0, 0)])
def test_a_camera_may_override_the_pre_alarm(store, override_s, expected_pre_s):
    store.alarm_settings.put(1, CameraAlarmSettings(pre_alarm_s=override_s))
    clock = FakeClock(START_MS + 4950)
    alarms = alarm_service(store, clock, pre_alarm_s=2)
    cam = camera(1)
    main = Stream_(alarms.sinks_for(cam, cam.streams[0]), MAIN)
    for index in range(50):
        main.feed(START_MS + index * 100)
    [alarm] = alarms.trigger(ADMIN, [1], None)
    gop_ms = 1000
    assert alarm.time_ms - expected_pre_s * 1000 - gop_ms < alarm.record_ms <= alarm.time_ms - expected_pre_s * 1000
    assert alarm.snapshot is None, "the stream is not live in ingest: no live picture"


def test_alarm_start_and_end_are_published(store):
    bus, seen = EventBus(), []
    bus.subscribe(seen.append)
    alarms = alarm_service(store, FakeClock(START_MS), events=bus)
    admin = User(1, "admin", Profile.ADMIN)
    alarm = alarms.trigger(admin, [2], "door")[0]
    alarms.untrigger(admin, [2])
    assert bus.wait_idle()
    assert [(e.kind, e.camera_ids, e.data["alarmId"], e.at_ms) for e in seen] == [
        (ALARM_STARTED, (2,), alarm.id, START_MS), (ALARM_ENDED, (2,), alarm.id, START_MS)]
    bus.stop()
