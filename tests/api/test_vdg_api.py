"""VDG Sense `/command` over real HTTP (Starlette's test client on the assembled app, SQLite, real
recorded slices): exportVideo to playable files, every result code of the document where its
condition occurs, DELETE of a pending and of a running export, status progress, API sessions,
XML attacks, path escapes, the licence module, Basic auth and the bandwidth throttle.

One node for the module; the worker runs one export at a time, so each test waits for its own."""

from __future__ import annotations

import time
from dataclasses import replace
from urllib.parse import quote
from xml.etree import ElementTree

import av
import pytest
from fastapi.testclient import TestClient

from camvault.api.http import build_http_app
from camvault.app import Camvault
from camvault.config import (
    CameraConfig,
    Config,
    DatabaseConfig,
    ExportDirConfig,
    ServerConfig,
    StorageConfig,
)
from camvault.core.vdg import format_timestamp
from camvault.store.licence import LicenceFile
from tests.support.media import record_packets
from tests.support.recordings import recent_start_ms, record_indexed
from tests.support.server import free_port

ADMIN = ("admin", "admin-pw")
CONSULT = ("carl", "carl-pw")           # records on camera 1 only
BIG_URL = "synthetic://?width=1280&height=720&fps=10&gop=1&bitrate=16000000&realtime=0"


@pytest.fixture(scope="module")
def env(tmp_path_factory, sqlite_template):
    root = tmp_path_factory.mktemp("vdg")
    (root / "camvault.db").write_bytes(sqlite_template.read_bytes())
    (root / "nas").mkdir()
    (root / "outside").mkdir()
    cameras = [CameraConfig(id=i, name=f"Cam {i}", source="synthetic://?width=160&height=90", enabled=False)
               for i in (1, 2, 3)]
    config = Config(server=ServerConfig(http_host="127.0.0.1", rtsp_port=free_port()),
                    storage=StorageConfig(data_dir=root / "data", min_free_bytes=0, export_dirs=[
                        ExportDirConfig(id=None, name="default", path=root / "exports"),
                        ExportDirConfig(id=1, name="nas", path=root / "nas")]),
                    database=DatabaseConfig(url=f"sqlite:///{root / 'camvault.db'}"), cameras=cameras)
    node = Camvault(config, admin_password=ADMIN[1])
    with TestClient(build_http_app(node, announce=lambda _m: None)) as client:
        node.users.create(*CONSULT, "consult", camera_ids=[1])
        t0 = recent_start_ms()
        record_indexed(node, seconds=20, slice_max_s=5, start_ms=t0, camera_id=1)
        record_indexed(node, seconds=20, slice_max_s=5, start_ms=t0, camera_id=2)
        big = record_packets(BIG_URL, node.store.media, packets=185, slice_max_s=60, camera_id=3, wall_start_ms=t0)
        for s in big:
            node.recordings.add_slice(s)
        yield client, node, {"t0": t0, "root": root, "uuid": {i: node.store.cameras.get(i).uuid for i in (1, 2, 3)},
                             "server": node.monitoring.node_uuid()}


def device(data, camera_id: int, start_s: float, end_s: float, *, server: str | None = None) -> str:
    t0 = data["t0"]
    return (f"<device><serverid>{server or data['server']}</serverid><deviceid>{data['uuid'][camera_id]}</deviceid>"
            f"<starttime>{format_timestamp(t0 + round(start_s * 1000))}</starttime>"
            f"<endtime>{format_timestamp(t0 + round(end_s * 1000))}</endtime></device>")


def export_body(devices: str, path: str, bandwidth: int | None = None) -> str:
    bw = f"<bandwidth>{bandwidth}</bandwidth>" if bandwidth is not None else ""
    return f'<?xml version="1.0" ?><export><devices>{devices}</devices><path>{path}</path>{bw}</export>'


def call(client, method: str, command: str, *, auth=ADMIN, body: str | None = None, **params):
    query = "&".join([f"command={command}"] + [f"{k}={quote(str(v))}" for k, v in params.items()])
    response = client.request(method, f"/command?{query}", content=body, auth=auth)
    assert response.headers["content-type"].startswith("application/xml")
    return response, ElementTree.fromstring(response.content)


def code(root) -> int:
    return int(root.get("errorcode"))


def create(client, body: str, auth=ADMIN) -> int:
    response, root = call(client, "POST", "exportVideo", body=body, auth=auth)
    assert response.status_code == 200 and code(root) == 0, response.text
    return int(root.findtext("export/exportid"))


def status(client, export_id: int, auth=ADMIN):
    _response, root = call(client, "GET", "getExportVideoStatus", auth=auth, exportid=export_id)
    return root.find("exports/export") if code(root) == 0 else None


def wait_done(client, export_id: int, auth=ADMIN, timeout_s: float = 60):
    deadline = time.monotonic() + timeout_s
    while True:
        found = status(client, export_id, auth)
        if found.findtext("state") in ("done", "failed") or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def wait_state(client, export_id: int, state: str, timeout_s: float = 20) -> None:
    deadline = time.monotonic() + timeout_s
    while status(client, export_id).findtext("state") != state:
        assert time.monotonic() < deadline, f"export {export_id} never became {state}"
        time.sleep(0.02)


def test_a_multi_device_export_makes_one_playable_file_per_device(env):
    client, _node, data = env
    ranges = {1: (3.0, 13.0), 2: (5.5, 9.5)}
    body = export_body(device(data, 1, *ranges[1]) + device(data, 2, *ranges[2]), "case1/multi")
    export = wait_done(client, create(client, body))
    assert export.findtext("state") == "done" and export.findtext("progress") == "100"
    folder = data["root"] / "exports" / "case1" / "multi"
    assert export.findtext("path") == str(folder)
    for node_device, camera_id in zip(export.findall("devices/device"), (1, 2)):
        assert node_device.findtext("deviceid") == data["uuid"][camera_id]
        assert node_device.findtext("state") == "done" and node_device.findtext("progress") == "100"
        path = folder / node_device.findtext("file")
        assert path.stat().st_size == int(node_device.findtext("bytes")) > 0
        with av.open(str(path)) as container:
            frames = list(container.decode(video=0))
        wanted_ms = (ranges[camera_id][1] - ranges[camera_id][0]) * 1000
        assert abs(len(frames) * 100 - wanted_ms) <= 1000          # within one GOP (10 frames at 10 fps)
        assert frames[0].width == 160
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        d.findtext("file") for d in export.findall("devices/device"))


def test_the_xml_may_come_url_encoded_in_the_value_parameter_to_an_absolute_path(env):
    client, _node, data = env
    target = data["root"] / "nas" / "by-query"
    response, root = call(client, "POST", "exportVideo", value=export_body(device(data, 1, 1, 3), str(target)))
    assert code(root) == 0, response.text
    export = wait_done(client, int(root.findtext("export/exportid")))
    assert export.findtext("state") == "done"
    assert [p.suffix for p in target.iterdir()] == [".mkv"]


@pytest.mark.parametrize("case, expected", [
    ("no_serverid", -33), ("no_deviceid", -34), ("bad_time", -4), ("end_before_start", -37),
    ("other_server", -17), ("unknown_device", -2), ("no_video", -48), ("dotdot", -58), ("outside", -58),
    ("symlink", -58), ("file_in_the_way", -61),
])
def test_each_refusal_has_its_documented_code(env, case, expected):
    client, _node, data = env
    root = data["root"]
    good = device(data, 1, 1, 2)
    bodies = {
        "no_serverid": export_body(good.replace(f"<serverid>{data['server']}</serverid>", ""), "x"),
        "no_deviceid": export_body(good.replace(f"<deviceid>{data['uuid'][1]}</deviceid>", ""), "x"),
        "bad_time": export_body(good.replace(format_timestamp(data["t0"] + 1000), "2024-01-19T10:00:00"), "x"),
        "end_before_start": export_body(device(data, 1, 5, 2), "x"),
        "other_server": export_body(device(data, 1, 1, 2, server="00000000-0000-4000-8000-000000000000"), "x"),
        "unknown_device": export_body(good.replace(data["uuid"][1], "00000000-0000-4000-8000-0000000000ff"), "x"),
        "no_video": export_body(device(data, 1, 3600, 3700), "x"),
        "dotdot": export_body(good, "case/../../outside/x"),
        "outside": export_body(good, str(root / "outside" / "x")),
        "symlink": export_body(good, "link-out/sub"),
        "file_in_the_way": export_body(good, "a-file/sub"),
    }
    (root / "exports").mkdir(exist_ok=True)
    if not (root / "exports" / "link-out").is_symlink():
        (root / "exports" / "link-out").symlink_to(root / "outside")
    (root / "exports" / "a-file").write_text("not a folder")
    response, result = call(client, "POST", "exportVideo", body=bodies[case])
    assert (response.status_code, code(result)) == (200, expected), response.text
    assert result.findtext("message") and result.find("export") is None
    assert list((root / "outside").iterdir()) == []


def test_a_user_without_records_right_sees_no_device(env):
    client, _node, data = env
    _response, root = call(client, "POST", "exportVideo", auth=CONSULT, body=export_body(device(data, 2, 1, 2), "c"))
    assert code(root) == -2


def test_not_enough_disk_space_is_minus_60(env, monkeypatch):
    client, node, data = env
    monkeypatch.setattr(node.vdg, "_settings", replace(node.vdg._settings, min_free_bytes=10 ** 18))
    _response, root = call(client, "POST", "exportVideo", body=export_body(device(data, 1, 1, 2), "space"))
    assert code(root) == -60


def test_delete_needs_an_exportid_and_removes_pending_and_running_exports(env):
    client, _node, data = env
    _response, root = call(client, "DELETE", "exportVideo")
    assert code(root) == -57
    running = create(client, export_body(device(data, 1, 0, 20), "del/running", bandwidth=20_000))
    pending = create(client, export_body(device(data, 2, 0, 20), "del/pending"))
    wait_state(client, running, "running")
    assert status(client, pending).findtext("state") == "pending"
    _response, root = call(client, "DELETE", "exportVideo", exportid=pending)
    assert code(root) == 0 and status(client, pending) is None
    deadline = time.monotonic() + 10
    while int(status(client, running).find("devices/device").findtext("bytes")) == 0:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    _response, root = call(client, "DELETE", "exportVideo", exportid=running)
    assert code(root) == 0 and status(client, running) is None
    folder = data["root"] / "exports" / "del"
    deadline = time.monotonic() + 5
    while list((folder / "running").iterdir()):                    # the partial file goes with the job
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert list((folder / "pending").iterdir()) == []
    _response, root = call(client, "DELETE", "exportVideo", exportid=running)
    assert code(root) == -1


def test_status_lists_the_sessions_exports_and_ids_restart_at_1_per_session(env):
    client, _node, data = env
    call(client, "GET", "logout")
    call(client, "GET", "logout", auth=CONSULT)
    first = create(client, export_body(device(data, 1, 1, 2), "sess"))
    second = create(client, export_body(device(data, 1, 2, 3), "sess"))
    assert (first, second) == (1, 2)
    assert create(client, export_body(device(data, 1, 1, 2), "sess-carl"), auth=CONSULT) == 1
    wait_done(client, second)
    _response, root = call(client, "GET", "getexportvideostatus")
    assert [int(e.findtext("exportid")) for e in root.findall("exports/export")] == [1, 2]
    assert status(client, 1, auth=CONSULT) is not None
    _response, root = call(client, "GET", "logout")
    assert code(root) == 0
    _response, root = call(client, "GET", "getExportVideoStatus")
    assert root.findall("exports/export") == []
    assert create(client, export_body(device(data, 1, 1, 2), "sess")) == 1


def test_xml_attacks_are_refused_without_expansion(env, tmp_path):
    client, _node, data = env
    laughs = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
              + "".join(f'<!ENTITY a{i} "{("&a" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
              + "]>" + export_body(device(data, 1, 1, 2), "&a9;"))
    secret = tmp_path / "secret"
    secret.write_text("TOP-SECRET")
    xxe = (f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY s SYSTEM "file://{secret}">]>'
           + export_body(device(data, 1, 1, 2), "&s;"))
    for body in (laughs, xxe):
        response, root = call(client, "POST", "exportVideo", body=body)
        assert (response.status_code, code(root)) == (400, -1)
        assert "TOP-SECRET" not in response.text
    response, root = call(client, "POST", "exportVideo", body="<export>" + "x" * 70_000 + "</export>")
    assert (response.status_code, code(root)) == (413, -1)


def test_credentials_licence_and_unknown_commands(env):
    client, node, data = env
    response = client.post("/command?command=exportVideo", content=export_body(device(data, 1, 1, 2), "x"))
    assert response.status_code == 401 and response.headers["www-authenticate"].startswith("Basic")
    assert code(ElementTree.fromstring(response.content)) == -1
    response, root = call(client, "GET", "noSuchCommand")
    assert (response.status_code, code(root)) == (400, -1)
    response, root = call(client, "GET", "exportVideo")
    assert (response.status_code, code(root)) == (405, -1)
    licence = LicenceFile(node.store.media.root)
    saved = licence.read()
    licence.write({**saved, "active_modules": [m for m in saved["active_modules"] if m != "api"]})
    try:
        response, root = call(client, "POST", "exportVideo", body=export_body(device(data, 1, 1, 2), "x"))
        assert (response.status_code, code(root)) == (403, -1)
        assert "licence" in root.findtext("message")
    finally:
        licence.write(saved)
    response, root = call(client, "GET", "getExportVideoStatus")
    assert code(root) == 0


def test_bandwidth_throttles_a_10_mb_export_to_5_s(env):
    client, _node, data = env
    started = time.monotonic()
    export = wait_done(client, create(client, export_body(device(data, 3, 0, 18.5), "bw", bandwidth=2_000_000)))
    elapsed_s = time.monotonic() - started
    assert export.findtext("state") == "done"
    size = int(export.findtext("devices/device/bytes"))
    assert 9_000_000 <= size <= 11_500_000
    assert 0.8 * size / 2_000_000 <= elapsed_s <= 1.2 * size / 2_000_000
    assert 4.0 <= elapsed_s <= 6.0
