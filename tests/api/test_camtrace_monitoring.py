"""Monitoring: licence (default, update, enforcement of max_video_sources), sysinfo from the real
host, health from the real state of cameras and disk; Admin or Monitor only."""

import json
from pathlib import Path

import pytest

from camvault.services.monitoring import hardware_id
from tests.api.conftest import ADMIN, CONSULT

MONITOR = ("mona", "mona-pw")


@pytest.fixture
def monitor(client, node):
    node.users.create(*MONITOR, "monitor")
    return MONITOR


def test_default_licence_has_the_documented_fields(client, monitor):
    body = client.get("/api/v1.2/license", auth=monitor).json()["license"]
    for name in ("active_modules", "build", "current_metadata_sources", "current_video_sources", "hardware_id",
                 "license_creation_date", "license_valid", "licensed_to", "max_metadata_sources", "max_screens",
                 "max_space_usage", "max_video_sources", "postal_code", "serial_number",
                 "upgrade_expiration_date", "uuid", "version"):
        assert name in body, name
    assert body["license_valid"] is True and body["current_video_sources"] == 3
    assert body["hardware_id"] == hardware_id()


def test_monitoring_rights(client, monitor):
    for path in ("/api/v1.2/license", "/api/v1.2/sysinfo", "/api/v1.2/health"):
        assert client.get(path, auth=CONSULT).status_code == 403
        assert client.get(path, auth=monitor).status_code == 200
    assert client.post("/api/v1.2/license", json={"license": "{}"}, auth=monitor).status_code == 403


def test_updated_licence_limits_video_sources(client):
    licence = client.get("/api/v1.2/license", auth=ADMIN).json()["license"]
    stored = {k: v for k, v in licence.items() if k not in ("license_valid", "current_video_sources",
                                                             "current_metadata_sources")}
    stored.update(max_video_sources=4, licensed_to="ACME")
    assert client.post("/api/v1.2/license", json={"license": json.dumps(stored)}, auth=ADMIN).status_code == 201
    assert client.get("/api/v1.2/license", auth=ADMIN).json()["license"]["licensed_to"] == "ACME"
    body = {"name": "Fourth", "source": "synthetic://", "isIgnored": True}
    assert client.post("/api/v1.2/cameras", json=body, auth=ADMIN).status_code == 201
    refused = client.post("/api/v1.2/cameras", json={**body, "name": "Fifth"}, auth=ADMIN)
    assert refused.status_code == 403 and "4 video sources" in refused.json()["error"]


@pytest.mark.parametrize("licence", ["not json", json.dumps({"licensed_to": "x"}), json.dumps([1])])
def test_invalid_licences_are_refused(client, licence):
    response = client.post("/api/v1.2/license", json={"license": licence}, auth=ADMIN)
    assert response.status_code == 400


def test_a_licence_for_another_machine_is_refused(client):
    licence = client.get("/api/v1.2/license", auth=ADMIN).json()["license"]
    licence["hardware_id"] = "DEADBEEF"
    response = client.post("/api/v1.2/license", json={"license": json.dumps(licence)}, auth=ADMIN)
    assert response.status_code == 400 and "another machine" in response.json()["error"]


def test_sysinfo_reports_the_real_host(client):
    body = client.get("/api/v1.2/sysinfo", auth=ADMIN).json()
    assert set(body) == {"CPU", "Memory", "Network", "Controller", "Disk", "Partition"}
    cpuinfo = Path("/proc/cpuinfo").read_text()
    assert all(name in cpuinfo for name in body["CPU"])
    assert body["Memory"][0].endswith("G") and float(body["Memory"][0][:-1].replace(",", ".")) > 0.1
    assert body["Partition"] and all("volume (" in p for p in body["Partition"])


def test_health_reports_cameras_without_image(client):
    body = {"name": "Gone", "source": "rtsp://127.0.0.1:9/none"}
    cam_id = client.post("/api/v1.2/cameras", json=body, auth=ADMIN).json()["id"]
    health = client.get("/api/v1.2/health", auth=ADMIN).json()["health"]
    assert health["recorder"] is True and health["cameras"] is False
    assert {"id": cam_id, "name": "Gone", "streamName": "stream1", "error": "No image"} in \
        health["errorDetails"]["cameras"]
