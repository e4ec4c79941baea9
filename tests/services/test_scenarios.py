"""Scenario service over the real alarm, command and event services, a real database and a real
local HTTP server, with a fake clock: rules fire on a real alarm (never on their own alarms), on a
metadata event (an alarm and a forced recording that ends by itself), by hand and on schedule;
ignored rules never fire; config rules are applied at start and read-only but for ignore."""

import threading
from dataclasses import replace
from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from camvault.core.alarms import AlarmFilter
from camvault.core.clock import FakeClock
from camvault.core.errors import BadRequest, Conflict, Forbidden
from camvault.core.model import Camera, Profile, Stream, User
from camvault.core.scenarios import Action, Scenario, Trigger
from camvault.services.alarms import AlarmPolicy, AlarmService
from camvault.services.commands import CommandService
from camvault.services.events import METADATA, Event, EventBus
from camvault.services.ingest import IngestService
from camvault.services.scenario_actions import ScenarioActions
from camvault.services.scenarios import ScenarioChanges, ScenarioService
from camvault.store.store import Store
from camvault.video.sources import open_source
from tests.support.http_hits import HitServer

MAIN = "synthetic://?width=160&height=90&fps=10&gop=10&bitrate=100000&realtime=0"
START_MS = 1_700_000_000_000                 # Tuesday 14 November 2023, 23:13:20 in Paris
PARIS = ZoneInfo("Europe/Paris")
ADMIN = User(1, "admin", Profile.ADMIN)
CARL = User(2, "carl", Profile.CONSULT)


def camera(cam_id):
    return Camera(cam_id, f"Cam {cam_id}", MAIN, f"u{cam_id}", f"s{cam_id}",
                  streams=(Stream(cam_id, 1, MAIN, roles=("arecord",), quality=3),))


@pytest.fixture
def store(database_url, tmp_path):
    s = Store(database_url, tmp_path / "data")
    s.open()
    for cam_id in (1, 2):
        s.cameras.upsert(camera(cam_id), created_ms=0)
    yield s
    s.close()


def build(store, clock, bus, from_config=()):
    ingest = IngestService(store, clock, default_slice_max_s=60, on_slice=store.slices.insert)
    alarms = AlarmService(store, ingest, clock, AlarmPolicy(pre_alarm_s=1, post_alarm_s=1, max_s=60,
                                                            timezone="Europe/Paris"),
                          on_slice=store.slices.insert, events=bus)
    commands = CommandService(store, clock, timeout_s=2)
    scenarios = ScenarioService(store, clock, bus, ScenarioActions(alarms, commands, lambda: None),
                                timezone_name="Europe/Paris", from_config=list(from_config))
    return alarms, commands, scenarios


@pytest.fixture
def world(store):
    clock, bus = FakeClock(START_MS), EventBus()
    alarms, commands, scenarios = build(store, clock, bus)
    commands.start()
    scenarios.start()
    with HitServer() as hits:
        yield SimpleNamespace(store=store, clock=clock, bus=bus, alarms=alarms, commands=commands,
                              scenarios=scenarios, hits=hits)
    scenarios.stop()
    commands.stop()
    bus.stop()


def settle(w):
    assert w.scenarios.wait_idle() and w.commands.wait_idle()


def alarms_of(w, camera_id):
    return sorted(w.store.alarms.list(AlarmFilter(camera_ids=[camera_id]), limit=20), key=lambda a: a.id)


def test_a_real_alarm_fires_the_rule_once_and_its_own_alarms_fire_nothing(world):
    w = world
    ping = w.commands.create(ADMIN, "Ping", [w.hits.url("/ping")])
    w.scenarios.create(ADMIN, "Echo", Trigger("alarm", (1,)), (Action("alarm", (), "echo"),
                                                              Action("command", command_id=ping.id)))
    w.alarms.trigger(ADMIN, [2], "elsewhere")
    settle(w)
    assert w.hits.paths() == [], "camera 2 is not watched"
    w.alarms.trigger(ADMIN, [1], "door")
    settle(w)
    assert [a.description for a in alarms_of(w, 1)] == ["door Alarm", "echo Alarm"], "no loop on its own alarm"
    assert w.hits.paths() == ["/ping"]


def test_a_metadata_event_raises_an_alarm_and_a_forced_recording(world):
    w = world
    w.scenarios.create(ADMIN, "Plate", Trigger("metadata", (1,), "plate"),
                       (Action("alarm", (), "Plate seen"), Action("record", (2,), duration_s=3)))
    cam = camera(2)
    sinks = w.alarms.sinks_for(cam, cam.streams[0])
    session = open_source(MAIN, label="Cam 2").open(threading.Event())
    packets = session.packets()
    for sink in sinks:
        sink.on_session_start(session)

    def feed(seconds):
        for _ in range(round(seconds * 10)):
            packet = next(packets)
            for sink in sinks:
                sink.on_packet(packet, w.clock.now_ms())
            w.clock.advance_s(0.1)
            w.alarms.expire_due()

    feed(2)                                                          # fills the 1 s pre-alarm
    w.bus.publish(Event(METADATA, w.clock.now_ms(), (1,), type="face"))
    settle(w)
    assert alarms_of(w, 1) == [] and alarms_of(w, 2) == [], "another metadata type"
    fired_ms = w.clock.now_ms()
    w.bus.publish(Event(METADATA, fired_ms, (1,), type="plate"))
    settle(w)
    [seen] = alarms_of(w, 1)
    assert seen.description == "Plate seen Alarm" and seen.time_ms == fired_ms and seen.end_ms is None
    [forced] = alarms_of(w, 2)
    assert forced.description.startswith("Recording (Plate) Alarm")
    feed(0.5)
    assert w.alarms.is_recording_alarm(2)
    feed(5.5)                                                        # 3 s forced, 1 s post-alarm, and more
    assert not w.alarms.is_recording_alarm(2)
    for sink in sinks:
        sink.on_session_end()
    session.close()
    assert w.store.alarms.get(forced.id).end_ms == fired_ms + 3000, "ends by itself after duration_s"
    [recorded] = w.store.slices.list(camera_ids=[2], slice_type="a")
    assert recorded.start_ms == w.store.alarms.get(forced.id).record_ms <= fired_ms - 1000 + 100
    assert abs(recorded.stop_ms - (fired_ms + 3000 + 1000)) <= 100, "forced 3 s, then the 1 s post-alarm"


def test_manual_trigger_and_ignore(world):
    w = world
    rule = w.scenarios.create(ADMIN, "Hand", Trigger("manual"), (Action("alarm", (2,), "by hand"),))
    assert w.scenarios.trigger(ADMIN, rule.id) is True
    settle(w)
    assert [a.description for a in alarms_of(w, 2)] == ["by hand Alarm"]
    ignored = w.scenarios.update(ADMIN, rule.id, ScenarioChanges(ignored=True))
    assert ignored.ignored and w.store.scenarios.get(rule.id).ignored
    assert w.scenarios.trigger(ADMIN, rule.id) is False
    settle(w)
    assert len(alarms_of(w, 2)) == 1
    with pytest.raises(Forbidden):
        w.scenarios.trigger(CARL, rule.id)


def test_ignored_rules_never_fire_on_events(world):
    w = world
    w.scenarios.create(ADMIN, "Quiet", Trigger("metadata", (), "plate"), (Action("alarm", (2,)),), ignored=True)
    w.bus.publish(Event(METADATA, w.clock.now_ms(), (1,), type="plate"))
    settle(w)
    assert alarms_of(w, 2) == []


def paris_ms(*args):
    return round(datetime(*args, tzinfo=PARIS).timestamp() * 1000)


def test_schedule_fires_at_its_local_times_on_its_weekdays(world):
    w = world
    weekdays = w.scenarios.create(ADMIN, "Morning", Trigger("schedule", times=("08:00",), weekdays=(1, 2, 3, 4, 5)),
                                  (Action("alarm", (1,), "morning"),))
    quiet = w.scenarios.create(ADMIN, "Quiet", Trigger("schedule", times=("08:00",)), (Action("alarm", (2,)),),
                               ignored=True)
    assert w.scenarios.check_schedule() == []
    w.clock.advance_s((paris_ms(2023, 11, 15, 7, 59, 59) - w.clock.now_ms()) / 1000)
    assert w.scenarios.check_schedule() == []
    w.clock.advance_s(1)
    assert w.scenarios.check_schedule() == [weekdays.id]
    assert w.scenarios.check_schedule() == [], "once"
    settle(w)
    [morning] = alarms_of(w, 1)
    assert morning.description == "morning Alarm" and morning.time_ms == paris_ms(2023, 11, 15, 8, 0)
    w.clock.advance_s((paris_ms(2023, 11, 18, 9, 0) - w.clock.now_ms()) / 1000)   # Thursday, Friday, Saturday
    assert w.scenarios.check_schedule() == [weekdays.id], "fires once per check, whatever was missed"
    w.clock.advance_s((paris_ms(2023, 11, 19, 9, 0) - w.clock.now_ms()) / 1000)   # Sunday
    assert w.scenarios.check_schedule() == []
    settle(w)
    assert alarms_of(w, 2) == [] and quiet.ignored


def test_rules_are_checked_against_cameras_and_commands(world):
    w = world
    with pytest.raises(BadRequest) as caught:
        w.scenarios.create(ADMIN, "X", Trigger("alarm", (9,)), (Action("alarm", (1,)),))
    assert caught.value.params == {"detail": "unknown camera 9"}
    with pytest.raises(BadRequest):
        w.scenarios.create(ADMIN, "X", Trigger("manual"), (Action("command", command_id=77),))
    with pytest.raises(Forbidden):
        w.scenarios.create(CARL, "X", Trigger("manual"), (Action("alarm", (1,)),))


def test_config_rules_are_applied_at_start_and_read_only_but_for_ignore(store):
    clock, bus = FakeClock(START_MS), EventBus()
    door = Scenario(5, "Door", False, Trigger("alarm", (1,)), (Action("record", (), duration_s=10),), origin="config")
    gone = Scenario(6, "Gone", False, Trigger("manual"), (Action("alarm", (1,)),), origin="config")
    _, _, first = build(store, clock, bus, [door, gone])
    first.start()
    assert [(s.id, s.origin) for s in first.list(ADMIN)] == [(5, "config"), (6, "config")]
    with pytest.raises(Conflict):
        first.update(ADMIN, 5, ScenarioChanges(name="Renamed"))
    with pytest.raises(Conflict):
        first.delete(ADMIN, 5)
    first.update(ADMIN, 5, ScenarioChanges(ignored=True))
    api = first.create(ADMIN, "Api", Trigger("manual"), (Action("alarm", (2,)),))
    assert api.id == 7
    first.stop()
    _, _, second = build(store, clock, bus, [replace(door, name="Front door")])
    second.start()
    assert [(s.id, s.name, s.ignored) for s in second.list(ADMIN)] == [(5, "Front door", True), (7, "Api", False)]
    second.stop()
    bus.stop()
