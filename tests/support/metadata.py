"""Helpers of the metadata tests: the document's connector uuid, connectors made through the Admin
extension, users holding one right on a connector, and event insertion."""

from __future__ import annotations

import uuid

from camvault.core.metadata import EVENT_TYPES
from tests.api.conftest import ADMIN

DOC_UUID = "3000efd7-62b3-4a6e-ac05-a76f0d831a56"
"""The connector uuid of the document's examples."""
INSERTER = ("ines", "ines-pw")      # "Insert metadata" on DOC_UUID
CONSULTER = ("conrad", "conrad-pw")  # "Metadata consult" on DOC_UUID


def make_connector(client, uuid_=DOC_UUID, **fields) -> dict:
    body = {"uuid": uuid_, "name": fields.pop("name", "Access control"), **fields}
    created = client.post("/api/v1.2/devices", json={"device": body}, auth=ADMIN)
    assert created.status_code == 201, created.text
    return created.json()["device"]


def grant_users(node, uuid_=DOC_UUID) -> None:
    """INSERTER may insert, CONSULTER may consult (neither the other)."""
    for (name, password), action in ((INSERTER, "insert"), (CONSULTER, "consult")):
        node.users.create(name, password, "consult")
        node.users.grant_object(name, "connector", uuid_, {action})


SAMPLE = {"idPointName": "pt1", "userName": "alice", "doorName": "D1", "source": "camera", "window": 2,
          "state": True, "objectId": "obj-7", "plate": "AB-123-CD", "id": "in3"}
"""A valid value of each parameter."""


def event(event_type="accesscontrol.idpointactivity", params=..., timestamp="2022-07-25T16:26:36.903Z",
          event_id=None) -> dict:
    """An insertion body; `params` ... (default): valid ones for the type; None: no description."""
    if params is ...:
        params = {p: SAMPLE[p] for p in EVENT_TYPES[event_type].params} if event_type in EVENT_TYPES else {}
    body = {"eventId": event_id or str(uuid.uuid4()), "type": event_type, "timestamp": timestamp}
    if params is not None:
        body["description"] = {"params": params}
    return body


def insert(client, body: dict, uuid_=DOC_UUID, auth=ADMIN):
    return client.post(f"/api/v1.2/devices/{uuid_}/events", json={"event": body}, auth=auth)


def inserted(client, body: dict, uuid_=DOC_UUID) -> dict:
    response = insert(client, body, uuid_)
    assert response.status_code == 201, response.text
    return response.json()["event"]


def search(client, criteria, uuid_=DOC_UUID, auth=ADMIN, **params):
    return client.post(f"/api/v1.2/devices/{uuid_}/proxy/events/search", json={"criteria": criteria}, auth=auth,
                       params=params)


def found_ids(client, criteria, uuid_=DOC_UUID) -> list[str]:
    response = search(client, criteria, uuid_)
    assert response.status_code == 200, response.text
    return [e["id"] for e in response.json()["events"]]
