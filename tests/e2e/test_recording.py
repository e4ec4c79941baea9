"""End to end: the real server records two synthetic cameras into 3 s slices; the slices are
listed over the CamTrace API, downloaded, and decoded with PyAV. Runs on SQLite and PostgreSQL."""

import io
import time

import av
import pytest

from camvault.core.timefmt import parse_iso_ms
from tests.support.server import CamvaultProcess, synthetic_camera

pytestmark = pytest.mark.slow

FPS = 10
FRAME_MS = 1000 / FPS


@pytest.fixture
def server(tmp_path, database_url):
    config = {"recording": {"slice_max_s": 3},
              "cameras": [synthetic_camera(1, "Front", fps=FPS), synthetic_camera(2, "Back", fps=FPS)]}
    proc = CamvaultProcess(tmp_path / "data", config, database_url).start()
    yield proc
    assert proc.stopped_cleanly(), proc.log()


def decode(data: bytes):
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.video[0]
        frames = list(container.decode(stream))
        return frames, stream


def test_slices_are_recorded_listed_downloaded_and_decodable(server):
    time.sleep(10.5)
    with server.client() as http:
        body = http.get("/api/v1.2/slices", params={"cameraId": "1,2"}).json()
        slices = body["slices"]
        for cam in (1, 2):
            mine = [s for s in slices if s["cameraId"] == cam]
            assert len(mine) >= 2, slices
            assert all(s["type"] == "r" and s["protected"] is False and s["size"] > 0 for s in mine)
            assert mine[0]["cameraName"] == ("Front" if cam == 1 else "Back")
            starts = [parse_iso_ms(s["start"]) for s in mine]
            stops = [parse_iso_ms(s["stop"]) for s in mine]
            file_ms = 0.0
            for s, start, stop in zip(mine, starts, stops):
                assert stop - start <= 3000 + FRAME_MS
                response = http.get(s["downloadUrl"])
                assert response.status_code == 200
                assert response.headers["content-type"] == "video/x-matroska"
                assert len(response.content) == s["size"]
                frames, stream = decode(response.content)
                assert frames[0].key_frame
                assert frames[0].width == 320 and frames[0].height == 180
                duration_ms = len(frames) * FRAME_MS
                assert abs(duration_ms - (stop - start)) <= FRAME_MS
                file_ms += duration_ms
            # consecutive slices touch: durations add up to the recorded time, one frame per boundary
            recorded_ms = stops[-1] - starts[0]
            assert abs(file_ms - recorded_ms) <= FRAME_MS * len(mine)
            for previous_stop, next_start in zip(stops, starts[1:]):
                assert abs(next_start - previous_stop) <= FRAME_MS


def test_download_supports_http_range(server):
    time.sleep(4)
    with server.client() as http:
        first = http.get("/api/v1.2/slices", params={"cameraId": "1"}).json()["slices"][0]
        whole = http.get(first["downloadUrl"]).content
        part = http.get(first["downloadUrl"], headers={"Range": "bytes=100-199"})
        assert part.status_code == 206
        assert part.content == whole[100:200]
        assert part.headers["content-range"] == f"bytes 100-199/{len(whole)}"


def test_camera_shows_live_state(server):
    time.sleep(2)
    with server.client() as http:
        camera = http.get("/api/v1.2/cameras/1").json()
        assert camera["status"] == 2 and camera["isRecording"] is True
        assert camera["hdStream"] == "/live/view/1.1" and camera["hdWidth"] == 320
        assert camera["streams"][0]["connected"] is True
        assert camera["streams"][0]["roles"] == ["rrecord", "arecord", "detect", "mosaic", "index"]
