"""A stored mosaic played as MJPEG (`/m?group=<id>`, camvault extension) by a browser-style client
against a node served by uvicorn, on both databases: synthetic cameras of distinct tints (hue 0,
90, 180, 270) tell which camera each cell shows.

Proves: a merged cell (the document's 2x2 block) is one picture over its four positions; a cell
without an element is black; the levels cycle by their durations (A, then B after ~2 s, then A
again) without the client reconnecting; an override with a duration shows its camera in the cell
and ends on time, one without lasts until cancelled by a call with only the position; a
modification shows at once and a deletion ends the answer; a user's cells showing cameras he may
not view live stay black; errors (unknown or forbidden mosaic, bad compr) answer in the CamTrace
shape before any picture.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import httpx
import numpy as np
import pytest

from camvault.api.http import build_http_app
from camvault.app import Camvault
from camvault.config import (
    CameraConfig,
    Config,
    DatabaseConfig,
    LiveConfig,
    ServerConfig,
    StorageConfig,
)
from camvault.core.tiles import Size, merged_cells
from tests.support.mjpeg import ThreadedServer, parts
from tests.support.picture import chroma_hue, hue_distance
from tests.support.server import free_port

pytestmark = pytest.mark.slow

ADMIN = ("admin", "admin-pw")
VERA = ("vera", "vera-pw")                 # live right on camera 1 only
HUES = {1: 0, 2: 90, 3: 180, 4: 270}
FPS = 10
CANVAS = Size(1280, 720)
DOC_LAYOUT = [[0, 0, 1], [0, 0, 2], [3, 4, 5]]


def source(hue: int) -> str:
    return f"synthetic://?width=320&height=180&fps={FPS}&bitrate=300000&gop={FPS}&hue={hue}"


@pytest.fixture
def push(tmp_path, database_url):
    cameras = [CameraConfig(id=cam, name=f"Cam {cam}", source=source(hue)) for cam, hue in HUES.items()]
    config = Config(server=ServerConfig(http_host="127.0.0.1", rtsp_port=free_port()),
                    storage=StorageConfig(data_dir=tmp_path / "data", min_free_bytes=0),
                    database=DatabaseConfig(url=database_url), cameras=cameras,
                    live=LiveConfig(mjpeg_max_fps=FPS, mjpeg_grace_s=1.0))
    node = Camvault(config, admin_password=ADMIN[1])
    with ThreadedServer(build_http_app(node, announce=lambda _m: None)) as server:
        node.users.create(VERA[0], VERA[1], "consult", camera_ids=[1])
        deadline = time.monotonic() + 15
        while not all(node.live.get(c, 1) and node.live.get(c, 1).codec for c in HUES):
            assert time.monotonic() < deadline, "the cameras did not deliver"
            time.sleep(0.05)
        yield node, server.url


def element(position: int, camera_id: int) -> dict:
    return {"position": position, "serverId": 0, "cameraId": camera_id, "quality": 3}


def create(base: str, layout: list[list[int]], *levels: tuple[int, dict[int, int]]) -> int:
    rows, cols = len(layout), len(layout[0])
    body = {"group": {"name": "wall", "rows": rows, "cols": cols, "layout": layout, "levels": [
        {"name": f"L{i}", "duration": duration, "elements": [element(p, c) for p, c in cells.items()]}
        for i, (duration, cells) in enumerate(levels)]}}
    answer = httpx.post(f"{base}/api/v1.2/groups", json=body, auth=ADMIN, timeout=10)
    assert answer.status_code == 201, answer.text
    return answer.json()["group"]["id"]


def label(region: np.ndarray) -> int | str:
    """The camera whose tint fills `region` (RGB), "black", or "?" (mixed, e.g. mid-switch)."""
    middle = region[region.shape[0] // 4: -region.shape[0] // 4, region.shape[1] // 4: -region.shape[1] // 4]
    if middle.mean() < 12:
        return "black"
    hue, strength = chroma_hue(middle)
    near = [cam for cam, h in HUES.items() if hue_distance(hue, h) < 20]
    return near[0] if strength > 30 and near else "?"


def regions(layout: list[list[int]]) -> dict[str, tuple[int, int, int, int]]:
    """Each cell's area (x, y, w, h); a merged cell also by each of its positions (`<cell>@r,c`)."""
    out = {str(c): (cell.x_px, cell.y_px, cell.width_px, cell.height_px)
           for c, cell in merged_cells(tuple(map(tuple, layout)), CANVAS).items()}
    unit_w, unit_h = CANVAS.width_px // len(layout[0]) // 2 * 2, CANVAS.height_px // len(layout) // 2 * 2
    for r, row in enumerate(layout):
        for c, cell in enumerate(row):
            if sum(v == cell for line in layout for v in line) > 1:
                out[f"{cell}@{r},{c}"] = (c * unit_w, r * unit_h, unit_w, unit_h)
    return out


def labels(image, areas: dict[str, tuple[int, int, int, int]]) -> dict[str, int | str]:
    array = np.asarray(image.convert("RGB"))
    return {name: label(array[y:y + h, x:x + w]) for name, (x, y, w, h) in areas.items()}


def until(frames: Iterator, areas, wanted: Callable[[dict], bool], timeout_s: float = 6.0) -> float:
    """Read pictures until one shows what `wanted` accepts; its arrival time."""
    deadline = time.monotonic() + timeout_s
    last = None
    for part in frames:
        last = labels(part.image(), areas)
        if wanted(last):
            return part.received_s
        assert time.monotonic() < deadline, f"not seen in time; last picture: {last}"
    raise AssertionError("the stream ended")


def showing(expected: dict[str, int | str]) -> Callable[[dict], bool]:
    return lambda got: all(got[k] == v for k, v in expected.items())


def test_levels_cycle_and_a_merged_cell_spans_its_positions(push):
    _node, base = push
    gid = create(base, DOC_LAYOUT, (2, {0: 1, 1: 2, 2: 3, 3: 4}), (2, {0: 4, 1: 1, 5: 2}))
    areas = regions(DOC_LAYOUT)
    quarters = [k for k in areas if k.startswith("0@")]
    assert len(quarters) == 4
    level_a = {**dict.fromkeys(quarters, 1), "1": 2, "2": 3, "3": 4, "4": "black", "5": "black"}
    level_b = {**dict.fromkeys(quarters, 4), "1": 1, "2": "black", "3": "black", "4": "black", "5": 2}
    with httpx.Client(base_url=base, auth=ADMIN, timeout=10) as client, \
            client.stream("GET", f"/m?group={gid}&compr=20") as response:
        assert response.status_code == 200
        frames = parts(response)
        first = next(frames)
        assert first.image().size == (1280, 720)
        assert labels(first.image(), areas) == level_a or until(frames, areas, showing(level_a), 2)
        b_s = until(frames, areas, showing(level_b))
        a_s = until(frames, areas, showing(level_a))
        b2_s = until(frames, areas, showing(level_b))
    assert 1.4 < a_s - b_s < 2.8 and 1.4 < b2_s - a_s < 2.8, (b_s, a_s, b2_s)


def test_overrides_and_rights_in_the_picture(push):
    node, base = push
    gid = create(base, [[0, 1]], (10, {0: 1, 1: 2}))
    areas = regions([[0, 1]])
    override = f"{base}/api/v1.2/groups/{gid}/override"
    with httpx.Client(base_url=base, auth=ADMIN, timeout=10) as client, \
            client.stream("GET", f"/m?group={gid}") as response:
        frames = parts(response)
        until(frames, areas, showing({"0": 1, "1": 2}))
        assert httpx.get(f"{override}?position=1&cameraId=4&streamId=1&duration=2", auth=ADMIN).status_code == 204
        on_s = until(frames, areas, showing({"0": 1, "1": 4}), 2)
        off_s = until(frames, areas, showing({"0": 1, "1": 2}), 4)
        assert 1.2 < off_s - on_s < 3.0, off_s - on_s
        assert httpx.get(f"{override}?position=0&cameraId=3&streamId=1", auth=ADMIN).status_code == 204
        on_s = until(frames, areas, showing({"0": 3, "1": 2}), 2)
        while time.monotonic() - on_s < 3:                                  # no duration: it stays
            assert labels(next(frames).image(), areas) == {"0": 3, "1": 2}
        assert httpx.get(f"{override}?position=0", auth=ADMIN).status_code == 204
        until(frames, areas, showing({"0": 1, "1": 2}), 2)
        cycle = {"levels": [{"name": "new", "elements": [element(0, 4), element(1, 3)]}]}
        assert httpx.put(f"{base}/api/v1/groups/{gid}", json=cycle, auth=ADMIN).status_code == 200
        until(frames, areas, showing({"0": 4, "1": 3}), 2)                  # the modification is followed
        assert httpx.delete(f"{base}/api/v1/groups/{gid}", auth=ADMIN).status_code == 204
        with pytest.raises(RuntimeError):                                   # the answer ends (parts() stops)
            for _ in range(5 * FPS):
                next(frames)
    gid = create(base, [[0, 1]], (10, {0: 1, 1: 2}))
    node.users.grant_object(VERA[0], "mosaic", gid, {"view"})
    with httpx.Client(base_url=base, timeout=10) as client, \
            client.stream("GET", f"/m?group={gid}&user={VERA[0]}&pass={VERA[1]}") as response:
        frames = parts(response)
        until(frames, areas, showing({"0": 1, "1": "black"}))              # camera 2 is not hers
        for _ in range(5):
            assert labels(next(frames).image(), areas) == {"0": 1, "1": "black"}


def test_errors_answer_before_any_picture(push):
    node, base = push
    gid = create(base, [[0]], (10, {0: 1}))
    for path, auth, status in [(f"/m?group={gid}", VERA, 403), ("/m?group=999", ADMIN, 404),
                               ("/m?group=abc", ADMIN, 404), (f"/m?group={gid}&compr=0", ADMIN, 400),
                               (f"/m?group={gid}&width=10", ADMIN, 400), (f"/m?group={gid}", ("admin", "x"), 401)]:
        answer = httpx.get(base + path, auth=auth, timeout=10, headers={"Accept-Language": "fr"})
        assert answer.status_code == status, (path, answer.text)
        assert answer.headers["content-type"] == "application/json" and answer.json()["error"]
    node.users.grant_object(VERA[0], "mosaic", gid, {"view"})
    with httpx.Client(base_url=base, timeout=10) as client, \
            client.stream("GET", f"/m?group={gid}&user={VERA[0]}&pass={VERA[1]}&width=640&height=360") as response:
        assert response.status_code == 200 and next(parts(response)).image().size == (640, 360)
