"""`GET /api/v1.2/playback/<X.Y>.mp4` over real HTTP (in-process node, real slices indexed in its
store, SQLite: the store side is the slice list every replay uses): PyAV decodes the answer, whose
headers place media time 0 on the wall clock; rights, errors and a gap in the recording. One node
for the module (the tests only read); slices of 2 s at 10 fps with a 1 s GOP."""

from __future__ import annotations

import io

import av
import pytest
from fastapi.testclient import TestClient

from camvault.api.http import build_http_app
from camvault.app import Camvault
from camvault.config import CameraConfig, Config, DatabaseConfig, StorageConfig
from camvault.core.model import CameraRight
from camvault.core.timefmt import format_iso_ms
from tests.support.recordings import FPS, recent_start_ms, record_indexed

ADMIN = ("admin", "admin-pw")
VIEWER = ("vera", "vera-pw")          # camera 1 live only: no records right
CONSULT = ("carl", "carl-pw")         # camera 1 with records
GOP_MS = 1000
FRAME_MS = 1000 // FPS


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """Camera 1: 6 s in three slices from T, a 5 s gap, 4 s from T + 11 s."""
    root = tmp_path_factory.mktemp("fmp4api")
    cameras = [CameraConfig(id=i, name=f"Cam {i}", source="synthetic://?width=160&height=90&fps=5", enabled=False)
               for i in (1, 2)]
    config = Config(storage=StorageConfig(data_dir=root / "data", min_free_bytes=0),
                    database=DatabaseConfig(url=f"sqlite:///{root / 'camvault.db'}"), cameras=cameras)
    node = Camvault(config, admin_password=ADMIN[1])
    with TestClient(build_http_app(node, announce=lambda _m: None)) as client:
        node.users.create(VIEWER[0], VIEWER[1], "consult")
        node.users.set_rights(VIEWER[0], [CameraRight(1, live=True, records=False)])
        node.users.create(CONSULT[0], CONSULT[1], "consult", camera_ids=[1])
        t0 = recent_start_ms()
        record_indexed(node, seconds=6, slice_max_s=2, start_ms=t0)
        record_indexed(node, seconds=4, slice_max_s=2, start_ms=t0 + 11_000)
        yield client, t0


def frame_walls(body: bytes, start_ms: int) -> list[float]:
    with av.open(io.BytesIO(body)) as container:
        return [start_ms + float(f.pts * f.time_base) * 1000 for f in container.decode(video=0)]


def url(start_ms, end_ms, stream="1.1"):
    return f"/api/v1.2/playback/{stream}.mp4?from={start_ms}&to={end_ms}"


def test_three_slices_play_from_the_keyframe_before_start_and_cover_the_range(env):
    client, t0 = env
    start, end = t0 + 1500, t0 + 5500
    with client.stream("GET", url(start, end), auth=CONSULT) as answer:
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "video/mp4"
        assert "content-length" not in answer.headers             # chunked, streamed as produced
        chunks = list(answer.iter_bytes())
    start_ms = int(answer.headers["x-start-ms"])
    assert answer.headers["x-start-time"] == format_iso_ms(start_ms)
    assert int(answer.headers["x-end-ms"]) == end and "x-next-start-ms" not in answer.headers
    walls = frame_walls(b"".join(chunks), start_ms)
    assert start - GOP_MS < walls[0] <= start
    assert end - 2 * FRAME_MS <= walls[-1] < end
    assert {round(b - a) for a, b in zip(walls, walls[1:])} == {FRAME_MS}   # continuous over slice ends


def test_iso_times_and_a_gap_cut_the_answer_and_say_where_recording_resumes(env):
    client, t0 = env
    start, end = t0 + 4200, t0 + 14_000
    answer = client.get(f"/api/v1.2/playback/1.1.mp4?from={format_iso_ms(start)}&to={format_iso_ms(end)}",
                        auth=ADMIN)
    assert answer.status_code == 200
    assert int(answer.headers["x-start-ms"]) == t0 + 4000
    assert int(answer.headers["x-end-ms"]) == t0 + 6000
    assert int(answer.headers["x-next-start-ms"]) == t0 + 11_000
    walls = frame_walls(answer.content, t0 + 4000)
    assert walls[0] == t0 + 4000 and walls[-1] == t0 + 6000 - FRAME_MS
    resumed = client.get(url(answer.headers["x-next-start-ms"], end), auth=ADMIN)
    assert frame_walls(resumed.content, int(resumed.headers["x-start-ms"]))[0] == t0 + 11_000


def test_rights_and_errors(env):
    client, t0 = env
    assert client.get(url(t0, t0 + 2000), auth=VIEWER).status_code == 403
    assert client.get(url(t0, t0 + 2000)).status_code == 401
    assert client.get(url(t0, t0 + 2000, stream="9.1"), auth=ADMIN).status_code == 404
    assert client.get(url(t0, t0 + 2000, stream="1.7"), auth=ADMIN).status_code == 404
    assert client.get(url(t0, t0 + 2000, stream="x"), auth=ADMIN).status_code == 404
    nothing = client.get(url(t0 + 7000, t0 + 10_000), auth=ADMIN)
    assert nothing.status_code == 404 and "error" in nothing.json()
    assert client.get(url(t0, t0 + 2000, stream="2.1"), auth=ADMIN).status_code == 404
    missing = client.get("/api/v1.2/playback/1.1.mp4?from=2020-01-01T00:00:00Z", auth=ADMIN,
                         headers={"Accept-Language": "fr"})
    assert missing.status_code == 400 and "'to'" in missing.json()["error"]
    assert client.get(url("yesterday", t0), auth=ADMIN).status_code == 400
    assert client.get(url(t0 + 2000, t0), auth=ADMIN).status_code == 400
