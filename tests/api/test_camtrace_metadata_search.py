"""CamTrace metadata event search on a real node, on SQLite and PostgreSQL: the documented criteria
and search examples, every comparator of every criterion format (string `= != like ilike`,
integer, datetime, boolean, enum), LIKE case sensitivity and escapes, every refusal, rights and
paging."""

from __future__ import annotations

import pytest

from tests.api.conftest import ADMIN, CONSULT
from tests.support.metadata import (
    CONSULTER,
    DOC_UUID,
    INSERTER,
    event,
    found_ids,
    grant_users,
    inserted,
    make_connector,
    search,
)

CRITERIA = f"/api/v1.2/devices/{DOC_UUID}/proxy/events/search/criteria"
OTHER_UUID = "5c7d2a10-1e2f-4a3b-8c4d-5e6f7a8b9c0d"

EVENTS = [   # name, type, params; one second apart from T(0)
    ("motion_cam", "analytics.motion", {"source": "Camera", "window": 1, "state": True}),
    ("motion_int", "analytics.motion", {"source": "internal", "window": 5, "state": False}),
    ("intrusion", "analytics.intrusion", {"window": 3, "state": True}),
    ("granted", "accesscontrol.accessgranted", {"userName": "Élodie", "doorName": "Porte_1"}),
    ("denied", "accesscontrol.accessdenied", {"userName": "bob", "doorName": "porte%2"}),
    ("vehicle", "lpr.vehicle", {"plate": "AB-123-CD"}),
    ("tamper", "device.tamper", {"state": True}),
    ("taken", "accesscontrol.accesstaken", {"userName": "carl", "doorName": "PorteX1"}),
]
NAMES = [name for name, _t, _p in EVENTS]


def T(second: int) -> str:
    return f"2024-02-14T12:17:{10 + second:02d}.500000Z"


@pytest.fixture
def ids(client):
    """The EVENTS inserted on the document's connector (plus one on another connector): name -> eventId."""
    make_connector(client)
    make_connector(client, OTHER_UUID, name="Other")
    inserted(client, event("analytics.motion", {"source": "Camera", "window": 1, "state": True}), OTHER_UUID)
    return {name: inserted(client, event(t, p, timestamp=T(i)))["eventId"]
            for i, (name, t, p) in enumerate(EVENTS)}


def names(client, ids, *criteria) -> list[str]:
    by_id = {v: k for k, v in ids.items()}
    return [by_id[i] for i in found_ids(client, [dict(zip(("name", "comparator", "value"), c)) for c in criteria])]


def refused(client, criteria, status=400) -> str:
    response = search(client, criteria)
    assert response.status_code == status, response.text
    return response.json()["error"]


def test_documented_criteria_of_an_analytics_connector(client):
    analytics = ["analytics.motion", "analytics.presence", "analytics.stationary", "analytics.linecross",
                 "analytics.multiplelinecross", "analytics.scenechange", "analytics.intrusion", "analytics.missing",
                 "analytics.face", "analytics.counting", "analytics.crowd", "analytics.running",
                 "analytics.videoloss", "analytics.videodefocus"]
    make_connector(client, eventTypes=analytics)
    response = client.get(CRITERIA, auth=ADMIN)
    assert response.status_code == 200
    criteria = response.json()["criteria"]
    assert criteria[0] == {   # the document's example, word for word
        "name": "type", "description": "Event type", "format": "enum",
        "values": ["analytics.stationary", "analytics.counting", "analytics.crowd", "analytics.face",
                   "analytics.intrusion", "analytics.linecross", "analytics.missing", "analytics.motion",
                   "analytics.multiplelinecross", "analytics.presence", "analytics.running", "analytics.scenechange",
                   "analytics.videodefocus", "analytics.videoloss"],
        "texts": ["Abandoned object", "Counting", "Crowd", "Face", "Intrusion", "Line cross", "Missing",
                  "Motion detection", "Multiple line cross", "Presence", "Running", "Scene change",
                  "Video focus loss", "Video loss"]}
    assert criteria[1:] == [
        {"name": "timestamp", "description": "Event date", "format": "datetime"},
        {"name": "eventId", "description": "Event ID", "format": "string"},
        {"name": "analytics.source", "description": "Source", "format": "string"},
        {"name": "analytics.window", "description": "Window", "format": "integer"},
        {"name": "analytics.state", "description": "State", "format": "boolean"},
        {"name": "analytics.objectId", "description": "Object", "format": "string"}]


def test_criteria_of_a_connector_with_every_type(client):
    make_connector(client)
    criteria = {c["name"]: c for c in client.get(CRITERIA, auth=ADMIN).json()["criteria"]}
    assert len(criteria["type"]["values"]) == 42
    assert set(criteria) == {"type", "timestamp", "eventId", "accesscontrol.idPointName", "accesscontrol.userName",
                             "accesscontrol.doorName", "analytics.source", "analytics.window", "analytics.state",
                             "analytics.objectId", "device.state", "lpr.plate", "io.id", "io.state", "detect.state",
                             "misc.state"}
    assert criteria["device.state"]["description"] == "State (Device)"
    assert criteria["lpr.plate"] == {"name": "lpr.plate", "description": "Plate", "format": "string"}


def test_documented_search_example(client, ids):
    doc = {"criteria": [{"name": "type", "value": "analytics.motion"},
                        {"name": "analytics.source", "value": "internal", "comparator": "!="}]}
    response = client.post(f"/api/v1.2/devices/{DOC_UUID}/proxy/events/search", json=doc, auth=ADMIN)
    assert response.status_code == 200
    assert response.json() == {"events": [{
        "id": ids["motion_cam"], "sourceId": DOC_UUID, "timestamp": "2024-02-14T12:17:10.500Z",
        "type": "analytics.motion", "description": {"params": {"source": "Camera", "window": 1, "state": True}},
        "label": "Motion detection from Camera in window 1 state true"}]}


def test_no_criteria_lists_the_connectors_events_oldest_first(client, ids):
    assert names(client, ids) == NAMES
    empty = client.post(f"/api/v1.2/devices/{DOC_UUID}/proxy/events/search", auth=ADMIN)
    assert len(empty.json()["events"]) == len(NAMES)


def test_string_comparators(client, ids):
    src = "analytics.source"
    assert names(client, ids, (src, "=", "Camera")) == ["motion_cam"]
    assert names(client, ids, (src, "=", "camera")) == []
    assert names(client, ids, (src, "!=", "internal")) == ["motion_cam"]      # events without a source: no
    assert names(client, ids, (src, "like", "Cam%")) == ["motion_cam"]
    assert names(client, ids, (src, "like", "cam%")) == []                     # like is case-sensitive
    assert names(client, ids, (src, "ilike", "cam%")) == ["motion_cam"]
    assert names(client, ids, (src, "ilike", "CAMERA")) == ["motion_cam"]
    assert names(client, ids, (src, "like", "%a%")) == ["motion_cam", "motion_int"]
    assert names(client, ids, (src, "like", "_nternal")) == ["motion_int"]
    assert names(client, ids, ("lpr.plate", "=", "AB-123-CD")) == ["vehicle"]


def test_like_and_ilike_on_non_ascii_text_and_escapes(client, ids):
    user, door = "accesscontrol.userName", "accesscontrol.doorName"
    assert names(client, ids, (user, "like", "élodie")) == []
    assert names(client, ids, (user, "like", "Élodie")) == ["granted"]
    assert names(client, ids, (user, "ilike", "élodie")) == ["granted"]
    assert names(client, ids, (user, "ilike", "ÉLO%")) == ["granted"]
    assert names(client, ids, (user, "ilike", "%B")) == ["denied"]
    assert names(client, ids, (door, "like", "Porte_1")) == ["granted", "taken"]     # _: any one character
    assert names(client, ids, (door, "like", "Porte\\_1")) == ["granted"]
    assert names(client, ids, (door, "like", "porte\\%2")) == ["denied"]
    assert names(client, ids, (door, "ilike", "PORTE\\%%")) == ["denied"]
    assert names(client, ids, (door, "ilike", "porte%")) == ["granted", "denied", "taken"]
    assert names(client, ids, (door, "like", "porte\\\\%")) == []


def test_integer_comparators(client, ids):
    w = "analytics.window"
    assert names(client, ids, (w, "<", 3)) == ["motion_cam"]
    assert names(client, ids, (w, ">", 3)) == ["motion_int"]
    assert names(client, ids, (w, "<=", 3)) == ["motion_cam", "intrusion"]
    assert names(client, ids, (w, ">=", 3)) == ["motion_int", "intrusion"]
    assert names(client, ids, (w, "=", 3)) == ["intrusion"]
    assert names(client, ids, (w, "!=", 3)) == ["motion_cam", "motion_int"]
    assert names(client, ids, (w, ">", -(2 ** 63))) == ["motion_cam", "motion_int", "intrusion"]


def test_datetime_comparators(client, ids):
    ts = "timestamp"
    assert names(client, ids, (ts, "<", T(2))) == NAMES[:2]
    assert names(client, ids, (ts, "<=", T(2))) == NAMES[:3]
    assert names(client, ids, (ts, ">", T(5))) == NAMES[6:]
    assert names(client, ids, (ts, ">=", T(5))) == NAMES[5:]
    assert names(client, ids, (ts, ">=", "2024-02-14T13:17:11.5+01:00"), (ts, "<=", T(3))) == NAMES[1:4]
    assert names(client, ids, (ts, "<", "2024-02-14T12:17:10.500001Z")) == NAMES[:1]
    assert names(client, ids, (ts, "<", "2024-02-14T12:17:10.5Z")) == []


def test_boolean_comparators(client, ids):
    assert names(client, ids, ("analytics.state", "=", True)) == ["motion_cam", "intrusion"]
    assert names(client, ids, ("analytics.state", "=", False)) == ["motion_int"]
    assert names(client, ids, ("analytics.state", "!=", True)) == ["motion_int"]
    assert names(client, ids, ("device.state", "=", True)) == ["tamper"]
    assert names(client, ids, ("device.state", "!=", True)) == []


def test_enum_comparators_and_the_default_comparator(client, ids):
    assert found_ids(client, [{"name": "type", "value": "analytics.motion"}]) == [ids["motion_cam"],
                                                                                   ids["motion_int"]]
    assert names(client, ids, ("type", "=", "lpr.vehicle")) == ["vehicle"]
    assert names(client, ids, ("type", "!=", "analytics.motion")) == NAMES[2:]
    assert names(client, ids, ("type", "=", "misc.quarantine")) == []


def test_event_id_criterion_ignores_case(client, ids):
    wanted = ids["vehicle"]
    assert names(client, ids, ("eventId", "=", wanted.upper())) == ["vehicle"]
    assert names(client, ids, ("eventId", "like", wanted[:8].upper() + "%")) == ["vehicle"]
    assert names(client, ids, ("eventId", "ilike", wanted[:8].upper() + "%")) == ["vehicle"]
    assert len(names(client, ids, ("eventId", "!=", wanted))) == len(NAMES) - 1


def test_refused_criteria(client, ids):
    cases = [
        ([{"name": "analytics.source", "value": "x", "comparator": "<"}], "not allowed"),
        ([{"name": "analytics.window", "value": 1, "comparator": "like"}], "not allowed"),
        ([{"name": "timestamp", "value": T(1)}], "not allowed"),                 # "=" is not a datetime comparator
        ([{"name": "analytics.state", "value": True, "comparator": ">"}], "not allowed"),
        ([{"name": "type", "value": "analytics.motion", "comparator": "like"}], "not allowed"),
        ([{"name": "analytics.source", "value": "x", "comparator": "LIKE"}], "not allowed"),
        ([{"name": "analytics.window", "value": "3"}], "must be an integer"),
        ([{"name": "analytics.window", "value": 2 ** 63}], "must be an integer"),
        ([{"name": "analytics.window", "value": True}], "must be an integer"),
        ([{"name": "analytics.state", "value": "true"}], "must be true or false"),
        ([{"name": "analytics.source", "value": 5}], "must be a text"),
        ([{"name": "type", "value": "analytics.nothing"}], "must be one of"),
        ([{"name": "timestamp", "value": "yesterday", "comparator": "<"}], "Invalid date for 'timestamp'"),
        ([{"name": "analytics.source", "value": "ab\\", "comparator": "like"}], "must be followed by"),
        ([{"name": "analytics.source", "value": "a\\b", "comparator": "ilike"}], "must be followed by"),
        ([{"name": "cameraName", "value": "x"}], "Unknown search criterion"),
        ([{"name": "analytics.source"}], "Each criterion must be"),
        ([{"value": "x"}], "Each criterion must be"),
        ([{"name": "type", "value": "lpr.vehicle", "extra": 1}], "Each criterion must be"),
        (["type"], "Each criterion must be"),
        ({"name": "type", "value": "lpr.vehicle"}, "criteria must be a list"),
    ]
    for criteria, fragment in cases:
        assert fragment in refused(client, criteria), criteria
    response = client.post(f"/api/v1.2/devices/{DOC_UUID}/proxy/events/search", json=["x"], auth=ADMIN)
    assert response.status_code == 400


def test_criteria_follow_the_connectors_event_types(client):
    make_connector(client, eventTypes=["lpr.vehicle", "lpr.blacklist"])
    criteria = client.get(CRITERIA, auth=ADMIN).json()["criteria"]
    assert [c["name"] for c in criteria] == ["type", "timestamp", "eventId", "lpr.plate"]
    assert criteria[0]["values"] == ["lpr.blacklist", "lpr.vehicle"]
    assert "Unknown search criterion" in refused(client, [{"name": "analytics.window", "value": 1}])
    assert "must be one of" in refused(client, [{"name": "type", "value": "analytics.motion"}])


def test_rights_consult_vs_insert(client, node, ids):
    grant_users(node)
    assert client.get(CRITERIA, auth=CONSULTER).status_code == 200
    assert len(search(client, [], auth=CONSULTER).json()["events"]) == len(NAMES)
    for auth in (INSERTER, CONSULT):
        assert client.get(CRITERIA, auth=auth).status_code == 403
        assert search(client, [], auth=auth).status_code == 403
    assert "Metadata consult" in client.get(CRITERIA, auth=INSERTER).json()["error"]
    missing = "/api/v1.2/devices/0b7c9a52-8f0c-4c43-9a4e-2f1e5d7a6b10/proxy/events/search"
    assert client.get(missing + "/criteria", auth=ADMIN).status_code == 404
    assert client.post(missing, json={"criteria": []}, auth=ADMIN).status_code == 404
    assert client.get(CRITERIA).status_code == 401


def test_paging_extension(client, ids):
    first = search(client, [], limit=3)
    assert [e["id"] for e in first.json()["events"]] == [ids[n] for n in NAMES[:3]]
    assert first.headers["link"] == (f"</api/v1.2/devices/{DOC_UUID}/proxy/events/search?limit=3&offset=3>; "
                                     'rel="next"')
    last = search(client, [], limit=3, offset=6)
    assert [e["id"] for e in last.json()["events"]] == [ids[n] for n in NAMES[6:]]
    assert "link" not in last.headers
    assert search(client, [], limit=0).status_code == 400


def test_deleting_the_connector_deletes_its_events(client, ids):
    assert client.delete(f"/api/v1.2/devices/{DOC_UUID}", auth=ADMIN).status_code == 204
    make_connector(client)
    assert found_ids(client, []) == []
    assert len(found_ids(client, [], OTHER_UUID)) == 1
