"""The user-management extension (`GET/POST /api/v1.2/users`, `GET /users/:id`,
`PUT /users/:id/cameras`) over real HTTP on one in-process node (SQLite; the user tables are
covered on both databases by tests/services/test_users.py): a created user logs in and sees only the
cameras of its rights, rights are replaced, bad input writes nothing, non-admins are refused, and
`/users/login` still answers the caller."""

from __future__ import annotations

import itertools

import pytest
from fastapi.testclient import TestClient

from camvault.api.http import build_http_app
from camvault.app import Camvault
from camvault.config import CameraConfig, Config, DatabaseConfig, StorageConfig

ADMIN = ("admin", "admin-pw")
CONSULT = ("carl", "carl-pw")
NAMES = (f"user{i}" for i in itertools.count())


@pytest.fixture(scope="module")
def http(tmp_path_factory):
    data = tmp_path_factory.mktemp("user-admin")
    cameras = [CameraConfig(id=i, name=f"Cam {i}", source="synthetic://?width=160&height=90&fps=5", enabled=False)
               for i in (1, 2, 3)]
    config = Config(storage=StorageConfig(data_dir=data / "data", min_free_bytes=0),
                    database=DatabaseConfig(url=f"sqlite:///{data / 'camvault.db'}"), cameras=cameras)
    node = Camvault(config, admin_password=ADMIN[1])
    with TestClient(build_http_app(node, announce=lambda _m: None)) as client:
        node.users.create(CONSULT[0], CONSULT[1], "consult", camera_ids=[1])
        yield client


def names(http) -> list[str]:
    return [u["name"] for u in http.get("/api/v1.2/users", auth=ADMIN).json()["users"]]


def test_the_list_shows_profiles_and_rights(http):
    users = {u["name"]: u for u in http.get("/api/v1.2/users", auth=ADMIN).json()["users"]}
    assert users["admin"]["profile"] == "admin" and users["admin"]["admin"] is True
    assert users["carl"] == {"id": users["carl"]["id"], "name": "carl", "profile": "consult", "admin": False,
                             "cameras": [{"id": 1, "playLive": True, "playRecords": True, "ptz": False}]}


def test_a_created_user_sees_only_its_cameras(http):
    name = next(NAMES)
    answer = http.post("/api/v1.2/users", auth=ADMIN, json={"user": {
        "name": name, "password": "pw-1", "profile": "consult",
        "cameras": [{"id": 2, "playLive": True, "playRecords": False, "ptz": True}]}})
    assert answer.status_code == 201, answer.text
    created = answer.json()
    assert answer.headers["location"] == f"/api/v1.2/users/{created['id']}"
    assert created["cameras"] == [{"id": 2, "playLive": True, "playRecords": False, "ptz": True}]
    assert http.get(answer.headers["location"], auth=ADMIN).json() == created
    cameras = http.get("/api/v1.2/cameras", auth=(name, "pw-1")).json()["cameras"]
    assert [(c["id"], c["playLiveAllowed"], c["playRecordsAllowed"]) for c in cameras] == [(2, True, False)]
    assert http.get("/api/v1.2/users/login", auth=(name, "pw-1")).json()["user"]["name"] == name


def test_rights_are_replaced(http):
    name = next(NAMES)
    user_id = http.post("/api/v1.2/users", auth=ADMIN, json={"name": name, "password": "pw", "cameras": [{"id": 1}]}
                        ).json()["id"]
    answer = http.put(f"/api/v1.2/users/{user_id}/cameras", auth=ADMIN,
                      json={"cameras": [{"id": 3, "playRecords": False}, {"id": 2}]})
    assert answer.status_code == 200, answer.text
    assert [c["id"] for c in answer.json()["cameras"]] == [2, 3]
    assert [c["id"] for c in http.get("/api/v1.2/cameras", auth=(name, "pw")).json()["cameras"]] == [2, 3]
    cleared = http.put(f"/api/v1.2/users/{user_id}/cameras", auth=ADMIN, json={"cameras": []})
    assert cleared.json()["cameras"] == []
    assert http.get("/api/v1.2/cameras", auth=(name, "pw")).json()["cameras"] == []


@pytest.mark.parametrize("user, status", [
    ({"name": "x1", "password": "pw", "cameras": [{"id": 9}]}, 400),                # unknown camera
    ({"name": "x2", "password": "pw", "cameras": [{"id": 1}, {"id": 1}]}, 400),     # repeated
    ({"name": "x3", "password": "pw", "profile": "boss"}, 400),
    ({"name": "x4", "password": ""}, 400),
    ({"name": "x5"}, 400),
    ({"name": "x6", "password": "pw", "rights": []}, 400),                           # unknown field
    ({"name": "carl", "password": "pw"}, 409),
])
def test_bad_creations_write_nothing(http, user, status):
    before = names(http)
    answer = http.post("/api/v1.2/users", auth=ADMIN, json={"user": user})
    assert answer.status_code == status, answer.text
    assert answer.json()["error"]
    assert names(http) == before


def test_unknown_users_are_404(http):
    for path in ("/api/v1.2/users/999", "/api/v1.2/users/abc"):
        assert http.get(path, auth=ADMIN).status_code == 404
    assert http.put("/api/v1.2/users/999/cameras", auth=ADMIN, json={"cameras": []}).status_code == 404


def test_only_admins_manage_users(http):
    carl = http.get("/api/v1.2/users/login", auth=CONSULT).json()["user"]
    assert http.get("/api/v1.2/users", auth=CONSULT).status_code == 403
    assert http.get(f"/api/v1.2/users/{carl['id']}", auth=CONSULT).status_code == 403
    assert http.post("/api/v1.2/users", auth=CONSULT, json={"name": "y", "password": "pw"}).status_code == 403
    answer = http.put(f"/api/v1.2/users/{carl['id']}/cameras", auth=CONSULT, json={"cameras": [{"id": 2}]})
    assert answer.status_code == 403
    assert [c["id"] for c in http.get("/api/v1.2/cameras", auth=CONSULT).json()["cameras"]] == [1]
