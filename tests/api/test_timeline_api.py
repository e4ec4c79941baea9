"""`GET /api/v1.2/timeline` over real HTTP (in-process node, SQLite; the queries run on both
databases in tests/store/test_timeline_store.py): merged recorded runs per type, alarm markers
clustered at the resolution, protected records, rights. One node for the module (read only)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from camvault.api.http import build_http_app
from camvault.app import Camvault
from camvault.config import CameraConfig, Config, DatabaseConfig, StorageConfig
from camvault.core.alarms import Alarm
from camvault.core.exports import ProtectedRange
from camvault.core.model import CameraRight, Slice
from camvault.core.timefmt import format_iso_ms

ADMIN = ("admin", "admin-pw")
CONSULT = ("carl", "carl-pw")      # camera 1, records
VIEWER = ("vera", "vera-pw")       # camera 2, live only
T0 = 1_700_000_000_000
MIN = 60_000


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("timeline")
    cameras = [CameraConfig(id=i, name=f"Cam {i}", source="synthetic://?width=160&height=90&fps=5", enabled=False)
               for i in (1, 2, 3)]
    config = Config(storage=StorageConfig(data_dir=root / "data", min_free_bytes=0),
                    database=DatabaseConfig(url=f"sqlite:///{root / 'camvault.db'}"), cameras=cameras)
    node = Camvault(config, admin_password=ADMIN[1])
    with TestClient(build_http_app(node, announce=lambda _m: None)) as http:
        node.users.create(CONSULT[0], CONSULT[1], "consult", camera_ids=[1])
        node.users.create(VIEWER[0], VIEWER[1], "consult")
        node.users.set_rights(VIEWER[0], [CameraRight(2, live=True, records=False)])
        store = node.store
        # camera 1: ten 1-minute slices, a 30 s hole after the 5th, then an hour later 2 more; an alarm slice
        for i in range(10):
            start = T0 + i * MIN + (30_000 if i >= 5 else 0)
            store.slices.insert(Slice(0, 1, 1, start, start + MIN, "r", 1, f"s/1-{start}-r.mkv"))
        for i in range(2):
            start = T0 + 70 * MIN + i * MIN
            store.slices.insert(Slice(0, 1, 1, start, start + MIN, "r", 1, f"s/1-{start}-r.mkv"))
        store.slices.insert(Slice(0, 1, 1, T0 + 2 * MIN, T0 + 3 * MIN, "a", 1, "s/1-a.mkv"))
        store.slices.insert(Slice(0, 2, 1, T0, T0 + 5 * MIN, "r", 1, "s/2-r.mkv"))
        for t in (T0 + 10_000, T0 + 12_000, T0 + 15_000, T0 + 4 * MIN):
            store.alarms.insert(Alarm(0, 1, t, "motion", "d"))
        store.alarms.insert(Alarm(0, 2, T0 + MIN, "trigger", "d"))
        store.precords.add(ProtectedRange(0, 1, T0 + MIN, T0 + 2 * MIN, "r", "", None, 0))
        yield http


def timeline(client, auth, **args):
    query = {"from": T0, "to": T0 + 2 * 3_600_000, **args}
    answer = client.get("/api/v1.2/timeline", params=query, auth=auth)
    assert answer.status_code == 200, answer.text
    return answer.json()["timeline"]


def test_recorded_runs_alarms_and_protected_records_at_a_fine_resolution(client):
    body = timeline(client, ADMIN, cameraId="1")
    assert body["fromMs"] == T0 and body["from"] == format_iso_ms(T0) and body["minGapMs"] == 1000
    (cam,) = body["cameras"]
    assert cam["cameraId"] == 1 and cam["canPlay"] and cam["playbackStream"] == "1.1"
    assert cam["recordedMs"] == {"r": [[T0, T0 + 5 * MIN], [T0 + 5 * MIN + 30_000, T0 + 10 * MIN + 30_000],
                                       [T0 + 70 * MIN, T0 + 72 * MIN]],
                                 "a": [[T0 + 2 * MIN, T0 + 3 * MIN]]}
    assert cam["protectedMs"] == {"r": [[T0 + MIN, T0 + 2 * MIN]]}
    assert [(a["timeMs"], a["type"], a["count"]) for a in cam["alarms"]] == [
        (T0 + 10_000, "motion", 1), (T0 + 12_000, "motion", 1), (T0 + 15_000, "motion", 1), (T0 + 4 * MIN, "motion", 1)]
    assert body["alarmsTruncated"] is False


def test_a_coarse_resolution_keeps_a_week_view_small(client):
    week_before = format_iso_ms(T0 - 7 * 86_400_000)
    body = timeline(client, ADMIN, cameraIds="1", minGapMs=str(10 * MIN), **{"from": week_before})
    (cam,) = body["cameras"]
    assert cam["recordedMs"]["r"] == [[T0, T0 + 10 * MIN + 30_000], [T0 + 70 * MIN, T0 + 72 * MIN]]
    assert [(a["timeMs"], a["count"]) for a in cam["alarms"]] == [(T0 + 10_000, 4)]


def test_the_window_clips_and_max_alarms_truncates(client):
    body = timeline(client, ADMIN, cameraId="1", to=T0 + 90_000, maxAlarms="2")
    (cam,) = body["cameras"]
    assert cam["recordedMs"] == {"r": [[T0, T0 + 90_000]]}
    assert len(cam["alarms"]) == 2 and body["alarmsTruncated"] is True


def test_several_cameras_and_rights(client):
    assert [c["cameraId"] for c in timeline(client, ADMIN, cameraId="2,1")["cameras"]] == [1, 2]
    assert [c["cameraId"] for c in timeline(client, ADMIN)["cameras"]] == [1, 2, 3]
    assert [c["cameraId"] for c in timeline(client, CONSULT)["cameras"]] == [1]
    (seen,) = timeline(client, VIEWER)["cameras"]
    assert seen["cameraId"] == 2 and seen["canPlay"] is False
    assert [(a["type"], a["timeMs"]) for a in seen["alarms"]] == [("trigger", T0 + MIN)]
    assert timeline(client, ADMIN, cameraId="3")["cameras"][0]["recordedMs"] == {}
    window = {"from": T0, "to": T0 + MIN}
    assert client.get("/api/v1.2/timeline", params={**window, "cameraId": "2"}, auth=CONSULT).status_code == 403
    assert client.get("/api/v1.2/timeline", params={**window, "cameraId": "9"}, auth=ADMIN).status_code == 404
    assert client.get("/api/v1.2/timeline", params=window).status_code == 401


@pytest.mark.parametrize("params", [{"to": T0}, {"from": T0}, {"from": "soon", "to": T0}, {"from": T0 + 1, "to": T0},
                                    {"from": T0, "to": T0 + 1, "minGapMs": "-5"},
                                    {"from": T0, "to": T0 + 1, "maxAlarms": "0"},
                                    {"from": T0, "to": T0 + 1, "cameraId": "a,b"}])
def test_bad_arguments_are_400(client, params):
    answer = client.get("/api/v1.2/timeline", params=params, auth=ADMIN)
    assert answer.status_code == 400 and answer.json()["error"]
