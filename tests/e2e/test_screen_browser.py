"""A passive screen's page in headless Chromium (Debian's /usr/bin/chromium driven by Playwright; no
browser is downloaded) against the real server process: the page opened with `?user=&pass=` shows
the assigned camera's live MJPEG with frames that keep changing, switches to another camera within
1 s of a PUT through the API, then to a mosaic (composed at the display's size), and goes blank on
`cameraId: null`; screenshots in var/screenshots/."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import sync_playwright

from tests.support.server import ADMIN_PASSWORD, CamvaultProcess, synthetic_camera

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
SWITCH_S = 1.0

PICTURE_SUM = """() => {
  const img = document.getElementById("picture");
  const canvas = document.createElement("canvas");
  canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
  const context = canvas.getContext("2d");
  context.drawImage(img, 0, 0);
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
  let sum = 0;
  for (let i = 0; i < pixels.length; i += 7) sum = (sum * 31 + pixels[i]) % 1000000007;
  return sum;
}"""
"""A checksum of the picture the page shows now (drawn from the MJPEG <img>: same origin)."""


def showing(camera_id: int, width: int) -> str:
    return (f"document.body.dataset.cameraId === '{camera_id}' && "
            f"document.getElementById('picture').src.includes('/live/view/{camera_id}.1?user=admin&pass=') && "
            f"document.getElementById('picture').naturalWidth === {width}")


def create_mosaic(api) -> int:
    """Door and Yard side by side (the mosaics API)."""
    elements = [{"position": i, "serverId": 0, "cameraId": camera_id, "quality": 1, "mode": "v", "type": "c",
                 "url": None, "showMargin": True, "showMenu": True, "keepRatio": True, "alignment": 0}
                for i, camera_id in enumerate((1, 2))]
    created = api.post("/api/v1.2/groups", json={"group": {
        "name": "Both", "rows": 1, "cols": 2, "layout": [[0, 1]],
        "levels": [{"name": "Both 0", "duration": 10, "elements": elements}]}})
    assert created.status_code == 201, created.text
    return int(created.headers["Location"].rsplit("/", 1)[1])


def assert_frames_change(page) -> None:
    """The picture changes (the synthetic cameras' box moves, their clock runs): frames arrive."""
    sums = {page.evaluate(PICTURE_SUM)}
    deadline = time.monotonic() + 5
    while len(sums) < 3:
        assert time.monotonic() < deadline, "the picture does not change: no frames arrive"
        page.wait_for_timeout(150)
        sums.add(page.evaluate(PICTURE_SUM))


def test_a_wall_display_follows_the_api(tmp_path, database_url):
    door, yard = synthetic_camera(1, "Door", width=320, height=180), synthetic_camera(2, "Yard", width=640, height=360)
    door["source"] += "&hue=0"                       # told apart by colour in the screenshots
    yard["source"] += "&hue=180"
    config = {"cameras": [door, yard], "screens": [{"id": 1, "num": 2, "name": "PassScreen1", "host": "10.5.0.38"}]}
    server = CamvaultProcess(tmp_path / "data", config, database_url=database_url).start()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    backend = database_url.split(":", 1)[0].split("+", 1)[0]
    try:
        with server.client() as api, sync_playwright() as playwright:
            assert api.put("/api/v1.2/screens/1", json={"screen": {"serverId": 0, "cameraId": 1}}).status_code == 200
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 720})
                page.goto(f"{server.url}/screens/1/view?user=admin&pass={quote(ADMIN_PASSWORD)}")
                page.wait_for_function(showing(1, 320), timeout=10_000)
                assert page.evaluate("document.body.dataset.state") == "showing"
                assert page.inner_text("#caption") == "Door"
                assert_frames_change(page)
                page.screenshot(path=str(SCREENSHOTS / f"screen-view-{backend}-camera1.png"))

                started = time.monotonic()
                assert api.put("/api/v1.2/screens/1", json={"screen": {"cameraId": 2}}).status_code == 200
                page.wait_for_function("document.body.dataset.cameraId === '2' && document.getElementById("
                                       "'picture').src.includes('/live/view/2.1')", timeout=SWITCH_S * 1000)
                assert time.monotonic() - started < SWITCH_S
                page.wait_for_function(showing(2, 640), timeout=5_000)
                assert page.inner_text("#caption") == "Yard"
                assert_frames_change(page)
                page.screenshot(path=str(SCREENSHOTS / f"screen-view-{backend}-camera2.png"))

                mosaic = create_mosaic(api)
                started = time.monotonic()
                assert api.put("/api/v1.2/screens/1", json={"screen": {"groupId": mosaic}}).status_code == 200
                page.wait_for_function(f"document.body.dataset.groupId === '{mosaic}' && document.getElementById("
                                       f"'picture').src.includes('/m?group={mosaic}&width=1280&height=720&user=')",
                                       timeout=SWITCH_S * 1000)
                assert time.monotonic() - started < SWITCH_S
                page.wait_for_function("document.getElementById('picture').naturalWidth === 1280", timeout=10_000)
                assert_frames_change(page)
                page.screenshot(path=str(SCREENSHOTS / f"screen-view-{backend}-mosaic.png"))

                assert api.put("/api/v1.2/screens/1", json={"screen": {"cameraId": None}}).status_code == 200
                page.wait_for_function("document.body.dataset.cameraId === '' && "
                                       "document.getElementById('picture').hidden", timeout=SWITCH_S * 1000)
                assert page.inner_text("#message") == "Nothing to show"
            finally:
                browser.close()
    finally:
        assert server.stopped_cleanly(), server.log()
