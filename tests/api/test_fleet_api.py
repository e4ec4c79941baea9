"""The Fleet dialect over HTTP (in-process, SQLite, one node for the module): OAuth tokens and
every refusal, the camera lifecycle, asynchronous state requests, site visibility, opening hours
across DST, and a real synthetic camera: frame request, measured metrics, and a pause that really
stops recording and motion alarms."""

from __future__ import annotations

import base64
import io
import shutil
import time

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from camvault.api.http import build_http_app
from camvault.app import Camvault
from camvault.config import (
    CameraConfig,
    Config,
    DatabaseConfig,
    MotionConfig,
    RecordingConfig,
    ServerConfig,
    StorageConfig,
)
from camvault.core.alarms import AlarmFilter
from camvault.core.clock import FakeClock
from camvault.core.timefmt import parse_iso_ms
from camvault.services.fleet_sites import user_uuid
from camvault.services.fleet_tokens import FleetTokens
from tests.support.server import free_port

ADMIN = ("admin", "admin-pw")
CARL = ("carl", "carl-pw")        # consult, sees site A
PAT = ("pat", "pat-pw")           # protection: may write
LIVE = "synthetic://?width=160&height=90&fps=5&gop=5&bitrate=150000&motion=1"
IDLE = "synthetic://?width=160&height=90&fps=5"


@pytest.fixture(scope="module")
def fx(tmp_path_factory, sqlite_template):
    tmp = tmp_path_factory.mktemp("fleet")
    shutil.copy(sqlite_template, tmp / "db.sqlite")
    cameras = [CameraConfig(id=1, name="Gate", source=LIVE, serial_number="SN-GATE", slice_max_s=1,
                            motion=MotionConfig(enabled=True, sensitivity=90, min_area=0.005, release_s=1))]
    cameras += [CameraConfig(id=i, name=f"Idle {i}", source=IDLE, serial_number=f"SN-{i}", enabled=False)
                for i in (2, 3, 4)]
    config = Config(server=ServerConfig(http_host="127.0.0.1", rtsp_port=free_port()),
                    storage=StorageConfig(data_dir=tmp / "data", min_free_bytes=0),
                    recording=RecordingConfig(post_alarm_s=0.5, pre_alarm_s=0),
                    database=DatabaseConfig(url=f"sqlite:///{tmp / 'db.sqlite'}"), cameras=cameras)
    node = Camvault(config, admin_password=ADMIN[1])
    with TestClient(build_http_app(node, announce=lambda _m: None)) as http:
        node.users.create(*CARL, "consult")
        node.users.create(*PAT, "protection")
        fx = Fixture(node, http)
        admin = fx.auth(ADMIN)
        org = http.post("/fleet/admin/organisations", json={"name": "Acme"}, headers=admin).json()
        fx.site_a = http.post("/fleet/admin/sites", headers=admin, json={
            "organisationId": org["id"], "name": "Depot", "timeZone": "Europe/Paris",
            "openingHours": {"saturday": ["08:00-18:00"], "sunday": ["00:00-24:00"]}}).json()["id"]
        fx.site_b = http.post("/fleet/admin/sites", headers=admin, json={
            "organisationId": "Acme", "name": "Shop"}).json()["id"]
        assert http.put(f"/fleet/admin/sites/{fx.site_a}/users/carl", headers=admin).status_code == 204
        assert http.put(f"/fleet/admin/sites/{fx.site_b}/users/pat", headers=admin).status_code == 204
        fx.org = org["id"]
        yield fx


class Fixture:
    def __init__(self, node: Camvault, http: TestClient) -> None:
        self.node, self.http = node, http

    def token(self, creds, scope: str | None = None) -> str:
        data = {"grant_type": "client_credentials", "client_id": creds[0], "client_secret": creds[1]}
        if scope is not None:
            data["scope"] = scope
        answer = self.http.post("/fleet/oauth/token", data=data)
        assert answer.status_code == 200, answer.text
        return answer.json()["access_token"]

    def auth(self, creds, scope: str | None = None) -> dict:
        return {"Authorization": f"Bearer {self.token(creds, scope)}"}

    def uuid(self, camera_id: int) -> str:
        return self.node.store.cameras.get(camera_id).uuid

    def claim(self, camera_id: int, site: str) -> dict:
        admin = self.auth(ADMIN)
        cam = self.uuid(camera_id)
        assert self.http.post("/fleet/register-camera-requests", headers=admin, json={
            "cameraId": cam, "serialNumber": f"SN-{camera_id}"}).status_code == 202
        answer = self.http.post("/fleet/cameras", headers=admin, json={"serialNumber": f"SN-{camera_id}",
                                                                         "siteId": site})
        assert answer.status_code == 201, answer.text
        return answer.json()


def wait_until(check, timeout_s: float = 20.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def test_token_endpoint_speaks_rfc6749(fx):
    http = fx.http
    ok = http.post("/fleet/oauth/token", json={"grant_type": "client_credentials", "client_id": "carl",
                                               "client_secret": "carl-pw"})
    assert ok.status_code == 200 and ok.headers["cache-control"] == "no-store"
    assert ok.json()["token_type"] == "Bearer" and ok.json()["expires_in"] == 86400
    assert ok.json()["scope"] == "cameras:read"
    basic = http.post("/fleet/oauth/token", data={"grant_type": "client_credentials"}, auth=PAT)
    assert basic.json()["scope"] == "cameras:read cameras:write"
    refusals = [({"grant_type": "password"}, 400, "unsupported_grant_type"),
                ({"client_id": "carl", "client_secret": "carl-pw"}, 400, "invalid_request"),
                ({"grant_type": "client_credentials", "client_id": "carl", "client_secret": "x"}, 401, "invalid_client"),
                ({"grant_type": "client_credentials", "client_id": "carl", "client_secret": "carl-pw",
                  "scope": "cameras:write"}, 400, "invalid_scope")]
    for data, status, error in refusals:
        answer = http.post("/fleet/oauth/token", data=data)
        assert (answer.status_code, answer.json()["error"]) == (status, error)


def test_missing_forged_and_expired_tokens_are_401(fx):
    http = fx.http
    token = fx.token(ADMIN)
    payload, _, signature = token.partition(".")
    forged = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + signature
    past = FakeClock(fx.node.clock.now_ms() - 2 * 86400_000)
    expired = FleetTokens(fx.node.users, past, fx.node.store.settings.secret, ttl_s=86400).issue(
        "client_credentials", *ADMIN, None)["access_token"]
    for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": f"Bearer {forged}"},
                    {"Authorization": f"Bearer {expired}"}, {"Authorization": "Basic YWRtaW46YWRtaW4tcHc="}):
        answer = http.get("/fleet/cameras", headers=headers)
        assert answer.status_code == 401 and answer.json()["code"] == 401, headers
        assert answer.headers["www-authenticate"].startswith("Bearer")
    assert http.get("/fleet/cameras", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_token_expiry_on_a_fake_clock(fx):
    clock = FakeClock(fx.node.clock.now_ms())
    tokens = FleetTokens(fx.node.users, clock, fx.node.store.settings.secret, ttl_s=60)
    token = tokens.issue("client_credentials", *CARL, None)["access_token"]
    clock.advance_s(59.9)
    assert tokens.authenticate(token).user.name == "carl"
    clock.advance_s(0.1)
    with pytest.raises(Exception, match="expired"):
        tokens.authenticate(token)


def test_scopes_and_profiles_give_403(fx):
    http = fx.http
    body = {"serialNumber": "SN-2", "siteId": fx.site_a}
    for headers in (fx.auth(CARL), fx.auth(ADMIN, "cameras:read")):
        answer = http.post("/fleet/cameras", headers=headers, json=body)
        assert answer.status_code == 403 and answer.json() == {"code": 403, "message": answer.json()["message"]}
    assert http.get("/fleet/admin/sites", headers=fx.auth(PAT)).status_code == 403


def test_lifecycle_and_its_refusals(fx):
    http, admin, cam = fx.http, fx.auth(ADMIN), fx.uuid(2)
    reg = {"cameraId": cam, "serialNumber": "SN-2"}
    assert http.post("/fleet/register-camera-requests", headers=admin,
                     json={"cameraId": cam, "serialNumber": "nope"}).status_code == 404
    assert http.post("/fleet/register-camera-requests", headers=admin,
                     json={"cameraId": fx.uuid(3), "serialNumber": "SN-2"}).status_code == 400
    assert http.post("/fleet/cameras", headers=admin, json={"serialNumber": "SN-2", "siteId": fx.site_a}
                     ).status_code == 404                                            # not registered yet
    answer = http.post("/fleet/register-camera-requests", headers=admin, json=reg)
    assert answer.status_code == 202 and answer.json() == {"id": cam, "msg": "camera registered", "status": "created"}
    assert http.get(f"/fleet/cameras/{cam}", headers=admin).json()["state"] == "registered"
    assert http.put(f"/fleet/cameras/{cam}/state/paused", headers=admin).status_code == 422
    assert http.delete(f"/fleet/cameras/{cam}", headers=admin).status_code == 422
    assert http.post("/fleet/cameras", headers=admin, json={"serialNumber": "nope", "siteId": fx.site_a}
                     ).status_code == 404
    claimed = http.post("/fleet/cameras", headers=admin, json={"serialNumber": "SN-2", "siteId": fx.site_a,
                                                               "name": "North gate"})
    assert claimed.status_code == 201
    body = claimed.json()
    assert (body["id"], body["serialNumber"], body["name"], body["state"]) == (cam, "SN-2", "North gate", "running")
    assert (body["siteId"], body["organisationId"]) == (fx.site_a, fx.org) and body["isOnline"] is False
    assert http.post("/fleet/cameras", headers=admin, json={"serialNumber": "SN-2", "siteId": fx.site_a}
                     ).status_code == 409
    assert http.post("/fleet/register-camera-requests", headers=admin, json=reg).json()["status"] == "exists"
    patched = http.patch(f"/fleet/cameras/{cam}", headers=admin, json={"direction1Alias": "in", "name": "Gate N"})
    assert (patched.json()["name"], patched.json()["direction1Alias"]) == ("Gate N", "in")
    assert http.put(f"/fleet/cameras/{cam}/state/paused", headers=admin).json()["state"] == "paused"
    assert fx.node.fleet.cameras.is_paused(2)
    moved = http.post(f"/fleet/cameras/{cam}/move", headers=admin, json={"siteId": fx.site_b})
    assert moved.status_code == 201 and moved.json()["siteId"] == fx.site_b
    assert moved.json()["cameraPositionId"] != body["cameraPositionId"]
    assert http.post(f"/fleet/cameras/{cam}/move", headers=admin, json={"siteId": fx.org}).status_code == 404
    no_metrics = http.get(f"/fleet/cameras/{cam}?includeMetrics=false", headers=admin).json()
    assert "isOnline" not in no_metrics and no_metrics["state"] == "paused"
    assert http.get(f"/fleet/cameras/{cam}?includeMetrics=maybe", headers=admin).status_code == 422
    assert http.delete(f"/fleet/cameras/{cam}", headers=admin).status_code == 204
    assert not fx.node.fleet.cameras.is_paused(2)
    assert http.delete(f"/fleet/cameras/{cam}", headers=admin).status_code == 422
    assert http.put(f"/fleet/cameras/{cam}/state/running", headers=admin).status_code == 422
    assert http.post(f"/fleet/cameras/{cam}/move", headers=admin, json={"siteId": fx.site_a}).status_code == 422
    listed = http.get("/fleet/cameras?state=decommissioned", headers=admin).json()
    assert [c["id"] for c in listed] == [cam]
    assert http.get("/fleet/cameras?state=registered", headers=admin).status_code == 422
    assert http.get(f"/fleet/cameras/{fx.uuid(4)}", headers=admin).status_code == 404          # never registered
    assert http.get("/fleet/cameras/not-a-uuid", headers=admin).json()["code"] == 400
    again = http.post("/fleet/register-camera-requests", headers=admin, json=reg)
    assert again.json()["status"] == "created"                                 # registers again after decommission


def test_state_requests_are_applied_asynchronously(fx):
    http, writer = fx.http, fx.auth(PAT)
    cam = fx.claim(3, fx.site_b)["id"]
    bad = http.post("/fleet/put-camera-state-requests", headers=writer, json={"cameraId": cam, "newState": "paused"})
    assert bad.status_code == 400
    answer = http.post("/fleet/put-camera-state-requests", headers=writer,
                       json={"cameraId": cam, "newState": "claimed_paused"})
    assert answer.status_code == 202 and answer.json()["status"] == "created"
    request_id = answer.json()["id"]
    done = wait_until(lambda: (r := http.get(f"/fleet/put-camera-state-requests/{request_id}",
                                             headers=writer).json())["status"] != "created" and r)
    assert (done["status"], done["cameraId"], done["newState"]) == ("applied", cam, "claimed_paused")
    assert http.get(f"/fleet/cameras/{cam}", headers=writer).json()["state"] == "paused"
    back = http.post("/fleet/put-camera-state-requests", headers=writer, json={"cameraId": cam, "newState": "claimed"})
    wait_until(lambda: http.get(f"/fleet/cameras/{cam}", headers=writer).json()["state"] == "running")
    assert http.get(f"/fleet/put-camera-state-requests/{back.json()['id']}", headers=writer).json()["doneAt"]
    assert http.post("/fleet/put-camera-state-requests", headers=writer,
                     json={"cameraId": fx.uuid(4), "newState": "claimed"}).status_code == 404


def test_site_visibility(fx):
    http, admin, carl = fx.http, fx.auth(ADMIN), fx.auth(CARL)
    on_b = fx.uuid(3)
    if http.get(f"/fleet/cameras/{on_b}", headers=admin).status_code == 404:
        fx.claim(3, fx.site_b)
    on_a = fx.claim(4, fx.site_a)["id"]
    seen = {c["id"] for c in http.get("/fleet/cameras", headers=carl).json()}
    assert on_a in seen and on_b not in seen
    carl_id = user_uuid(fx.node.users.by_name("carl").id)
    filtered = {c["id"] for c in http.get(f"/fleet/cameras?userId={carl_id}", headers=admin).json()}
    assert filtered == seen
    everything = {c["id"] for c in http.get("/fleet/cameras", headers=admin).json()}
    assert on_b in everything and filtered < everything
    assert {c["id"] for c in http.get(f"/fleet/cameras?siteId={fx.site_b}", headers=admin).json()} >= {on_b}
    assert http.get(f"/fleet/cameras/{on_b}", headers=carl).status_code == 403
    admin_id = user_uuid(fx.node.users.by_name("admin").id)
    assert http.get(f"/fleet/cameras?userId={admin_id}", headers=carl).status_code == 403
    assert http.get(f"/fleet/cameras?siteId={fx.site_b}", headers=carl).status_code == 403
    devices = {d["camvaultId"]: d for d in http.get("/fleet/admin/devices", headers=admin).json()}
    assert devices[3] == {"id": on_b, "camvaultId": 3, "name": "Idle 3", "serialNumber": "SN-3",
                          "state": "running"}
    assert http.get("/fleet/admin/devices", headers=carl).status_code == 403
    users = http.get("/fleet/admin/users", headers=admin).json()
    assert {"id": carl_id, "name": "carl", "profile": "consult", "siteIds": [fx.site_a]} in users


def test_opening_hours_across_dst(fx):
    http, carl = fx.http, fx.auth(CARL)
    cam = fx.uuid(4)
    if http.get(f"/fleet/cameras/{cam}", headers=carl).status_code != 200:
        fx.claim(4, fx.site_a)
    hours = lambda day: http.get(f"/fleet/cameras/{cam}/opening-hours?date={day}", headers=carl).json()
    assert hours("2024-03-30") == ["2024-03-30T07:00:00.000Z", "2024-03-30T17:00:00.000Z"]
    sunday = hours("2024-03-31")                                                  # 23-hour day in Paris
    assert parse_iso_ms(sunday[1]) - parse_iso_ms(sunday[0]) == 23 * 3600_000
    assert hours("2024-04-01") == []
    assert http.get(f"/fleet/cameras/{cam}/opening-hours?date=31/03", headers=carl).status_code == 400
    admin = fx.auth(ADMIN)
    http.patch(f"/fleet/admin/sites/{fx.site_a}", headers=admin, json={"timeZone": "America/New_York"})
    assert hours("2024-03-30") == ["2024-03-30T12:00:00.000Z", "2024-03-30T22:00:00.000Z"]
    http.patch(f"/fleet/admin/sites/{fx.site_a}", headers=admin, json={"timeZone": "Europe/Paris"})


def _alarms(node, camera_id: int) -> int:
    return len(node.store.alarms.list(AlarmFilter([camera_id], None, None, None), limit=1000))


def test_live_camera_frame_metrics_and_pause(fx):
    http, admin, node = fx.http, fx.auth(ADMIN), fx.node
    cam = node.store.cameras.get(1).uuid
    http.post("/fleet/register-camera-requests", headers=admin, json={"cameraId": cam, "serialNumber": "SN-GATE"})
    assert http.post("/fleet/cameras", headers=admin, json={"serialNumber": "SN-GATE", "siteId": fx.site_a}
                     ).status_code == 201
    wait_until(lambda: node.store.slices.latest(1) is not None and _alarms(node, 1) > 0)
    frame = http.post("/fleet/frame-requests", headers=fx.auth(CARL), json={"cameraId": cam})
    assert frame.status_code == 200
    picture = Image.open(io.BytesIO(base64.b64decode(frame.json()["image"])))
    assert (picture.format, picture.size) == ("JPEG", (160, 90))
    assert abs(parse_iso_ms(frame.json()["timestamp"]) - node.clock.now_ms()) < 5000
    body = http.get(f"/fleet/cameras/{cam}", headers=admin).json()
    state = node.ingest.state(1, 1)
    assert body["isOnline"] is True and 0 < body["encodedFramesProportion"] <= 1
    assert abs(parse_iso_ms(body["lastSeenAt"]) - state.last_packet_ms) < 3000
    latest = node.store.slices.latest(1)
    assert parse_iso_ms(body["lastVideoAt"]) >= latest.stop_ms - 1        # a newer slice may have finished since
    upload = node.uploads.metrics(1)
    assert (body["videoBacklog"], body["videoUploadLatency"]) == (upload.backlog_slices, upload.latency_ms)
    assert http.get(f"/fleet/cameras/{cam}/video-upload-metrics", headers=admin).json() == {
        "uploadSize": upload.last_upload_bytes, "uploadTime": upload.last_upload_ms}

    assert http.put(f"/fleet/cameras/{cam}/state/paused", headers=admin).status_code == 201
    slices_then, alarms_then = latest_slice_id(node), _alarms(node, 1)
    assert node.alarms.trigger(node.users.by_name("admin"), [1], "door") == []   # other sources: nothing
    time.sleep(2.5)                                                    # > slice_max_s + motion release
    assert latest_slice_id(node) == slices_then and _alarms(node, 1) == alarms_then
    assert http.post("/fleet/frame-requests", headers=admin, json={"cameraId": cam}).status_code == 409
    assert http.get(f"/fleet/cameras/{cam}", headers=admin).json()["isOnline"] is False
    fresh = type(node.fleet.cameras)(node.store, node.ingest, node.stills, None, node.clock,
                                     default_hours=None, default_timezone="UTC")
    assert fresh.is_paused(1)                                          # the flag is in the database (restarts)
    assert http.put(f"/fleet/cameras/{cam}/state/running", headers=admin).status_code == 201
    wait_until(lambda: latest_slice_id(node) != slices_then)


def latest_slice_id(node) -> int | None:
    latest = node.store.slices.latest(1)
    return latest.id if latest else None
