"""CamTrace scenarios over real HTTP (Admin): list, trigger and ignore as documented, the admin
extension (details, create, change, delete) with validation, config-file scenarios, and rules
fired by a real alarm trigger (a command reaching a local HTTP server) and by a metadata event on
the node's event bus (an alarm on the event's camera and a passive screen switched)."""

import pytest
from fastapi.testclient import TestClient

from camvault.api.http import build_http_app
from camvault.app import Camvault
from camvault.config import (
    CameraConfig,
    Config,
    DatabaseConfig,
    ScreenConfig,
    StorageConfig,
)
from camvault.config_scenarios import ScenarioConfig
from camvault.services.events import METADATA, Event
from tests.api.conftest import ADMIN, CONSULT
from tests.support.http_hits import HitServer

PATH = "/api/v1.2/scenarios"
MANUAL = {"name": "Scenar 1", "when": {"kind": "manual"}, "then": [{"kind": "alarm", "cameraIds": [2],
                                                                     "type": "Scenar"}]}


def create(client, body, auth=ADMIN):
    return client.post(PATH, json={"scenario": body}, auth=auth)


def alarms(client, camera_id):
    return client.get(f"/api/v1.2/cameras/{camera_id}/alarms", auth=ADMIN).json()["alarms"]


def test_list_trigger_and_ignore_as_documented(client, node):
    made = create(client, MANUAL)
    assert made.status_code == 201
    sid = made.json()["scenario"]["scenarioId"]
    assert made.headers["location"] == f"{PATH}/{sid}"
    create(client, {**MANUAL, "name": "Scenar 2", "ignored": True})
    assert client.get(PATH, auth=ADMIN).json() == {"scenarios": [
        {"scenarioId": sid, "name": "Scenar 1", "ignored": False},
        {"scenarioId": sid + 1, "name": "Scenar 2", "ignored": True}]}

    ignored = client.put(f"{PATH}/{sid}", json={"scenario": {"ignored": True}}, auth=ADMIN)
    assert ignored.status_code == 200
    assert ignored.json() == {"scenario": {"scenarioId": sid, "name": "Scenar 1", "ignored": "true"}}
    assert client.get(PATH, auth=ADMIN).json()["scenarios"][0]["ignored"] is True
    assert client.get(f"{PATH}/{sid}/trigger", auth=ADMIN).json() == {"triggered": False}
    assert node.scenarios.wait_idle()
    assert alarms(client, 2) == [], "an ignored scenario never fires"

    active = client.put(f"{PATH}/{sid}", json={"scenario": {"ignored": "false"}}, auth=ADMIN)
    assert active.json()["scenario"]["ignored"] == "false"
    triggered = client.get(f"{PATH}/{sid}/trigger", auth=ADMIN)
    assert triggered.status_code == 200 and triggered.json() == {"triggered": True}
    assert node.scenarios.wait_idle()
    [alarm] = alarms(client, 2)
    assert alarm["description"] == "Scenar Alarm"


def test_scenarios_need_the_admin_profile(client):
    sid = create(client, MANUAL).json()["scenario"]["scenarioId"]
    assert client.get(PATH).status_code == 401
    for method, path in (("GET", PATH), ("GET", f"{PATH}/{sid}/trigger"), ("PUT", f"{PATH}/{sid}"),
                         ("GET", f"{PATH}/{sid}"), ("DELETE", f"{PATH}/{sid}"), ("POST", PATH)):
        answer = client.request(method, path, json={"scenario": {"ignored": True}}, auth=CONSULT)
        assert answer.status_code == 403, (method, path)
    assert client.get(f"{PATH}/{sid}/trigger", auth=CONSULT, headers={"Accept-Language": "fr"}).json() == {
        "error": "Cette action nécessite le profil Admin"}
    assert create(client, MANUAL, auth=CONSULT).status_code == 403


def test_admin_extension_details_changes_and_validation(client):
    body = {"name": "Door", "when": {"kind": "schedule", "times": ["08:00", "18:30"], "weekdays": ["mon", "fri"]},
            "then": [{"kind": "record", "cameraIds": [1], "durationS": 30},
                     {"kind": "screen", "screenId": 4, "mosaicId": 2}]}
    sid = create(client, body).json()["scenario"]["scenarioId"]
    assert client.get(f"{PATH}/{sid}", auth=ADMIN).json() == {"scenario": {
        "scenarioId": sid, "name": "Door", "ignored": False, "fromConfig": False, "when": body["when"],
        "then": [{"kind": "record", "cameraIds": [1], "durationS": 30},
                 {"kind": "screen", "screenId": 4, "cameraId": None, "mosaicId": 2}]}}
    changed = client.put(f"{PATH}/{sid}", json={"scenario": {"name": "Gate", "when": {
        "kind": "metadata", "type": "plate"}}}, auth=ADMIN)
    assert changed.json() == {"scenario": {"scenarioId": sid, "name": "Gate", "ignored": "false"}}
    detail = client.get(f"{PATH}/{sid}", auth=ADMIN).json()["scenario"]
    assert detail["when"] == {"kind": "metadata", "type": "plate", "cameraIds": []} and len(detail["then"]) == 2

    unknown = create(client, {**body, "when": {"kind": "alarm", "cameraIds": [9]}})
    assert unknown.status_code == 400 and unknown.json() == {"error": "Invalid scenario: unknown camera 9"}
    french = client.post(PATH, json={"scenario": {**body, "then": [{"kind": "record", "cameraIds": [1]}]}},
                         auth=ADMIN, headers={"Accept-Language": "fr"})
    assert french.json() == {"error": "Scénario invalide : then[0].durationS: 1 to 86400 seconds"}
    assert create(client, {**body, "when": {"kind": "sometimes"}}).status_code == 400
    assert create(client, {**body, "when": {**body["when"], "weekdays": ["someday"]}}).status_code == 400
    assert create(client, {"name": "x", "when": {"kind": "manual"}}).json() == {
        "error": "Invalid scenario field 'then': Field required"}
    assert client.put(f"{PATH}/{sid}", json={"scenario": {"then": []}}, auth=ADMIN).status_code == 400
    assert client.delete(f"{PATH}/{sid}", auth=ADMIN).status_code == 204
    assert client.get(f"{PATH}/{sid}", auth=ADMIN).status_code == 404
    assert client.get(f"{PATH}/{sid}/trigger", auth=ADMIN).status_code == 404
    assert client.put(f"{PATH}/x", json={"scenario": {"ignored": True}}, auth=ADMIN).status_code == 404


def test_a_real_alarm_trigger_fires_a_command(client, node):
    with HitServer() as hits:
        command = client.post("/api/v1.2/exturls", json={"name": "Siren", "urls": [hits.url("/siren")]},
                              auth=ADMIN).json()["exturls"]
        create(client, {"name": "Siren on 1", "when": {"kind": "alarm", "cameraIds": [1]},
                        "then": [{"kind": "command", "commandId": command["id"]}]})
        assert client.get("/api/v1.2/cameras/alarms/trigger", params={"cameraId": "3"}, auth=ADMIN).status_code == 200
        assert client.get("/api/v1.2/cameras/alarms/trigger", params={"cameraId": "1"}, auth=ADMIN).status_code == 200
        assert node.scenarios.wait_idle() and node.commands.wait_idle()
        assert hits.paths() == ["/siren"]


@pytest.fixture
def configured(tmp_path, database_url):
    cameras = [CameraConfig(id=i, name=f"Cam {i}", source="synthetic://?width=160&height=90&fps=5", enabled=False)
               for i in (1, 2)]
    rule = ScenarioConfig.model_validate({
        "id": 10, "name": "Plate", "when": {"kind": "metadata", "type": "plate", "camera_ids": [1]},
        "then": [{"kind": "alarm"}, {"kind": "screen", "screen_id": 3, "camera_id": 2}]})
    config = Config(storage=StorageConfig(data_dir=tmp_path / "data", min_free_bytes=0),
                    database=DatabaseConfig(url=database_url), cameras=cameras, scenarios=[rule],
                    screens=[ScreenConfig(id=3, num=1, name="Hall")])
    node = Camvault(config, admin_password=ADMIN[1])
    with TestClient(build_http_app(node, announce=lambda _m: None)) as http:
        yield http, node


def test_config_scenarios_fire_on_metadata_events_and_are_read_only_but_for_ignore(configured):
    client, node = configured
    assert client.get(PATH, auth=ADMIN).json() == {"scenarios": [{"scenarioId": 10, "name": "Plate",
                                                                   "ignored": False}]}
    assert client.get(f"{PATH}/10", auth=ADMIN).json()["scenario"]["fromConfig"] is True
    assert client.put(f"{PATH}/10", json={"scenario": {"name": "Other"}}, auth=ADMIN).status_code == 409
    assert client.delete(f"{PATH}/10", auth=ADMIN).status_code == 409

    node.events.publish(Event(METADATA, node.clock.now_ms(), (2,), type="plate"))
    node.events.publish(Event(METADATA, node.clock.now_ms(), (1,), type="plate"))
    assert node.scenarios.wait_idle()
    [alarm] = alarms(client, 1)
    assert alarm["description"] == "Plate Alarm", "an alarm on the event's camera"
    assert alarms(client, 2) == []
    assert node.screens.find(3).camera_id == 2

    assert client.put(f"{PATH}/10", json={"scenario": {"ignored": True}}, auth=ADMIN).status_code == 200
    node.events.publish(Event(METADATA, node.clock.now_ms(), (1,), type="plate"))
    assert node.scenarios.wait_idle()
    assert len(alarms(client, 1)) == 1
