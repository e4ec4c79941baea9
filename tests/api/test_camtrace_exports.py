"""CamTrace exports: the documented shapes, a 30 s export over 3 slices that plays 30 s from inside
its zip, md5sum, archive, delete, relaunch after a restart, disks with real space, rights and
every error path. Real slices, real database (SQLite and PostgreSQL), real HTTP."""

import hashlib
import io
import shutil
import time
import zipfile
from pathlib import Path

import av
import pytest
from fastapi.testclient import TestClient

from camvault.api.http import build_http_app
from camvault.app import Camvault
from camvault.config import CameraConfig, Config, DatabaseConfig, ExportDirConfig, StorageConfig
from camvault.core.timefmt import format_iso_ms, format_iso_s
from camvault.core.volumes import mount_of, parse_mounts
from tests.api.conftest import ADMIN, CONSULT
from tests.support.recordings import FPS, recent_start_ms, record_indexed, wait_export

PROTECT = ("pat", "pat-pw")       # protection profile, camera 1 only
EXPORT_KEYS = {"id", "cameraId", "diskId", "from", "to", "type", "comment", "downloadUrl", "size", "p100", "md5sum",
               "archived", "createdAt", "url"}


def iso(ms: int) -> str:
    return format_iso_s(ms) if ms % 1000 == 0 else format_iso_ms(ms)


def post_export(client, auth, camera_id, from_ms, to_ms, **extra):
    body = {"export": {"cameraId": camera_id, "from": iso(from_ms), "to": iso(to_ms), **extra}}
    return client.post("/api/v1.2/exports", json=body, auth=auth)


def played_seconds(zip_bytes: bytes) -> tuple[float, int]:
    """Decode the video inside the zip: (first to last frame + one frame interval, frames)."""
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as archive:
        assert archive.testzip() is None
        (name,) = archive.namelist()
        assert name.endswith(".mkv")
        with archive.open(name) as member, av.open(member) as container:
            stream = container.streams.video[0]
            pts = [frame.pts for frame in container.decode(stream)]
            return float((pts[-1] - pts[0]) * stream.time_base) + 1 / FPS, len(pts)


@pytest.fixture
def protect_user(client, node):
    node.users.create(PROTECT[0], PROTECT[1], "protection", camera_ids=[1])
    return PROTECT


def test_export_of_30_s_over_3_slices_plays_30_s_and_matches_its_md5(client, node):
    made = record_indexed(node, seconds=36, slice_max_s=12)
    assert [s.stop_ms - s.start_ms for s in made] == [12000, 12000, 12000]
    start = made[0].start_ms + 3000                     # from inside slice 1 to inside slice 3
    before_ms = time.time_ns() // 1_000_000
    created = post_export(client, ADMIN, 1, start, start + 30_000, comment="gate")
    assert created.status_code == 201
    body = created.json()["export"]
    assert set(body) == EXPORT_KEYS
    assert created.headers["location"] == body["url"] == f"/api/v1.2/exports/{body['id']}"
    assert (body["cameraId"], body["diskId"], body["type"], body["comment"], body["p100"], body["size"],
            body["md5sum"], body["archived"]) == (1, None, "r", "gate", 0, 0, None, False)
    assert (body["from"], body["to"]) == (iso(start), iso(start + 30_000))
    assert body["downloadUrl"] == f"/api/v1.2/exports/{body['id']}/download"
    assert abs(int(time.mktime(time.strptime(body["createdAt"], "%Y-%m-%dT%H:%M:%SZ"))) - time.timezone
               - before_ms // 1000) <= 2

    done = wait_export(client, ADMIN, body["id"])
    assert done["p100"] == 100 and done["size"] > 0
    download = client.get(done["downloadUrl"], auth=ADMIN)
    assert download.status_code == 200 and download.headers["content-type"] == "application/zip"
    assert len(download.content) == done["size"]
    seconds, frames = played_seconds(download.content)
    assert abs(seconds - 30) <= 1 / FPS and abs(frames - 30 * FPS) <= 1

    md5 = client.get(f"/api/v1.2/exports/{body['id']}/md5sum", auth=ADMIN).json()
    assert md5 == {"md5sum": hashlib.md5(download.content).hexdigest()}
    assert client.get(done["url"], auth=ADMIN).json()["export"]["md5sum"] == md5["md5sum"]

    admin_id = node.users.list()[0].id
    concat = client.get("/api/v1.2/tasks", params={"type": "concat"}, auth=ADMIN).json()["tasks"]
    assert [(t["status"], t["progress"], t["userId"], t["userName"]) for t in concat] == \
        [("done", "100%", admin_id, "admin")]
    sums = client.get("/api/v1.2/tasks", params={"type": "sum", "status": "done"}, auth=ADMIN).json()["tasks"]
    assert [(t["progress"], t["userName"]) for t in sums] == [("100%", "admin")]


def test_export_starts_on_the_keyframe_before_from_and_lists_by_camera_and_range(client, node):
    made = record_indexed(node, seconds=20, slice_max_s=10)
    start = made[0].start_ms + 2500                     # keyframes every second: starts at +2 s
    first = post_export(client, ADMIN, 1, start, start + 5000).json()["export"]
    done = wait_export(client, ADMIN, first["id"])
    seconds, _frames = played_seconds(client.get(done["downloadUrl"], auth=ADMIN).content)
    assert abs(seconds - 5.5) <= 1 / FPS
    second = post_export(client, ADMIN, 1, made[0].start_ms + 12_000, made[0].start_ms + 14_000).json()["export"]
    listed = client.get("/api/v1.2/exports", params={"cameraId": "1,2"}, auth=ADMIN).json()["exports"]
    assert [e["id"] for e in listed] == [first["id"], second["id"]]
    later = client.get("/api/v1.2/exports", params={"CameraId": "1", "from": iso(made[0].start_ms + 10_000)},
                       auth=ADMIN).json()["exports"]
    assert [e["id"] for e in later] == [second["id"]]
    assert client.get("/api/v1.2/exports", params={"cameraId": "2"}, auth=ADMIN).json() == {"exports": []}
    paged = client.get("/api/v1.2/exports", params={"limit": 1}, auth=ADMIN)
    assert [e["id"] for e in paged.json()["exports"]] == [first["id"]]
    assert 'rel="next"' in paged.headers["link"] and "offset=1" in paged.headers["link"]


def test_error_paths(client, node, protect_user):
    made = record_indexed(node, seconds=10, slice_max_s=10)
    node.export_worker.stop()                           # exports stay queued: "not finished yet"
    start = made[0].start_ms
    no_rec = post_export(client, ADMIN, 1, start - 600_000, start - 300_000)
    assert no_rec.status_code == 400 and "No regular recording of camera 1" in no_rec.json()["error"]
    assert post_export(client, ADMIN, 1, start, start + 5000, type="a").status_code == 400   # no alarm slices
    assert post_export(client, ADMIN, 99, start, start + 5000).status_code == 404
    assert post_export(client, CONSULT, 1, start, start + 5000).status_code == 403
    assert post_export(client, PROTECT, 2, start, start + 5000).status_code == 403
    bad_type = post_export(client, ADMIN, 1, start, start + 5000, type="x")
    assert bad_type.status_code == 400 and "type" in bad_type.json()["error"]
    assert post_export(client, ADMIN, 1, start + 5000, start).status_code == 400
    assert post_export(client, ADMIN, 1, start, start + 5000, diskId=7).status_code == 400
    assert post_export(client, ADMIN, 1, start, start + 5000, colour="red").status_code == 400
    bad_date = client.post("/api/v1.2/exports", json={"export": {"cameraId": 1, "from": "yesterday",
                                                                 "to": iso(start)}}, auth=ADMIN)
    assert bad_date.status_code == 400 and "from" in bad_date.json()["error"]
    assert client.post("/api/v1.2/exports", content=b"{", auth=ADMIN).status_code == 400

    queued = post_export(client, PROTECT, 1, start, start + 5000)
    assert queued.status_code == 201
    url = queued.json()["export"]["url"]
    for suffix in ("/download", "/md5sum"):
        response = client.get(url + suffix, auth=ADMIN)
        assert response.status_code == 409 and "not finished" in response.json()["error"]
    assert client.patch(url, auth=ADMIN).status_code == 409
    assert client.put(url, json={"export": {"archived": 1}}, auth=ADMIN).status_code == 409
    assert client.get(url, auth=CONSULT).status_code == 403
    assert client.get("/api/v1.2/exports", auth=CONSULT).status_code == 403
    assert client.get("/api/v1.2/exports/disks", auth=CONSULT).status_code == 403
    assert client.get("/api/v1.2/exports/disks", auth=PROTECT).status_code == 200
    assert client.get("/api/v1.2/exports", params={"cameraId": "2"}, auth=PROTECT).status_code == 403
    assert client.get("/api/v1.2/exports", params={"cameraId": "one"}, auth=ADMIN).status_code == 400
    assert client.get("/api/v1.2/exports", params={"from": "soon"}, auth=ADMIN).status_code == 400
    assert [e["url"] for e in client.get("/api/v1.2/exports", auth=PROTECT).json()["exports"]] == [url]
    for missing in ("/api/v1.2/exports/999", "/api/v1.2/exports/abc", "/api/v1.2/exports/999/download"):
        assert client.get(missing, auth=ADMIN).status_code == 404
    assert client.delete("/api/v1.2/exports/999", auth=ADMIN).status_code == 404
    assert client.delete(url, auth=PROTECT).status_code == 204                  # a queued export: its task is killed
    killed = client.get("/api/v1.2/tasks", params={"type": "concat", "status": "killed"}, auth=ADMIN).json()
    assert len(killed["tasks"]) == 1 and killed["tasks"][0]["userName"] == "pat"


def test_archive_keeps_the_row_and_deletes_the_file_then_delete_forgets_it(client, node):
    made = record_indexed(node, seconds=10, slice_max_s=10)
    export = post_export(client, ADMIN, 1, made[0].start_ms, made[0].stop_ms).json()["export"]
    wait_export(client, ADMIN, export["id"])
    zips = list((node.config.storage.data_dir / "exports").glob("*.zip"))
    assert len(zips) == 1
    assert client.patch(export["url"], auth=ADMIN).status_code == 409          # done, not failed
    assert client.put(export["url"], json={"export": {"archived": 0}}, auth=ADMIN).status_code == 400
    archived = client.put(export["url"], json={"export": {"archived": 1}}, auth=ADMIN)
    assert archived.status_code == 200
    assert archived.json()["export"]["archived"] is True and archived.json()["export"]["p100"] == 100
    assert not zips[0].exists()
    assert client.get(export["url"], auth=ADMIN).json()["export"]["archived"] is True
    assert client.get(export["downloadUrl"], auth=ADMIN).status_code == 404
    deleted = client.delete(export["url"], auth=ADMIN)
    assert deleted.status_code == 204 and deleted.content == b""
    assert client.get(export["url"], auth=ADMIN).status_code == 404


def test_delete_removes_a_finished_file(client, node):
    made = record_indexed(node, seconds=10, slice_max_s=10)
    export = post_export(client, ADMIN, 1, made[0].start_ms, made[0].stop_ms).json()["export"]
    wait_export(client, ADMIN, export["id"])
    (zip_path,) = (node.config.storage.data_dir / "exports").glob("*.zip")
    assert client.delete(export["url"], auth=ADMIN).status_code == 204
    assert not zip_path.exists()
    assert client.get("/api/v1.2/exports", auth=ADMIN).json() == {"exports": []}


def serve(node) -> TestClient:
    return TestClient(build_http_app(node, announce=lambda _m: None))


@pytest.mark.slow
def test_an_export_interrupted_by_a_restart_is_failed_then_relaunched(node):
    with serve(node) as client:
        made = record_indexed(node, seconds=10, slice_max_s=10)
        done = post_export(client, ADMIN, 1, made[0].start_ms, made[0].stop_ms).json()["export"]
        wait_export(client, ADMIN, done["id"])
        node.export_worker.stop()
        queued = post_export(client, ADMIN, 1, made[0].start_ms, made[0].start_ms + 4000).json()["export"]
    # the node stopped with the export unfinished; a new process starts on the same data
    with serve(Camvault(node.config, admin_password=ADMIN[1])) as again:
        kept = again.get(done["url"], auth=ADMIN).json()["export"]
        assert kept["p100"] == 100 and again.get(done["downloadUrl"], auth=ADMIN).status_code == 200
        failed = again.get(queued["url"], auth=ADMIN).json()["export"]
        assert failed["p100"] < 100
        assert again.get(queued["downloadUrl"], auth=ADMIN).status_code == 409
        aborted = again.get("/api/v1.2/tasks", params={"type": "concat", "status": "aborted"}, auth=ADMIN)
        assert len(aborted.json()["tasks"]) == 1
        relaunched = again.patch(queued["url"], auth=ADMIN)
        assert relaunched.status_code == 200
        assert relaunched.json()["export"]["p100"] == 0 and relaunched.json()["export"]["id"] == queued["id"]
        assert wait_export(again, ADMIN, queued["id"])["p100"] == 100
        seconds, _frames = played_seconds(again.get(queued["downloadUrl"], auth=ADMIN).content)
        assert abs(seconds - 4) <= 1 / FPS


def test_disks_list_real_volumes_and_exports_go_to_the_chosen_one(tmp_path, database_url):
    usb = tmp_path / "usb"
    storage = StorageConfig(data_dir=tmp_path / "data", min_free_bytes=0, export_dirs=[
        ExportDirConfig(id=None, name="default", path=Path("exports")), ExportDirConfig(id=3, name="usb", path=usb)])
    config = Config(storage=storage, database=DatabaseConfig(url=database_url), cameras=[
        CameraConfig(id=1, name="Cam 1", source="synthetic://?width=160&height=90&fps=5", enabled=False)])
    node = Camvault(config, admin_password=ADMIN[1])
    with serve(node) as client:
        disks = client.get("/api/v1.2/exports/disks", auth=ADMIN).json()["disks"]
        assert [(d["id"], d["name"]) for d in disks] == [(None, "default"), (3, "usb")]
        mounts = parse_mounts(Path("/proc/mounts").read_text())
        for disk, folder in zip(disks, (tmp_path / "data" / "exports", usb)):
            assert set(disk) == {"id", "name", "fstype", "totalSpace", "freeSpace"}
            space = shutil.disk_usage(folder)
            assert disk["fstype"] == mount_of(str(folder.resolve()), mounts).fstype
            assert disk["totalSpace"] == space.total and abs(disk["freeSpace"] - space.free) < 100_000_000
            assert 0 < disk["freeSpace"] <= disk["totalSpace"]
        made = record_indexed(node, seconds=5, slice_max_s=5, start_ms=recent_start_ms())
        export = post_export(client, ADMIN, 1, made[0].start_ms, made[0].stop_ms, diskId=3).json()["export"]
        assert export["diskId"] == 3 and wait_export(client, ADMIN, export["id"])["p100"] == 100
        assert len(list(usb.glob("*.zip"))) == 1
