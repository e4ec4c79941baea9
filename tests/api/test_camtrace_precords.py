"""CamTrace protected records: `POST /precords` answers the documented body; the slices of the range
(and slices recorded later in it) show `protected: true` and survive retention; rights and errors."""

import time

import pytest
from fastapi.testclient import TestClient

from camvault.api.http import build_http_app
from camvault.app import Camvault
from camvault.config import CameraConfig, Config, DatabaseConfig, RecordingConfig, StorageConfig
from camvault.core.timefmt import format_iso_s
from tests.api.conftest import ADMIN, CONSULT
from tests.support.recordings import recent_start_ms, record_indexed

PROTECT = ("pat", "pat-pw")       # protection profile, camera 1 only


@pytest.fixture
def short_retention_node(tmp_path, database_url):
    """Retention keeps 1 minute of video; slices recorded an hour ago are all expired."""
    cameras = [CameraConfig(id=i, name=f"Cam {i}", source="synthetic://?width=160&height=90&fps=5", enabled=False)
               for i in (1, 2)]
    config = Config(storage=StorageConfig(data_dir=tmp_path / "data", min_free_bytes=0),
                    database=DatabaseConfig(url=database_url), cameras=cameras,
                    recording=RecordingConfig(retention_days=60 / 86400, retention_interval_s=3600))
    node = Camvault(config, admin_password=ADMIN[1])
    with TestClient(build_http_app(node, announce=lambda _m: None)) as client:
        node.users.create(CONSULT[0], CONSULT[1], "consult", camera_ids=[1])
        node.users.create(PROTECT[0], PROTECT[1], "protection", camera_ids=[1])
        yield node, client


def precord(client, auth, camera_id, from_ms, to_ms, **extra):
    body = {"precord": {"cameraId": camera_id, "from": format_iso_s(from_ms), "to": format_iso_s(to_ms), **extra}}
    return client.post("/api/v1.2/precords", json=body, auth=auth)


def listed(client, camera_id=1):
    slices = client.get("/api/v1.2/slices", params={"cameraId": camera_id}, auth=ADMIN).json()["slices"]
    return [(s["start"], s["protected"]) for s in slices]


def test_protected_slices_show_and_survive_retention(short_retention_node):
    node, client = short_retention_node
    made = record_indexed(node, seconds=40, slice_max_s=10)            # 4 slices, an hour old
    response = precord(client, PROTECT, 1, made[1].start_ms + 2000, made[2].start_ms + 5000,
                       comment="Test de séquence protégée")
    assert response.status_code == 201
    assert response.json() == {"precord": {"cameraId": 1, "from": format_iso_s(made[1].start_ms + 2000),
                                           "to": format_iso_s(made[2].start_ms + 5000), "type": "r"}}
    assert [p for _start, p in listed(client)] == [False, True, True, False]

    pruned = node.recordings.prune_once()
    assert sorted(s.id for s in pruned) == [made[0].id, made[3].id]
    assert [p for _start, p in listed(client)] == [True, True]
    assert all(node.store.media.absolute(s.path).is_file() for s in made[1:3])
    assert not node.store.media.absolute(made[0].path).exists()
    assert node.recordings.prune_once() == []
    purges = client.get("/api/v1.2/tasks", params={"type": "purgecam"}, auth=ADMIN).json()["tasks"]
    assert [(t["status"], t["progress"], t["userId"], t["userName"]) for t in purges] == \
        [("done", "100%", None, "system")]


def test_a_slice_recorded_later_in_a_protected_range_is_protected(short_retention_node):
    node, client = short_retention_node
    start = recent_start_ms()
    assert precord(client, ADMIN, 1, start + 5000, start + 15_000, type="r").status_code == 201
    assert precord(client, ADMIN, 1, start, start + 30_000, type="a").status_code == 201
    made = record_indexed(node, seconds=30, slice_max_s=10, start_ms=start)
    assert [s.protected for s in made] == [True, True, False]
    assert [p for _start, p in listed(client)] == [True, True, False]
    alarm = record_indexed(node, seconds=10, slice_max_s=10, camera_id=1, start_ms=start + 40_000,
                           slice_type="a")
    assert [s.protected for s in alarm] == [False]                       # after the alarm range
    assert sorted(s.id for s in node.recordings.prune_once()) == [made[2].id, alarm[0].id]


def test_precord_errors_and_rights(short_retention_node):
    _node, client = short_retention_node
    start = int(time.time()) * 1000 - 60_000
    assert precord(client, CONSULT, 1, start, start + 1000).status_code == 403
    assert precord(client, PROTECT, 2, start, start + 1000).status_code == 403
    assert precord(client, ADMIN, 99, start, start + 1000).status_code == 404
    assert precord(client, ADMIN, 1, start + 1000, start).status_code == 400
    assert precord(client, ADMIN, 1, start, start + 1000, type="z").status_code == 400
    bad = client.post("/api/v1.2/precords", json={"precord": {"cameraId": 1, "from": "2018-13-45", "to": "x"}},
                      auth=ADMIN)
    assert bad.status_code == 400 and "from" in bad.json()["error"]
    missing = client.post("/api/v1.2/precords", json={"precord": {"cameraId": 1}}, auth=ADMIN)
    assert missing.status_code == 400 and set(missing.json()) == {"error"}
    assert client.post("/api/v1.2/precords", json={"precord": {"cameraId": 1}}).status_code == 401
    bare = client.post("/api/v1.2/precords", json={"CameraId": 1, "from": format_iso_s(start),
                                                   "to": format_iso_s(start + 1000)}, auth=PROTECT)
    assert bare.status_code == 201 and bare.json()["precord"]["cameraId"] == 1
