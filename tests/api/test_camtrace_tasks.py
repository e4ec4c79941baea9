"""CamTrace tasks: documented shapes, `type`/`status` filters, Admin only, 404 for unknown ids, and
tasks fed by real jobs (startup repair of an orphan slice file)."""

from fastapi.testclient import TestClient

from camvault.api.http import build_http_app
from tests.api.conftest import ADMIN, CONSULT
from tests.support.media import record_packets
from tests.support.recordings import URL, recent_start_ms

TASK_KEYS = {"id", "type", "status", "updated", "progress", "userId", "userName"}


def test_tasks_filter_by_type_and_status_newest_first(client, node):
    admin = node.users.list()[0]
    purge = node.tasks.record_done("purgecam")
    running = node.tasks.create("sum", admin.id, status="running")
    node.tasks.set_progress(running, 42)
    queued = node.tasks.create("concat", admin.id)
    listing = client.get("/api/v1.2/tasks", auth=ADMIN).json()["tasks"]
    assert [t["id"] for t in listing] == [queued, running, purge]
    assert all(set(t) == TASK_KEYS for t in listing)
    assert listing[1] == {"id": running, "type": "sum", "status": "running", "updated": listing[1]["updated"],
                          "progress": "42%", "userId": admin.id, "userName": "admin"}
    assert listing[1]["updated"].endswith("Z") and len(listing[1]["updated"]) == 20
    by_type = client.get("/api/v1.2/tasks", params={"type": "concat"}, auth=ADMIN).json()["tasks"]
    assert [t["id"] for t in by_type] == [queued]
    by_status = client.get("/api/v1.2/tasks", params={"status": "done"}, auth=ADMIN).json()["tasks"]
    assert [t["id"] for t in by_status] == [purge]
    assert client.get("/api/v1.2/tasks", params={"type": "sum", "status": "done"}, auth=ADMIN).json() == {"tasks": []}
    assert client.get("/api/v1.2/tasks", params={"type": "kill"}, auth=ADMIN).json() == {"tasks": []}
    paged = client.get("/api/v1.2/tasks", params={"limit": 2}, auth=ADMIN)
    assert [t["id"] for t in paged.json()["tasks"]] == [queued, running]
    assert 'rel="next"' in paged.headers["link"]
    node.tasks.set_status(running, "done")
    assert client.get(f"/api/v1.2/tasks/{running}", auth=ADMIN).json()["progress"] == "100%"


def test_task_detail_is_the_bare_object(client, node):
    task_id = node.tasks.record_done("repaircam")
    detail = client.get(f"/api/v1.2/tasks/{task_id}", auth=ADMIN).json()
    assert set(detail) == TASK_KEYS
    assert (detail["id"], detail["type"], detail["status"], detail["progress"]) == (task_id, "repaircam", "done",
                                                                                    "100%")


def test_task_errors_and_rights(client, node):
    task_id = node.tasks.record_done("purgecam")
    for params in ({"type": "compress"}, {"status": "finished"}):
        response = client.get("/api/v1.2/tasks", params=params, auth=ADMIN)
        assert response.status_code == 400 and set(response.json()) == {"error"}
    assert client.get("/api/v1.2/tasks", auth=CONSULT).status_code == 403
    assert client.get(f"/api/v1.2/tasks/{task_id}", auth=CONSULT).status_code == 403
    assert client.get("/api/v1.2/tasks").status_code == 401
    assert client.get("/api/v1.2/tasks/999", auth=ADMIN).status_code == 404
    assert client.get("/api/v1.2/tasks/abc", auth=ADMIN).status_code == 404


def test_startup_repair_is_a_repaircam_task(node):
    record_packets(URL, node.store.media, packets=20, slice_max_s=10, wall_start_ms=recent_start_ms())
    with TestClient(build_http_app(node, announce=lambda _m: None)) as client:
        tasks = client.get("/api/v1.2/tasks", params={"type": "repaircam"}, auth=ADMIN).json()["tasks"]
        assert [(t["status"], t["userId"], t["userName"]) for t in tasks] == [("done", None, "system")]
        assert len(client.get("/api/v1.2/slices", auth=ADMIN).json()["slices"]) == 1     # indexed from its file


def test_a_start_with_nothing_to_repair_records_no_task(client):
    assert client.get("/api/v1.2/tasks", params={"type": "repaircam"}, auth=ADMIN).json() == {"tasks": []}
