"""CamTrace alarms over real HTTP on both databases: trigger/untrigger (200, empty text/html),
the list (documented shape, q/from/to filters, newest-first paging with Link), rights (CONSULT sees
camera 1 only), the public picture endpoint and every error path."""

from camvault.core.timefmt import parse_iso_ms
from tests.api.conftest import ADMIN, CONSULT

ALARMS = "/api/v1.2/cameras/alarms"


def trigger(client, query, auth=ADMIN):
    return client.get(f"{ALARMS}/trigger", params=query, auth=auth)


def listed(client, path=ALARMS, auth=ADMIN, **params):
    response = client.get(path, params=params, auth=auth)
    assert response.status_code == 200, response.text
    return response


def test_trigger_and_untrigger_answer_as_documented(client):
    response = trigger(client, {"cameraId": "1,3", "type": "porte1"})
    assert response.status_code == 200 and response.content == b""
    assert response.headers["content-type"].startswith("text/html")
    alarms = listed(client).json()["alarms"]
    assert sorted(a["cameraId"] for a in alarms) == [1, 3]
    for alarm in alarms:
        assert set(alarm) == {"id", "time", "recordTime", "cameraId", "description", "snapshot", "thumbnail",
                              "kind", "endTime"}
        assert alarm["description"] == "porte1 Alarm"
        assert alarm["recordTime"] is None, "ignored cameras record nothing"
        assert alarm["time"].endswith("Z") and len(alarm["time"]) == 20
        assert alarm["snapshot"] == f"/api/v1.2/cameras/alarms/{alarm['id']}.jpg"
        assert alarm["thumbnail"] == f"/api/v1.2/cameras/alarms/{alarm['id']}.jpg?w=50&h=50"
    untriggered = client.get(f"{ALARMS}/untrigger", params={"cameraId": "1,3"}, auth=ADMIN)
    assert untriggered.status_code == 200 and untriggered.content == b""
    assert untriggered.headers["content-type"].startswith("text/html")


def test_trigger_errors(client):
    for query in ({}, {"cameraId": ""}, {"cameraId": "abc"}, {"cameraId": "1,,2"}, {"cameraId": "-1"}):
        response = trigger(client, query)
        assert response.status_code == 400 and "cameraId" in response.json()["error"], query
    assert client.get(f"{ALARMS}/untrigger", auth=ADMIN).status_code == 400
    assert trigger(client, {"cameraId": "1,99"}).status_code == 404
    assert trigger(client, {"cameraId": "1", "type": "x" * 65}).status_code == 400
    assert trigger(client, {"cameraId": "1"}, auth=None).status_code == 401
    assert trigger(client, {"cameraId": "2"}, auth=CONSULT).status_code == 403
    assert trigger(client, {"cameraId": "1,2"}, auth=CONSULT).status_code == 403
    assert client.get(f"{ALARMS}/untrigger", params={"cameraId": "2"}, auth=CONSULT).status_code == 403
    assert listed(client).json() == {"alarms": []}, "a refused trigger raises nothing"


def test_list_filters_newest_first(client):
    trigger(client, {"cameraId": "1", "type": "porte1"})
    trigger(client, {"cameraId": "2", "type": "garage"})
    trigger(client, {"cameraId": "3"})
    alarms = listed(client).json()["alarms"]
    assert [a["description"] for a in alarms] == ["TRIGGER Alarm", "garage Alarm", "porte1 Alarm"]
    times = [parse_iso_ms(a["time"]) for a in alarms]
    assert times == sorted(times, reverse=True)
    assert [a["cameraId"] for a in listed(client, q="PORTE").json()["alarms"]] == [1]
    assert listed(client, q="nothing like it").json() == {"alarms": []}
    assert len(listed(client, **{"from": "2000-01-01T00:00:00Z"}).json()["alarms"]) == 3
    assert listed(client, **{"from": "2100-01-01T00:00:00Z"}).json() == {"alarms": []}
    assert listed(client, to="2000-01-01T00:00:00Z").json() == {"alarms": []}
    assert [a["cameraId"] for a in listed(client, "/api/v1.2/cameras/2/alarms").json()["alarms"]] == [2]


def test_paging_and_link_header(client):
    for _ in range(3):
        trigger(client, {"cameraId": "1,2"})
    everything = [a["id"] for a in listed(client).json()["alarms"]]
    assert everything == sorted(everything, reverse=True) and len(everything) == 6
    first = listed(client, limit=4)
    assert [a["id"] for a in first.json()["alarms"]] == everything[:4]
    assert first.headers["link"] == f'<{ALARMS}?limit=4&offset=4>; rel="next"'
    second = listed(client, limit=4, offset=4)
    assert [a["id"] for a in second.json()["alarms"]] == everything[4:]
    assert "link" not in second.headers
    filtered = listed(client, "/api/v1.2/cameras/1/alarms", limit=2, q="Alarm")
    assert filtered.headers["link"] == '</api/v1.2/cameras/1/alarms?limit=2&q=Alarm&offset=2>; rel="next"'
    assert "link" not in listed(client, limit=20).headers


def test_rights_filter_every_list(client):
    trigger(client, {"cameraId": "1,2,3"})
    assert [a["cameraId"] for a in listed(client, auth=CONSULT).json()["alarms"]] == [1]
    assert [a["cameraId"] for a in listed(client, "/api/v1.2/cameras/1/alarms", auth=CONSULT).json()["alarms"]] == [1]
    assert client.get("/api/v1.2/cameras/2/alarms", auth=CONSULT).status_code == 403
    assert trigger(client, {"cameraId": "1"}, auth=CONSULT).status_code == 200, "viewers may trigger"


def test_list_errors(client):
    assert client.get(ALARMS).status_code == 401
    assert client.get("/api/v1.2/cameras/99/alarms", auth=ADMIN).status_code == 404
    assert client.get("/api/v1.2/cameras/abc/alarms", auth=ADMIN).status_code == 404
    for params in ({"from": "yesterday"}, {"to": "2014-13-45"}, {"limit": "0"}, {"limit": "x"}, {"offset": "-1"},
                   {"from": "2020-01-02T00:00:00Z", "to": "2020-01-01T00:00:00Z"}):
        response = client.get(ALARMS, params=params, auth=ADMIN)
        assert response.status_code == 400 and set(response.json()) == {"error"}, params


def test_picture_errors_need_no_auth(client):
    trigger(client, {"cameraId": "1"})
    [alarm] = listed(client).json()["alarms"]
    for path in (alarm["snapshot"], f"{ALARMS}/999999.jpg", f"{ALARMS}/abc.jpg", alarm["thumbnail"]):
        response = client.get(path)
        assert response.status_code == 404 and set(response.json()) == {"error"}, path
