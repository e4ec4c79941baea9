"""The passive screen's event stream and page against a node served by uvicorn on a real socket
(real streaming; the test client cannot read an endless answer): the first event says what the
screen shows now, every change through the API or the system action `show` follows within 1 s,
the camera stream is chosen for the display's size, what is shown depends on the viewer's rights,
a deleted screen ends the stream, a client that leaves stops watching; errors in the CamTrace shape;
the page is self-contained HTML."""

from __future__ import annotations

import json
import threading
import time
from contextlib import contextmanager

import httpx
import pytest

from camvault.api.http import build_http_app
from camvault.app import Camvault
from camvault.config import (
    CameraConfig,
    Config,
    DatabaseConfig,
    ScreenConfig,
    ServerConfig,
    StorageConfig,
    StreamConfig,
)
from tests.api.conftest import ADMIN, CONSULT
from tests.support.mjpeg import ThreadedServer
from tests.support.server import free_port

pytestmark = pytest.mark.slow

SWITCH_S = 1.0
"""The longest a change may take to reach an open screen."""


def source(width=320, height=180) -> str:
    return f"synthetic://?width={width}&height={height}&fps=5&bitrate=200000&gop=5"


@pytest.fixture
def served(tmp_path, database_url):
    """Camera 1 (320x180), camera 2 (640x360 high, 320x180 low stream), camera 3 disabled;
    screen 1 from the config file."""
    cameras = [CameraConfig(id=1, name="Cam 1", source=source()),
               CameraConfig(id=2, name="Cam 2", source=source(640, 360), streams=[
                   StreamConfig(id=1, name="main", roles=["rrecord", "mosaic"], quality=3),
                   StreamConfig(id=2, name="sub", source=source(), roles=["detect"], quality=1)]),
               CameraConfig(id=3, name="Cam 3", source=source(), enabled=False)]
    config = Config(server=ServerConfig(http_host="127.0.0.1", rtsp_port=free_port()),
                    storage=StorageConfig(data_dir=tmp_path / "data", min_free_bytes=0),
                    database=DatabaseConfig(url=database_url), cameras=cameras,
                    screens=[ScreenConfig(id=1, num=1, name="Wall <1>", host="10.5.0.38")])
    node = Camvault(config, admin_password=ADMIN[1])
    with ThreadedServer(build_http_app(node, announce=lambda _m: None)) as server:
        node.users.create(CONSULT[0], CONSULT[1], "consult", camera_ids=[1])
        with httpx.Client(base_url=server.url, auth=ADMIN, timeout=10) as api:
            yield node, server.url, api


class EventStream:
    """The events of a `text/event-stream` answer, one at a time: (name, data as JSON)."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self._lines = response.iter_lines()

    def next(self) -> tuple[str, dict]:
        name, data = "", ""
        for line in self._lines:
            if line == "" and name:
                return name, json.loads(data)
            key, _, value = line.partition(":")
            if key == "event":
                name = value.strip()
            elif key == "data":
                data = value.strip()
        raise EOFError("the event stream ended")


@contextmanager
def events(base: str, screen_id: int = 1, auth=ADMIN, **params):
    with httpx.Client(base_url=base, auth=auth, timeout=10) as client, \
            client.stream("GET", f"/screens/{screen_id}/events", params=params) as response:
        assert response.status_code == 200, response.read()
        assert response.headers["content-type"].startswith("text/event-stream")
        yield EventStream(response)


def wait_until(predicate, timeout_s: float = 10.0):
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def measured(node, *streams) -> bool:
    return all((state := node.ingest.state(c, s)) is not None and state.width for c, s in streams)


def test_the_stream_follows_every_change_within_a_second(served):
    node, base, api = served
    with events(base, width=1920, height=1080) as stream:
        assert stream.next() == ("screen", {"id": 1, "num": 1, "name": "Wall <1>", "cameraId": None,
                                            "groupId": None, "src": None, "caption": "",
                                            "message": "Nothing to show"})
        started = time.monotonic()
        assert api.put("/api/v1.2/screens/1", json={"screen": {"serverId": 0, "cameraId": 2}}).status_code == 200
        name, data = stream.next()
        assert time.monotonic() - started < SWITCH_S
        assert (name, data["cameraId"], data["groupId"], data["src"], data["caption"], data["message"]) == (
            "screen", 2, None, "/live/view/2.1", "Cam 2", "")
        started = time.monotonic()
        threading.Thread(target=node.screens.show, args=(1,), kwargs={"camera_id": 1}).start()    # another thread
        name, data = stream.next()
        assert time.monotonic() - started < SWITCH_S
        assert (data["cameraId"], data["src"]) == (1, "/live/view/1.1")
        api.put("/api/v1.2/screens/1", json={"screen": {"cameraId": 3}})
        data = stream.next()[1]
        assert (data["cameraId"], data["src"], data["caption"], data["message"]) == (
            3, None, "Cam 3", "Cam 3 is disabled")


def test_a_mosaic_is_shown_at_the_display_size(served):
    node, base, api = served
    element = {"position": 0, "serverId": 0, "cameraId": 1, "quality": 1, "mode": "v", "type": "c", "url": None,
               "showMargin": True, "showMenu": True, "keepRatio": True, "alignment": 0}
    created = api.post("/api/v1.2/groups", json={"group": {
        "name": "One", "rows": 1, "cols": 1, "layout": [[0]],
        "levels": [{"name": "One 0", "duration": 10, "elements": [element]}]}})
    assert created.status_code == 201, created.text
    mosaic = int(created.headers["Location"].rsplit("/", 1)[1])
    node.screens.show(1, mosaic_id=mosaic)
    with events(base, width=1001, height=20000) as stream:
        data = stream.next()[1]
        assert (data["cameraId"], data["groupId"], data["src"], data["caption"], data["message"]) == (
            None, mosaic, f"/m?group={mosaic}&width=1000&height=3840", "One", "")
    with events(base, auth=None, user=CONSULT[0], **{"pass": CONSULT[1]}) as stream:   # no view right on it
        data = stream.next()[1]
        assert (data["src"], data["message"]) == (None, f"User carl may not view mosaic {mosaic}")


def test_the_camera_stream_suits_the_display(served):
    node, base, api = served
    wait_until(lambda: measured(node, (2, 1), (2, 2)))
    api.put("/api/v1.2/screens/1", json={"screen": {"cameraId": 2}})
    for (width, height), src in (((320, 180), "/live/view/2.2"), ((640, 360), "/live/view/2.1"),
                                 ((3840, 2160), "/live/view/2.1"), ((200, 600), "/live/view/2.2")):
        with events(base, width=width, height=height) as stream:
            assert stream.next()[1]["src"] == src, (width, height)
    with events(base) as stream:                                  # no size: a full HD display
        assert stream.next()[1]["src"] == "/live/view/2.1"


def test_what_is_shown_depends_on_the_viewers_rights(served):
    _node, base, api = served
    api.put("/api/v1.2/screens/1", json={"screen": {"cameraId": 2}})
    with events(base, auth=None, user=CONSULT[0], **{"pass": CONSULT[1]}) as stream:
        data = stream.next()[1]
        assert (data["cameraId"], data["src"], data["message"]) == (2, None, "User carl may not view camera 2")
        api.put("/api/v1.2/screens/1", json={"screen": {"cameraId": 1}})
        data = stream.next()[1]
        assert (data["cameraId"], data["src"], data["message"]) == (1, "/live/view/1.1", "")


def test_a_deleted_screen_ends_its_stream_and_a_leaving_client_stops_watching(served):
    node, base, api = served
    created = api.post("/api/v1.2/screens", json={"screen": {"num": 2, "name": "Temporary"}})
    screen_id = created.json()["id"]
    with events(base, screen_id) as stream:
        assert stream.next()[0] == "screen"
        assert node.screens.watchers.count(screen_id) == 1
        assert api.delete(f"/api/v1.2/screens/{screen_id}").status_code == 204
        assert stream.next() == ("deleted", {"id": screen_id})
        with pytest.raises(EOFError):
            stream.next()
    with events(base, 1) as stream:
        stream.next()
        assert node.screens.watchers.count(1) == 1
    wait_until(lambda: node.screens.watchers.count(1) == 0, 5)


def test_errors_and_the_page(served):
    _node, base, _api = served
    with httpx.Client(base_url=base, timeout=10) as client:
        missing = client.get("/screens/7/events", auth=ADMIN)
        assert missing.status_code == 404 and missing.json() == {"error": "Screen 7 not found"}
        assert client.get("/screens/x/view", auth=ADMIN).json() == {"error": "Screen x not found"}
        anonymous = client.get("/screens/1/view")
        assert anonymous.status_code == 401 and anonymous.headers["WWW-Authenticate"].startswith("Basic")
        assert client.get("/screens/1/events", params={"user": "admin", "pass": "wrong"}).status_code == 401
        french = client.get("/screens/7/view", auth=ADMIN, headers={"Accept-Language": "fr"})
        assert french.json() == {"error": "Écran passif 7 introuvable"}
        page = client.get("/screens/1/view", params={"user": ADMIN[0], "pass": ADMIN[1]})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert 'data-screen-id="1"' in html and "<title>Wall &lt;1&gt; - camvault screen</title>" in html
    assert "http:" not in html and "https:" not in html                 # nothing fetched elsewhere
    assert "<script src" not in html and "<link" not in html
    assert "new EventSource(" in html
