"""CamTrace extensions the web UI's alarms and exports pages use, over real HTTP on both databases:
the alarm list's `kind`/`endTime` fields and `kind`/`state` filters (acknowledging with untrigger
moves an alarm from active to ended), and `GET /precords` (newest first, range overlap, paging,
rights: a consult user lists only the cameras they see)."""

from camvault.core.alarms import MOTION, Alarm
from camvault.core.timefmt import format_iso_s, parse_iso_ms
from tests.api.conftest import ADMIN, CONSULT

ALARMS = "/api/v1.2/cameras/alarms"
PRECORDS = "/api/v1.2/precords"
PROTECT = ("pat", "pat-pw")
T0_MS = 1_700_000_000_000


def alarms(client, auth=ADMIN, **params):
    response = client.get(ALARMS, params=params, auth=auth)
    assert response.status_code == 200, response.text
    return response.json()["alarms"]


def test_alarm_kind_and_state(client, node):
    node.store.alarms.insert(Alarm(id=0, camera_id=2, time_ms=T0_MS, kind=MOTION, description="MOTION Alarm",
                                   end_ms=T0_MS + 4000))
    assert client.get(f"{ALARMS}/trigger", params={"cameraId": "1", "type": "porte1"}, auth=ADMIN).status_code == 200
    listed = alarms(client)
    assert [(a["cameraId"], a["kind"], a["endTime"]) for a in listed] == [
        (1, "trigger", None), (2, "motion", format_iso_s(T0_MS + 4000))]
    assert [a["cameraId"] for a in alarms(client, kind="motion")] == [2]
    assert [a["cameraId"] for a in alarms(client, kind="trigger", state="active")] == [1]
    assert [a["cameraId"] for a in alarms(client, state="ended")] == [2]
    assert client.get(f"{ALARMS}/untrigger", params={"cameraId": "1"}, auth=CONSULT).status_code == 200
    assert alarms(client, state="active") == []
    ended = alarms(client, auth=CONSULT, state="ended")
    assert [a["cameraId"] for a in ended] == [1], "consult sees camera 1 only"
    assert parse_iso_ms(ended[0]["endTime"]) >= parse_iso_ms(ended[0]["time"])
    for query in ({"kind": "smoke"}, {"state": "open"}):
        response = client.get(ALARMS, params=query, auth=ADMIN)
        assert response.status_code == 400 and next(iter(query)) in response.json()["error"], query


def protect(client, camera_id, from_ms, to_ms, auth=ADMIN, **extra):
    body = {"precord": {"cameraId": camera_id, "from": format_iso_s(from_ms), "to": format_iso_s(to_ms), **extra}}
    response = client.post(PRECORDS, json=body, auth=auth)
    assert response.status_code == 201, response.text


def test_precords_list(client, node):
    node.users.create(PROTECT[0], PROTECT[1], "protection", camera_ids=[1])
    protect(client, 1, T0_MS, T0_MS + 60_000, auth=PROTECT, comment="first")
    protect(client, 2, T0_MS + 120_000, T0_MS + 180_000, type="a")
    protect(client, 1, T0_MS + 300_000, T0_MS + 360_000)
    listed = client.get(PRECORDS, auth=ADMIN).json()["precords"]
    assert [(p["cameraId"], p["from"]) for p in listed] == [
        (1, format_iso_s(T0_MS + 300_000)), (2, format_iso_s(T0_MS + 120_000)), (1, format_iso_s(T0_MS))]
    oldest = listed[-1]
    assert oldest["comment"] == "first" and oldest["type"] == "r" and oldest["to"] == format_iso_s(T0_MS + 60_000)
    assert oldest["userId"] == node.users.by_name(PROTECT[0]).id and oldest["createdAt"].endswith("Z")
    window = {"from": format_iso_s(T0_MS + 59_000), "to": format_iso_s(T0_MS + 130_000)}
    assert [p["cameraId"] for p in client.get(PRECORDS, params=window, auth=ADMIN).json()["precords"]] == [2, 1]
    first = client.get(PRECORDS, params={"limit": 2}, auth=ADMIN)
    assert len(first.json()["precords"]) == 2 and 'rel="next"' in first.headers["link"]
    assert [p["cameraId"] for p in client.get(PRECORDS, auth=CONSULT).json()["precords"]] == [1, 1]
    assert client.get(PRECORDS, params={"cameraId": "2"}, auth=CONSULT).status_code == 403
    assert client.get(PRECORDS, params={"cameraId": "9"}, auth=ADMIN).status_code == 404
    assert client.get(PRECORDS, params={"from": "soon"}, auth=ADMIN).status_code == 400
    assert client.get(PRECORDS).status_code == 401
