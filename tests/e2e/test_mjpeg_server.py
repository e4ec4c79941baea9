"""PUSH HTTP (MJPEG) against the real server process (`python -m camvault run`): a browser-style
client gets JPEG frames with URL credentials, and the server still stops cleanly (SIGTERM) while
MJPEG viewers are connected (their endless answers are ended, not waited for)."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.support.mjpeg import parts
from tests.support.server import ADMIN_PASSWORD, CamvaultProcess, synthetic_camera

pytestmark = pytest.mark.slow


def test_viewers_get_frames_and_do_not_hold_up_a_stop(tmp_path):
    config = {"cameras": [synthetic_camera(1, "Door", fps=10)]}
    server = CamvaultProcess(tmp_path / "data", config).start()
    try:
        url = f"{server.url}/live/view/1.1?user=admin&pass={ADMIN_PASSWORD}"
        with httpx.Client(timeout=15) as client, client.stream("GET", url) as live, \
                client.stream("GET", f"{server.url}/m?ids=1,1&compr=30", auth=("admin", ADMIN_PASSWORD)) as mosaic:
            assert (live.status_code, mosaic.status_code) == (200, 200)
            live_parts, mosaic_parts = parts(live), parts(mosaic)
            assert next(live_parts).image().size == (320, 180)
            assert next(mosaic_parts).image().size == (1280, 720)
            started = time.monotonic()
            assert server.stopped_cleanly(), server.log()
            assert time.monotonic() - started < 10
    finally:
        server.stop()
