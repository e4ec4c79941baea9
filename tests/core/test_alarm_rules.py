"""Pure alarm rules: motion debounce, sensitivity, descriptions, recordTime, the streams motion is
detected on and alarms recorded from, the pre-alarm buffer rules and active-alarm bookkeeping."""

from datetime import timezone
from zoneinfo import ZoneInfo

import pytest

from camvault.core.alarms import ActiveAlarm, ActiveAlarms, Alarm, alarm_stream, describe, detect_stream, record_time_ms
from camvault.core.model import Camera, Stream
from camvault.core.motion import MotionGate, MotionSettings, MotionZone, pixel_threshold
from camvault.core.prealarm import gops_over_budget, needless_gops, start_gop
from camvault.core.timefmt import parse_iso_ms


def feed(gate, frames):
    """frames: (t_ms, moving) pairs -> the events with their times."""
    return [(t, e) for t, moving in frames if (e := gate.update(t, moving))]


def test_motion_starts_after_two_consecutive_frames_and_ends_after_release():
    gate = MotionGate(release_ms=1000)
    frames = [(0, True), (200, False), (400, True), (600, True), (800, True), (1000, False), (1600, True),
              (1800, False), (2400, False), (2800, False), (3000, False)]
    assert feed(gate, frames) == [(600, "start"), (2800, "end")]
    assert not gate.active


def test_a_single_noisy_frame_never_starts_motion():
    gate = MotionGate(release_ms=1000)
    assert feed(gate, [(t * 200, t % 2 == 0) for t in range(50)]) == []


def test_motion_that_goes_on_ends_at_the_maximum_and_starts_again():
    gate = MotionGate(release_ms=1000, max_ms=2000)
    events = feed(gate, [(t * 200, True) for t in range(25)])
    assert events == [(200, "start"), (2200, "end"), (2600, "start"), (4600, "end")]


def test_sensitivity_maps_to_a_grey_level_threshold():
    assert pixel_threshold(1) == 70 and pixel_threshold(100) == 10
    assert pixel_threshold(1) > pixel_threshold(50) > pixel_threshold(100)
    assert pixel_threshold(500) == 10 and pixel_threshold(-3) == 70


def test_motion_settings_are_validated():
    with pytest.raises(ValueError):
        MotionSettings(sensitivity=0)
    with pytest.raises(ValueError):
        MotionSettings(min_area=0)
    with pytest.raises(ValueError):
        MotionZone(0.5, 0.5, 0, 0.2)


def test_description_matches_the_documented_example():
    record_ms = parse_iso_ms("2014-09-12T09:44:07Z")
    time_ms = parse_iso_ms("2014-09-12T09:44:12Z")
    assert describe("MOTION", time_ms, record_ms, ZoneInfo("Europe/Paris")) == \
        "MOTION Alarm starts at 12/09/2014 at 11:44:07, with 5s pre-alarm"
    assert describe("MOTION", time_ms, None, timezone.utc) == "MOTION Alarm"
    assert describe("porte1", time_ms, time_ms + 800, timezone.utc).endswith("with 0s pre-alarm")


def test_record_time_of_a_starting_and_of_a_joining_alarm():
    assert record_time_ms(None, joined=False, time_ms=10_000, pre_alarm_ms=5000) is None
    assert record_time_ms(4_200, joined=False, time_ms=10_000, pre_alarm_ms=5000) == 4_200
    assert record_time_ms(4_200, joined=True, time_ms=60_000, pre_alarm_ms=5000) == 55_000
    assert record_time_ms(4_200, joined=True, time_ms=6_000, pre_alarm_ms=5000) == 4_200


def camera(*streams):
    return Camera(1, "C", "synthetic://", "u", "s", streams=tuple(streams))


def test_detect_stream_prefers_the_detect_role_then_the_lowest_quality():
    main = Stream(1, 1, "x", roles=("rrecord", "arecord"), quality=3)
    sub = Stream(1, 2, "x", roles=(), quality=1)
    detect = Stream(1, 3, "x", roles=("detect",), quality=2)
    assert detect_stream(camera(main, sub, detect)).stream_id == 3
    assert detect_stream(camera(main, sub)).stream_id == 2
    assert detect_stream(camera(Stream(1, 1, "x", on_demand=True))) is None
    assert alarm_stream(camera(main, sub, detect)).stream_id == 1
    assert alarm_stream(camera(sub)) is None


def test_pre_alarm_start_is_the_latest_keyframe_old_enough():
    keyframes = [0, 1000, 2000, 3000, 4000, 5000, 6000]
    assert start_gop(keyframes, newest_ms=6500, pre_alarm_ms=5000) == 1          # 1000 <= 1500
    assert start_gop(keyframes, newest_ms=6500, pre_alarm_ms=0) == 6
    assert start_gop(keyframes[3:], newest_ms=6500, pre_alarm_ms=5000) == 0      # not enough: oldest
    assert start_gop([], newest_ms=6500, pre_alarm_ms=5000) is None
    assert needless_gops(keyframes, newest_ms=6500, pre_alarm_ms=5000) == 1


def test_budget_drops_the_oldest_gops_first():
    assert gops_over_budget([100, 100, 100], max_bytes=300) == 0
    assert gops_over_budget([100, 100, 100], max_bytes=250) == 1
    assert gops_over_budget([100, 100, 400], max_bytes=250) == 3                  # the newest alone is too big


def test_active_alarms_due_and_without_record():
    active = ActiveAlarms()
    assert not active
    active.add(ActiveAlarm(Alarm(1, 1, 0, "trigger", "x"), "TRIGGER", deadline_ms=5000))
    active.add(ActiveAlarm(Alarm(2, 1, 0, "motion", "y", record_ms=0), "MOTION"))
    assert [a.alarm.id for a in active.due(4999)] == [] and [a.alarm.id for a in active.due(5000)] == [1]
    assert [a.alarm.id for a in active.without_record()] == [1]
    assert [a.alarm.id for a in active.of_kind("motion")] == [2]
    assert active.pop(1).label == "TRIGGER" and active.pop(1) is None
