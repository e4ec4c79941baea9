"""Bandit rules, pure: sessions from slice runs, the document's paging, names of resolutions,
aspect ratios and megapixels, ids, file names and paths."""

import random

import pytest

from camvault.core import bandit as rules
from camvault.core.errors import BadRequest
from camvault.core.model import Slice

T0 = 1_700_000_000_000
TOL = rules.SESSION_GAP_TOLERANCE_MS


def sl(start, stop, *, cam=1, stream=1, kind="r", sid=0):
    return Slice(sid, cam, stream, start, stop, kind, 1000, f"slices/{cam}/x/{cam}.{stream}-{start}-{kind}.mkv")


def shape(sessions):
    return [[(s.camera_id, s.stream_id, s.type, s.start_ms) for s in session] for session in sessions]


# --- sessions ---------------------------------------------------------------------------------
def test_contiguous_slices_form_one_session_and_a_gap_splits():
    run = [sl(T0, T0 + 2000), sl(T0 + 2000, T0 + 4000), sl(T0 + 4000, T0 + 6000), sl(T0 + 11_000, T0 + 12_000)]
    sessions = rules.group_sessions(reversed(run))
    assert [len(s) for s in sessions] == [3, 1]
    assert [s.start_ms for s in sessions[0]] == [T0, T0 + 2000, T0 + 4000]


def test_the_tolerance_is_inclusive_and_overlaps_join():
    at_limit = [sl(T0, T0 + 1000), sl(T0 + 1000 + TOL, T0 + 2000 + TOL)]
    past_limit = [sl(T0, T0 + 1000), sl(T0 + 1001 + TOL, T0 + 2000 + TOL)]
    assert [len(s) for s in rules.group_sessions(at_limit)] == [2]
    assert [len(s) for s in rules.group_sessions(past_limit)] == [1, 1]
    # a long slice covering a short one: the next slice is compared with the latest stop so far
    nested = [sl(T0, T0 + 10_000, sid=1), sl(T0 + 1000, T0 + 2000, sid=2), sl(T0 + 9000, T0 + 12_000, sid=3)]
    assert [len(s) for s in rules.group_sessions(nested)] == [3]


def test_runs_are_per_camera_stream_and_type():
    found = rules.group_sessions([sl(T0, T0 + 2000), sl(T0 + 2000, T0 + 4000, kind="a"),
                                  sl(T0 + 2000, T0 + 4000, stream=2), sl(T0 + 2000, T0 + 4000, cam=2),
                                  sl(T0 + 2000, T0 + 4000)])
    assert shape(found) == [[(1, 1, "r", T0), (1, 1, "r", T0 + 2000)], [(1, 1, "a", T0 + 2000)],
                            [(1, 2, "r", T0 + 2000)], [(2, 1, "r", T0 + 2000)]]


# --- paging -----------------------------------------------------------------------------------
def test_paging_defaults_and_unknown_parameters_ignored():
    assert rules.parse_paging({}) == rules.Paging(descending=False, offset=0, count=1)
    assert rules.parse_paging({"sort": "filename", "order": "desc", "offset": "3", "count": "0",
                               "foo": "bar"}) == rules.Paging(True, 3, 0)
    assert rules.parse_paging({"count": str(rules.MAX_COUNT)}).count == rules.MAX_COUNT


@pytest.mark.parametrize("query", [
    {"sort": "name"}, {"sort": "FILENAME"}, {"sort": ""}, {"order": "DESC"}, {"order": "up"}, {"order": ""},
    {"offset": "-1"}, {"offset": "1.5"}, {"offset": ""}, {"offset": "abc"}, {"offset": " 1"}, {"offset": "+1"},
    {"count": "-1"}, {"count": "2.0"}, {"count": "x"}, {"count": str(rules.MAX_COUNT + 1)}, {"count": "١"},
])
def test_paging_values_out_of_range_are_bad_requests(query):
    with pytest.raises(BadRequest):
        rules.parse_paging(query)


def test_offset_may_equal_the_total_but_not_pass_it():
    rules.check_offset(rules.Paging(offset=3), 3)
    rules.check_offset(rules.Paging(offset=0), 0)
    with pytest.raises(BadRequest):
        rules.check_offset(rules.Paging(offset=4), 3)
    with pytest.raises(BadRequest):
        rules.check_offset(rules.Paging(offset=1), 0)


# --- names ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("height", "name"), [
    (2160, "4k"), (2159, "2.7k"), (1520, "2.7k"), (1519, "1080p"), (1080, "1080p"), (1079, "720p"),
    (720, "720p"), (719, "wvga"), (480, "wvga"), (90, "wvga"), (0, "wvga")])
def test_resolution_names_by_frame_height(height, name):
    assert rules.resolution_name(height) == name


@pytest.mark.parametrize(("width", "height", "name"), [
    (1920, 1080, "16/9"), (160, 90, "16/9"), (640, 480, "4/3"), (1440, 1080, "4/3"), (1080, 1920, "16/9"),
    (640, 400, "16/9"), (620, 400, "4/3"), (0, 0, "16/9")])
def test_aspect_ratio_is_the_nearer_of_two(width, height, name):
    assert rules.aspect_ratio_name(width, height) == name


@pytest.mark.parametrize(("width", "height", "name"), [
    (4608, 3456, "16MP"), (3840, 2160, "8.3MP"), (1280, 720, "0.9MP"), (640, 400, "0.3MP"), (160, 90, "0.01MP")])
def test_megapixel_names(width, height, name):
    assert rules.megapixels_name(width, height) == name


def test_lengths_and_creation_times():
    assert rules.length_secs(21_904) == 21.9
    assert rules.length_secs(21_906) == 21.91
    assert rules.length_secs(2000) == 2.0
    assert rules.iso_created(1_331_141_654_999) == "2012-03-07T17:34:14Z"


# --- ids, names, paths ------------------------------------------------------------------------
def test_video_ids_round_trip_and_stay_short():
    s = sl(T0, T0 + 1000, cam=999_999_999, stream=999_999_999, kind="a")
    text = rules.video_id(s)
    assert len(text) <= rules.MAX_ID_CHARS
    assert rules.parse_video_id(text) == rules.VideoKey(999_999_999, 999_999_999, T0, "a")
    for bad in ("", "1.1-5-x", "1.1-5", "a.1-5-r", "1.1-5-r.mkv", "../1.1-5-r", "1.1--5-r"):
        assert rules.parse_video_id(bad) is None


def test_image_ids_round_trip():
    assert rules.parse_image_id(rules.image_id("snapshot", 12)) == rules.ImageKey("snapshot", 12)
    assert rules.parse_image_id(rules.image_id("alarm", 7)) == rules.ImageKey("alarm", 7)
    for bad in ("snapshot-", "alarm-x", "slice-1", "snapshot-1-2", "SNAPSHOT-1"):
        assert rules.parse_image_id(bad) is None


def test_paths_have_the_documented_form_and_length():
    s = sl(T0 + 123, T0 + 1000, cam=7, stream=2, kind="a")
    assert rules.file_path(7, rules.video_file_name(s)) == "/CAM0007/MOV_20231114_221320_123_0007_02A.MKV"
    path = rules.file_path(7, rules.image_file_name("snapshot", 7, T0, 42))
    assert path == "/CAM0007/IMG_20231114_221320_000_0007_S00000042.JPG"
    assert len(rules.file_path(10**9, rules.video_file_name(sl(T0, T0, cam=10**9, stream=10**9)))) <= 255


def test_file_names_sort_like_time_then_camera_stream_and_type():
    rng = random.Random(6)
    made = [sl(T0 + rng.randrange(0, 5) * 999, T0 + 10**6, cam=rng.randrange(1, 40), stream=rng.randrange(1, 4),
               kind=rng.choice("ra")) for _ in range(200)]
    by_name = sorted(made, key=rules.video_file_name)
    assert by_name == sorted(made, key=lambda s: (s.start_ms, s.camera_id, s.stream_id, s.type))
    images = [("alarm" if rng.random() < 0.5 else "snapshot", rng.randrange(1, 40), T0 + rng.randrange(0, 5) * 7,
               rng.randrange(1, 10**6)) for _ in range(200)]
    by_fields = sorted(images, key=lambda i: (i[2], i[1], i[0], i[3]))       # time, camera, kind, id
    assert sorted(images, key=lambda i: rules.image_file_name(*i)) == by_fields


def test_burst_order_and_window():
    members = [(T0 + 500, 9), (T0 + 100, 4), (T0 + 500, 3)]
    assert [rules.burst_position(members, m) for m in ((T0 + 100, 4), (T0 + 500, 3), (T0 + 500, 9))] == [2, 3, 4]
    assert rules.burst_end_ms(T0, T0 + 42) == T0 + 42
    assert rules.burst_end_ms(T0, None) == T0 + rules.OPEN_ALARM_BURST_MS
