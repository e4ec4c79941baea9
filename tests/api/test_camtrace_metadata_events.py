"""CamTrace metadata event insertion on a real node: the documented example, every refusal (type,
each parameter type, missing and extra parameters, v4 eventId, duplicate), rights ("Insert
metadata" vs "Metadata consult"), and the effects: an alarm on the connector's cameras and a
METADATA event on the bus."""

from __future__ import annotations

from camvault.core.metadata import EVENT_TYPES
from camvault.services.events import METADATA
from tests.api.conftest import ADMIN, CONSULT
from tests.support.metadata import (
    CONSULTER,
    DOC_UUID,
    INSERTER,
    SAMPLE,
    event,
    grant_users,
    insert,
    inserted,
    make_connector,
)

EVENTS = "/api/v1.2/devices/" + DOC_UUID + "/events"


def error_of(response, status: int) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert list(body) == ["error"] and isinstance(body["error"], str)
    return body["error"]


def test_documented_example(client):
    make_connector(client)
    doc = {"event": {"eventId": "53163f64-0994-4c10-b1ad-44d3c6ff1334", "type": "accesscontrol.idpointactivity",
                     "description": {"params": {"idPointName": "pt1"}}, "timestamp": "2022-07-25T16:26:36.903Z"}}
    response = client.post(EVENTS, json=doc, auth=ADMIN)
    assert response.status_code == 201
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"event": {"eventId": "53163f64-0994-4c10-b1ad-44d3c6ff1334",
                                         "type": "accesscontrol.idpointactivity",
                                         "timestamp": "2022-07-25T16:26:36.903Z"}}
    found = client.post(f"/api/v1.2/devices/{DOC_UUID}/proxy/events/search", json={"criteria": []}, auth=ADMIN)
    assert found.json()["events"] == [{"id": "53163f64-0994-4c10-b1ad-44d3c6ff1334", "sourceId": DOC_UUID,
                                       "timestamp": "2022-07-25T16:26:36.903Z",
                                       "type": "accesscontrol.idpointactivity",
                                       "description": {"params": {"idPointName": "pt1"}},
                                       "label": "Activity on ID point pt1"}]


def test_every_type_with_its_typed_params_is_accepted(client):
    make_connector(client)
    for name, t in EVENT_TYPES.items():
        body = event(name, {p: SAMPLE[p] for p in t.params} if t.params else None)
        assert inserted(client, body)["type"] == name
    assert len(EVENT_TYPES) == 42


def test_microsecond_time_kept_and_zone_converted(client):
    make_connector(client)
    assert inserted(client, event(timestamp="2024-02-14T12:17:25.669458Z"))["timestamp"] \
        == "2024-02-14T12:17:25.669458Z"
    assert inserted(client, event(timestamp="2022-07-25T18:26:36+02:00"))["timestamp"] == "2022-07-25T16:26:36.000Z"
    assert inserted(client, event(timestamp="2022-07-25T16:26:36"))["timestamp"] == "2022-07-25T16:26:36.000Z"


INVALID = [
    (event("accesscontrol.unknownthing"), "Unknown event type"),
    (event("ACCESSCONTROL.IDPOINTACTIVITY", {"idPointName": "x"}), "Unknown event type"),
    ({**event(), "type": 7}, "Unknown event type"),
    (event("accesscontrol.idpointactivity", {}), "Parameter 'idPointName' is mandatory"),
    (event("accesscontrol.idpointactivity", None), "Parameter 'idPointName' is mandatory"),
    (event("accesscontrol.idpointactivity", {"idPointName": None}), "Parameter 'idPointName' is mandatory"),
    (event("accesscontrol.idpointactivity", {"idPointName": "pt1", "doorName": "D1"}),
     "Parameter 'doorName' is not accepted"),
    (event("analytics.stationary", {"state": True}), "Parameter 'state' is not accepted"),
    (event("accesscontrol.idpointactivity", {"idPointName": 5}), "'idPointName' must be a text"),
    (event("accesscontrol.accessgranted", {"userName": "a", "doorName": ["D1"]}), "'doorName' must be a text"),
    (event("analytics.motion", {"source": True, "window": 1, "state": True}), "'source' must be a text"),
    (event("analytics.intrusion", {"window": "2", "state": True}), "'window' must be an integer"),
    (event("analytics.intrusion", {"window": 2.5, "state": True}), "'window' must be an integer"),
    (event("analytics.intrusion", {"window": True, "state": True}), "'window' must be an integer"),
    (event("analytics.intrusion", {"window": 2 ** 63, "state": True}), "'window' must be an integer"),
    (event("analytics.presence", {"state": "true"}), "'state' must be a boolean"),
    (event("analytics.presence", {"state": 1}), "'state' must be a boolean"),
    (event("lpr.vehicle", {"plate": "x" * 256}), "at most 255 characters"),
    ({**event(), "description": {"params": {"idPointName": "p"}, "onvifParams": {}}}, "description must be"),
    ({**event(), "description": ["idPointName"]}, "description must be"),
    ({**event(), "description": {"params": "pt1"}}, "description must be"),
    ({**event(), "label": "x"}, "Unknown event attribute 'label'"),
    ({k: v for k, v in event(params={"idPointName": "p"}).items() if k != "eventId"}, "'eventId' is mandatory"),
    ({k: v for k, v in event(params={"idPointName": "p"}).items() if k != "type"}, "'type' is mandatory"),
    (event(params={"idPointName": "p"}, timestamp="25/07/2022"), "Invalid date for 'timestamp'"),
    (event(params={"idPointName": "p"}, timestamp=1658766396), "Invalid date for 'timestamp'"),
]
"""(body, part of the error message): every refusal of an event's content."""

NOT_V4 = [
    "53163f64-0994-1c10-b1ad-44d3c6ff1334",        # version 1
    "53163f64-0994-5c10-b1ad-44d3c6ff1334",        # version 5
    "53163f64-0994-4c10-71ad-44d3c6ff1334",        # not the RFC 4122 variant
    "53163f6409944c10b1ad44d3c6ff1334",            # not the canonical form
    "{53163f64-0994-4c10-b1ad-44d3c6ff1334}",
    "53163f64-0994-4c10-b1ad-44d3c6ff133",
    "pt1", 12,
]


def test_invalid_events_are_refused(client):
    make_connector(client)
    for body, fragment in INVALID:
        assert fragment in error_of(insert(client, body), 400), body
    for event_id in NOT_V4:
        assert "v4 UUID" in error_of(insert(client, event(event_id=event_id)), 400), event_id
    found = client.post(f"/api/v1.2/devices/{DOC_UUID}/proxy/events/search", json={}, auth=ADMIN)
    assert found.json() == {"events": []}


def test_duplicate_event_id_is_refused_even_in_upper_case_or_on_another_connector(client):
    make_connector(client)
    other = make_connector(client, "5c7d2a10-1e2f-4a3b-8c4d-5e6f7a8b9c0d", name="Other")["uuid"]
    body = event(params={"idPointName": "p"}, event_id="53163f64-0994-4c10-b1ad-44d3c6ff1334")
    inserted(client, body)
    assert "already exists" in error_of(insert(client, body), 409)
    upper = {**body, "eventId": body["eventId"].upper()}
    assert "already exists" in error_of(insert(client, upper), 409)
    assert "already exists" in error_of(insert(client, body, other), 409)
    french = client.post(EVENTS, json={"event": body}, auth=ADMIN, headers={"Accept-Language": "fr"})
    assert error_of(french, 409) == "Un événement d'eventId 53163f64-0994-4c10-b1ad-44d3c6ff1334 existe déjà"


def test_unknown_connector_is_404(client):
    body = event(params={"idPointName": "p"})
    assert "not found" in error_of(insert(client, body), 404)
    assert "not found" in error_of(insert(client, body, "not-a-uuid"), 404)


def test_type_outside_the_connectors_event_types_is_refused(client):
    make_connector(client, eventTypes=["lpr.vehicle"])
    assert inserted(client, event("lpr.vehicle", {"plate": "AB"}))
    assert "does not accept" in error_of(insert(client, event(params={"idPointName": "p"})), 400)


def test_insert_needs_the_insert_right(client, node):
    make_connector(client)
    grant_users(node)
    body = event(params={"idPointName": "p"})
    assert insert(client, body, auth=INSERTER).status_code == 201
    assert "Insert metadata" in error_of(insert(client, event(params={"idPointName": "p"}), auth=CONSULTER), 403)
    assert "Insert metadata" in error_of(insert(client, event(params={"idPointName": "p"}), auth=CONSULT), 403)
    assert insert(client, body, auth=("ines", "wrong")).status_code == 401
    node.users.grant_object(INSERTER[0], "connector", DOC_UUID, set())
    assert insert(client, event(params={"idPointName": "p"}), auth=INSERTER).status_code == 403


def test_event_raises_an_alarm_on_the_linked_cameras(client, node):
    make_connector(client, cameraIds=[1, 3])
    inserted(client, event("accesscontrol.accessgranted", {"userName": "alice", "doorName": "D1"}))
    for camera_id in (1, 3):
        alarms = client.get(f"/api/v1.2/cameras/{camera_id}/alarms", auth=ADMIN).json()["alarms"]
        assert [a["description"] for a in alarms] == ["Access granted to alice at door D1 Alarm"]
    assert client.get("/api/v1.2/cameras/2/alarms", auth=ADMIN).json()["alarms"] == []
    assert node.alarms.has_active_alarm(1) and node.alarms.has_active_alarm(3)


def test_alarm_types_and_state_false_decide_the_alarm(client):
    make_connector(client, cameraIds=[2], alarmTypes=["analytics.presence"])
    inserted(client, event("lpr.vehicle", {"plate": "AB"}))                 # not an alarm type
    inserted(client, event("analytics.presence", {"state": False}))         # the end of a presence
    assert client.get("/api/v1.2/cameras/2/alarms", auth=ADMIN).json()["alarms"] == []
    inserted(client, event("analytics.presence", {"state": True}))
    alarms = client.get("/api/v1.2/cameras/2/alarms", auth=ADMIN).json()["alarms"]
    assert [a["description"] for a in alarms] == ["Presence state true Alarm"]
    client.put(f"/api/v1.2/devices/{DOC_UUID}", json={"device": {"alarmTypes": []}}, auth=ADMIN)
    inserted(client, event("analytics.presence", {"state": True}))
    assert len(client.get("/api/v1.2/cameras/2/alarms", auth=ADMIN).json()["alarms"]) == 1


def test_event_is_published_on_the_bus(client, node):
    make_connector(client, cameraIds=[3, 1])
    seen = []
    unsubscribe = node.events.subscribe(lambda e: seen.append(e) if e.kind == METADATA else None)
    body = event("analytics.motion", {"source": "camera", "window": 4, "state": True},
                 timestamp="2022-07-25T16:26:36.903Z", event_id="53163f64-0994-4c10-b1ad-44d3c6ff1334")
    inserted(client, body)
    assert node.events.wait_idle()
    unsubscribe()
    assert len(seen) == 1
    published = seen[0]
    assert (published.kind, published.at_ms, published.camera_ids, published.type) == (
        METADATA, 1_658_766_396_903, (1, 3), "analytics.motion")
    assert published.data == {"source": "camera", "window": 4, "state": True,
                              "eventId": "53163f64-0994-4c10-b1ad-44d3c6ff1334", "connectorUuid": DOC_UUID}


def test_refused_event_is_neither_stored_nor_published(client, node):
    make_connector(client, cameraIds=[1])
    seen = []
    node.events.subscribe(lambda e: seen.append(e) if e.kind == METADATA else None)
    assert insert(client, event("analytics.presence", {"state": "yes"})).status_code == 400
    assert node.events.wait_idle()
    assert seen == []
    assert client.get("/api/v1.2/cameras/1/alarms", auth=ADMIN).json()["alarms"] == []
    found = client.post(f"/api/v1.2/devices/{DOC_UUID}/proxy/events/search", json={}, auth=ADMIN)
    assert found.json() == {"events": []}


def test_body_must_be_json(client):
    make_connector(client)
    response = client.post(EVENTS, content=b"not json", auth=ADMIN, headers={"Content-Type": "application/json"})
    assert "JSON" in error_of(response, 400)
    assert "JSON" in error_of(client.post(EVENTS, json=[1], auth=ADMIN), 400)
