"""The whole chain over HTTP: a metadata event inserted through `POST /devices/:uuid/events` fires
the scenario waiting for its type, which raises an alarm on the event's cameras and forces a
recording (an alarm that ends by itself). The recording itself is checked in
tests/services/test_scenarios.py; here the connector raises no alarm of its own, so every alarm
seen comes from the scenario."""

from tests.api.conftest import ADMIN
from tests.support.metadata import event, inserted, make_connector

TYPE = "accesscontrol.accessdenied"


def camera_alarms(client, camera_id: int) -> list[dict]:
    return client.get(f"/api/v1.2/cameras/{camera_id}/alarms", auth=ADMIN).json()["alarms"]


def test_an_inserted_metadata_event_fires_its_scenario(client, node):
    make_connector(client, cameraIds=[1], eventTypes=[TYPE, "accesscontrol.accessgranted"], alarmTypes=[])
    rule = {"name": "Denied", "when": {"kind": "metadata", "type": TYPE, "cameraIds": [1]},
            "then": [{"kind": "alarm", "cameraIds": [], "type": "Denied"},
                     {"kind": "record", "cameraIds": [2], "durationS": 30}]}
    assert client.post("/api/v1.2/scenarios", json={"scenario": rule}, auth=ADMIN).status_code == 201

    inserted(client, event("accesscontrol.accessgranted"))              # another type: nothing
    assert node.events.wait_idle() and node.scenarios.wait_idle()
    assert camera_alarms(client, 1) == [] and camera_alarms(client, 2) == []

    inserted(client, event(TYPE))
    assert node.events.wait_idle() and node.scenarios.wait_idle()
    [alarm] = camera_alarms(client, 1)
    assert alarm["description"].startswith("Denied"), alarm
    [forced] = camera_alarms(client, 2)
    assert forced["description"].startswith("Recording (Denied)"), forced
