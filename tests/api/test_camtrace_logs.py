"""Logs (Admin): user actions (logins and changing requests with the IP), camera connections,
the system log with its search options; a user regex cannot hang the server."""

import logging
import time

import pytest

from camvault.core.model import ConnectionEvent
from tests.api.conftest import ADMIN, CONSULT


def test_logins_and_changing_requests_are_logged_with_ip(client):
    client.get("/api/v1.2/users/login", auth=CONSULT)
    client.post("/api/v1.2/cameras", json={"name": "X", "source": "synthetic://", "isIgnored": True}, auth=ADMIN)
    client.get("/api/v1.2/cameras", auth=ADMIN)                 # a read is not an action
    body = client.get("/api/v1.2/users/actions", auth=ADMIN).json()
    actions = body["actions"]
    assert [a["action"] for a in actions] == ["POST /api/v1.2/cameras", "LogUserLogin"]
    assert actions[0]["userName"] == "admin" and actions[1]["userName"] == "carl"
    assert actions[0]["ipAddress"] == "testclient" and actions[0]["description"] == "Create camera"
    assert body["paging"] == {"total": 2, "offset": 2, "limit": 20}
    carl_id = actions[1]["userId"]
    mine = client.get(f"/api/v1.2/users/{carl_id}/actions", auth=ADMIN).json()["actions"]
    assert [a["action"] for a in mine] == ["LogUserLogin"]
    assert client.get("/api/v1.2/users/actions?from=2099-01-01T00:00:00Z", auth=ADMIN).json()["actions"] == []


def test_logs_need_the_admin_profile(client):
    for path in ("/api/v1.2/users/actions", "/api/v1.2/cameras/connections", "/api/v1.2/system/logs"):
        assert client.get(path, auth=CONSULT).status_code == 403
        assert client.get(path).status_code == 401


def test_camera_connections_filters_and_paging(client, node):
    for i, (cam, connected) in enumerate([(1, True), (2, True), (1, False), (1, True)]):
        node.store.connections.add(ConnectionEvent(cam, 1, connected, 1_600_000_000_000 + i * 1000, "x"))
    everything = client.get("/api/v1.2/cameras/connections", auth=ADMIN).json()
    assert [(c["cameraId"], c["connected"]) for c in everything["connections"]] == \
        [(1, True), (1, False), (2, True), (1, True)]
    first = everything["connections"][0]
    assert first["cameraName"] == "Cam 1" and first["streamId"] == 1 and first["streamName"] == "stream1"
    assert first["dateTime"] == "2020-09-13T12:26:43Z"
    one = client.get("/api/v1.2/cameras/1/connections?limit=2", auth=ADMIN).json()
    assert len(one["connections"]) == 2 and one["paging"] == {"total": 3, "offset": 2, "limit": 2}
    down = client.get("/api/v1.2/cameras/connections?id_cams=1,2&connected=false", auth=ADMIN).json()
    assert [c["id"] for c in down["connections"]] == [everything["connections"][1]["id"]]
    assert client.get("/api/v1.2/cameras/connections?connected=maybe", auth=ADMIN).status_code == 400
    assert client.get("/api/v1.2/cameras/connections?id_cams=a", auth=ADMIN).status_code == 400
    assert client.get("/api/v1.2/cameras/connections?limit=0", auth=ADMIN).status_code == 400


@pytest.fixture
def logged(node):
    root = logging.getLogger()
    previous = root.level
    root.setLevel(logging.INFO)
    log = logging.getLogger("camvault.test")
    log.info("[4.11] stream status : connected and received frames")
    log.warning("[4.11] WARNING: no frame received for 10 seconds")
    log.error("connect() to 8383838:4000: Invalid argument [22]")
    node.system_log.write_pending()
    yield
    root.setLevel(previous)


def events(client, query="", **params):
    body = client.get(f"/api/v1.2/system/logs?{query}", params=params or None, auth=ADMIN).json()
    return [e["event"] for e in body["systemLogs"] if "4.11" in e["event"] or "8383838" in e["event"]], body


def test_system_log_levels_and_plain_search(client, logged):
    problems, body = events(client)
    assert problems == ["connect() to 8383838:4000: Invalid argument [22]", "[4.11] WARNING: no frame received for 10 seconds"]
    entry = next(e for e in body["systemLogs"] if "8383838" in e["event"])
    assert entry["type"] == "ERROR" and entry["name"].endswith("@test_camtrace_logs")
    everything, _ = events(client, "all=true")
    assert everything[-1] == "[4.11] stream status : connected and received frames"
    assert events(client, "all=1&search=WARNING")[0] == ["[4.11] WARNING: no frame received for 10 seconds"]
    assert events(client, "all=1&search=warning")[0] == []
    assert events(client, "all=1&search=warning&noCase=1")[0] == ["[4.11] WARNING: no frame received for 10 seconds"]
    negative, _ = events(client, "all=1&search=4.11&negative=1")
    assert negative == ["connect() to 8383838:4000: Invalid argument [22]"]


def test_system_log_regex_search(client, logged):
    assert events(client, all=1, regex=1, search=r"\d{7}:\d+")[0] == ["connect() to 8383838:4000: Invalid argument [22]"]
    assert events(client, all=1, regex=1, noCase=1, search=r"^\[4\.11\] warn")[0] == \
        ["[4.11] WARNING: no frame received for 10 seconds"]
    assert events(client, all=1, regex=1, search=r"^\[4\.11\] warn")[0] == []
    bad = client.get("/api/v1.2/system/logs?regex=1&search=(unclosed", auth=ADMIN)
    assert bad.status_code == 400 and "regular expression" in bad.json()["error"]


def test_a_catastrophic_regex_is_stopped_in_bounded_time(client, node):
    root = logging.getLogger()
    previous = root.level
    root.setLevel(logging.INFO)
    logging.getLogger("camvault.test").warning("a" * 40 + "!")
    node.system_log.write_pending()
    root.setLevel(previous)
    started = time.monotonic()
    response = client.get("/api/v1.2/system/logs", params={"regex": "1", "search": "(a|aa)+$"}, auth=ADMIN)
    assert time.monotonic() - started < 15      # unbounded, this pattern would run for hours
    assert response.status_code == 400 and "too long" in response.json()["error"]
