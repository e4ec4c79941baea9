"""Bandit dialect over real HTTP (Starlette's test client on the assembled app, SQLite, real
recorded slices): paging edges, items, contents with Range, pictures, deletes, both mounts, Basic
auth and the read-only switch, 404s, and that the CamTrace routes are untouched.

One node for the module: the tests that change data use camera 3 only, the others read cameras
1 and 2 through their per-camera mounts."""

import io

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from camvault.api.http import build_http_app
from camvault.app import Camvault
from camvault.config import (
    BanditConfig,
    CameraConfig,
    Config,
    DatabaseConfig,
    PositionConfig,
    ServerConfig,
    StorageConfig,
)
from camvault.core import bandit as rules
from tests.support.bandit import add_alarm, add_snapshot
from tests.support.recordings import recent_start_ms, record_indexed
from tests.support.server import free_port

ADMIN = ("admin", "admin-pw")
CONSULT = ("carl", "carl-pw")           # records on camera 1, may not delete
KEEPER = ("kim", "kim-pw")              # protection profile, camera 3
C1 = "/bandit/1/api/2"


@pytest.fixture(scope="module")
def env(tmp_path_factory, sqlite_template):
    root = tmp_path_factory.mktemp("bandit")
    (root / "camvault.db").write_bytes(sqlite_template.read_bytes())
    cameras = [CameraConfig(id=i, name=f"Cam {i}", source="synthetic://?width=160&height=90", enabled=False,
                            position=PositionConfig(lat_deg=45.5, lon_deg=-73.25) if i == 2 else None)
               for i in (1, 2, 3)]
    config = Config(server=ServerConfig(http_host="127.0.0.1", rtsp_port=free_port()),
                    storage=StorageConfig(data_dir=root / "data", min_free_bytes=0),
                    database=DatabaseConfig(url=f"sqlite:///{root / 'camvault.db'}"), cameras=cameras,
                    bandit=BanditConfig(open_camera_id=2))
    node = Camvault(config, admin_password=ADMIN[1])
    with TestClient(build_http_app(node, announce=lambda _m: None)) as client:
        node.users.create(*CONSULT, "consult", camera_ids=[1])
        node.users.create(*KEEPER, "protection", camera_ids=[3])
        t0 = recent_start_ms()
        data = {"t0": t0, "run": record_indexed(node, seconds=6, slice_max_s=2, start_ms=t0)}      # 3 files
        data["later"] = record_indexed(node, seconds=4, slice_max_s=2, start_ms=t0 + 60_000)      # 2 files
        data["cam2"] = record_indexed(node, seconds=2, slice_max_s=2, start_ms=t0, camera_id=2)
        data["alarm"] = add_alarm(node, 2, t0 + 500, end_ms=t0 + 3000)
        data["shot"] = add_snapshot(node, 2, t0 + 1000)
        data["single"] = add_snapshot(node, 1, t0 + 2000)
        yield client, node, data


def get(client, path, auth=ADMIN, **kw):
    return client.get(path, auth=auth, **kw)


def test_session_paging_edges(env):
    client, _node, data = env
    base = f"{C1}/sessions/videos"
    every = get(client, f"{base}?count=10").json()
    assert every["total"] == 2 and [i["number_of_files"] for i in every["items"]] == [3, 2]
    assert every["items"][0]["id"] == rules.video_id(data["run"][0])
    assert get(client, base).json() == {"total": 2, "items": every["items"][:1]}                    # count 1
    assert get(client, f"{base}?offset=2&count=5").json() == {"total": 2, "items": []}              # = total
    assert get(client, f"{base}?count=0").json() == {"total": 2}                                    # total only
    assert get(client, f"{base}?offset=1&count=50&foo=bar").json()["items"] == every["items"][1:]  # what remains
    assert get(client, f"{base}?order=desc&count=10&sort=filename").json()["items"] == every["items"][::-1]
    for bad in ("offset=3", "sort=size", "order=DESC", "offset=-1", "offset=x", "count=-1", "count=1.5",
                f"count={rules.MAX_COUNT + 1}"):
        answer = get(client, f"{base}?{bad}")
        assert answer.status_code == 400 and answer.json()["error"], bad


def test_file_listings_page_on_files(env):
    client, _node, data = env
    files = get(client, f"{C1}/videos?count=10").json()
    assert files["total"] == 5
    assert [i["id"] for i in files["items"]] == [rules.video_id(s) for s in data["run"] + data["later"]]
    assert get(client, f"{C1}/videos?offset=4&count=3&order=desc").json()["items"] == files["items"][:1]
    assert get(client, f"{C1}/videos?offset=5").json() == {"total": 5, "items": []}
    assert get(client, f"{C1}/videos?offset=6").status_code == 400
    assert "number_of_files" not in files["items"][0]


def test_items_have_every_documented_field(env):
    client, _node, data = env
    first = data["run"][0]
    item = get(client, f"{C1}/sessions/videos").json()["items"][0]
    assert item == {"path": f"/CAM0001/{rules.video_file_name(first)}", "id": rules.video_id(first),
                    "created": rules.iso_created(first.start_ms), "size_bytes": first.size_bytes,
                    "length_secs": 2.0, "nr_highlights": 0, "mode": "normal", "resolution": "wvga",
                    "framerate_fps": 10, "aspect_ratio": "16/9", "is_valid": True, "number_of_files": 3,
                    "session_length_secs": 6.0, "session_size_bytes": sum(s.size_bytes for s in data["run"])}
    one = get(client, f"/api/2/videos/{item['id']}").json()
    assert one == {k: v for k, v in item.items() if not k.startswith(("number_of", "session_"))}
    assert get(client, f"/api/2/videos/{item['id']}/").json() == one                  # the SDK's trailing slash
    assert get(client, f"/bandit/2/api/2/videos/{item['id']}").status_code == 404    # not camera 2's
    assert get(client, "/api/2/videos/1.1-5-r").status_code == 404


def test_image_sessions_and_files(env):
    client, _node, data = env
    burst = get(client, "/bandit/2/api/2/sessions/images?count=5").json()
    alarm, at_ms = data["alarm"], data["t0"] + 500
    assert burst["total"] == 1
    assert burst["items"][0] | {"size_bytes": 0} == {
        "id": f"alarm-{alarm.id}", "path": f"/CAM0002/{rules.image_file_name('alarm', 2, at_ms, alarm.id)}",
        "created": rules.iso_created(at_ms), "size_bytes": 0, "mode": "burst", "resolution": "0.9MP",
        "aspect_ratio": "16/9", "lat_deg": 45.5, "lon_deg": -73.25, "order": 1, "total": 2, "is_valid": True,
        "number_of_files": 2}
    assert burst["items"][0]["size_bytes"] == _node.store.media.size(alarm.snapshot)
    files = get(client, "/bandit/2/api/2/images?count=5").json()
    assert [(i["id"], i["order"]) for i in files["items"]] == [(f"alarm-{data['alarm'].id}", 1),
                                                               (f"snapshot-{data['shot'].id}", 2)]
    single = get(client, f"{C1}/sessions/images?count=5").json()["items"][0]
    assert (single["mode"], single["number_of_files"]) == ("single", 1)
    assert "lat_deg" not in single and "lon_deg" not in single and "order" not in single
    picture = get(client, f"{C1}/images/snapshot-{data['single'].id}/contents")
    assert picture.headers["content-type"] == "image/jpeg" and picture.content == (
        _node.store.media.read_file(data["single"].path))
    with Image.open(io.BytesIO(get(client, f"/bandit/2/api/2/images/alarm-{data['alarm'].id}/thumb/").content)) as p:
        assert p.size == (320, 180)
    assert get(client, f"{C1}/images/alarm-{data['alarm'].id}").status_code == 404


def test_contents_with_range(env):
    client, node, data = env
    first = data["run"][0]
    url = f"{C1}/videos/{rules.video_id(first)}/contents"
    whole = get(client, url)
    on_disk = node.store.media.absolute(first.path).read_bytes()
    assert whole.status_code == 200 and whole.content == on_disk
    assert whole.headers["content-type"] == "video/x-matroska"
    assert rules.video_file_name(first) in whole.headers["content-disposition"]
    part = get(client, url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == on_disk[100:200]
    assert part.headers["content-range"] == f"bytes 100-199/{len(on_disk)}"
    assert get(client, url, headers={"Range": f"bytes={len(on_disk)}-"}).status_code == 416
    head = client.head(url, auth=ADMIN)
    assert head.status_code == 200 and head.headers["content-length"] == str(len(on_disk)) and not head.content


def test_thumbnails_and_frames(env):
    client, _node, data = env
    vid = rules.video_id(data["run"][0])
    thumb = get(client, f"{C1}/videos/{vid}/thumb?offset_secs=1.25")
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(thumb.content)) as picture:
        assert picture.size == (160, 90)
    assert get(client, f"{C1}/videos/{vid}/frames?offset_secs=2").status_code == 200
    for bad in ("offset_secs=2.5", "offset_secs=-1", "offset_secs=abc", "offset_secs=nan"):
        answer = get(client, f"{C1}/videos/{vid}/thumb?{bad}")
        assert answer.status_code == 400 and "offset_secs" in answer.json()["error"], bad


def test_delete_over_http(env):
    client, node, data = env
    kept, doomed = record_indexed(node, seconds=4, slice_max_s=2, start_ms=data["t0"], camera_id=3)
    node.store.slices.set_protected([kept.id], True)
    base = "/bandit/3/api/2/videos"
    assert client.delete(f"{base}/{rules.video_id(kept)}/", auth=KEEPER).status_code == 403
    assert client.delete(f"{base}/{rules.video_id(doomed)}").status_code == 401
    assert client.delete(f"/api/2/videos/{rules.video_id(doomed)}", auth=CONSULT).status_code == 403
    assert client.delete(f"{base}/{rules.video_id(doomed)}/", auth=KEEPER).status_code == 204
    assert get(client, f"{base}/{rules.video_id(doomed)}").status_code == 404
    assert get(client, f"{base}?count=5").json()["total"] == 1
    shot = add_snapshot(node, 3, data["t0"])
    assert client.delete(f"/bandit/3/api/2/images/snapshot-{shot.id}", auth=KEEPER).status_code == 204
    assert get(client, f"/bandit/3/api/2/images/snapshot-{shot.id}").status_code == 404


def test_auth_scopes_and_the_read_only_switch(env):
    client, _node, _data = env
    refused = client.get("/api/2/sessions/videos")
    assert refused.status_code == 401 and refused.headers["www-authenticate"].startswith("Basic")
    assert refused.json() == {"error": "Authentication required"}
    assert client.get("/api/2/sessions/videos", auth=("admin", "wrong")).status_code == 401
    assert client.get(f"{C1}/sessions/videos").status_code == 401                   # camera 1 is not open
    opened = client.get("/bandit/2/api/2/sessions/videos?count=5")
    assert opened.status_code == 200 and opened.json()["total"] == 1
    assert client.get("/bandit/2/api/version").json() == {"version": "2", "revision": "1", "supported_versions": ["2"]}
    assert client.get("/bandit/2/api/2/sessions/videos", auth=("admin", "wrong")).status_code == 401
    assert client.delete(f"/bandit/2/api/2/images/snapshot-{_data['shot'].id}").status_code == 401
    assert get(client, "/api/2/sessions/videos?count=0", auth=CONSULT).json() == {"total": 2}     # camera 1 only
    assert get(client, "/bandit/2/api/2/sessions/videos", auth=CONSULT).status_code == 403
    assert get(client, "/bandit/99/api/2/sessions/videos").status_code == 404
    assert get(client, "/bandit/99/api/version").status_code == 404
    assert get(client, "/bandit/2/api/version", auth=CONSULT).status_code == 403


def test_version_status_and_unknown_endpoints(env):
    client, _node, _data = env
    assert get(client, "/api/version").json()["supported_versions"] == ["2"]
    status = get(client, "/bandit/2/api/2/status").json()
    assert status["gnss_fix"] is True and status["recording_active"] is False
    assert 0 < status["memory_free_bytes"] <= status["memory_total_bytes"]
    assert get(client, f"{C1}/status").json()["gnss_fix"] is False
    for method, path in (("GET", "/api/2/nothing"), ("POST", "/api/2/videos"), ("GET", "/api/2"),
                         ("GET", "/bandit/x/api/2/videos"), ("PUT", f"{C1}/sessions/videos"),
                         ("GET", "/bandit/1/api/3/videos")):
        answer = client.request(method, path, auth=ADMIN)
        assert answer.status_code == 404 and "error" in answer.json(), (method, path)
    assert get(client, "/api/v1.2/cameras").status_code == 200                     # CamTrace untouched
    assert "/bandit/{camera_id}/api/2/sessions/videos" in client.get("/openapi.json").json()["paths"]
    camtrace = get(client, "/api/v1.2/nothing-here")
    assert camtrace.status_code == 404 and "No such endpoint" not in camtrace.text   # not caught by Bandit
