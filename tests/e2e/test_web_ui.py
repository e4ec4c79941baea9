"""The web UI in headless Chromium (Debian's /usr/bin/chromium driven by Playwright, as
test_screen_browser.py) against the real server process with three small synthetic cameras (SQLite:
the UI is database-agnostic): login (a wrong password first), live tiles whose pictures change,
keyboard (Tab to a tile, Enter enlarges it, Escape shrinks it), layouts, a mosaic, the camera page
(PTZ, snapshot + its PDF, sensor controls with `not_applied`), times across a DST change, a consult
user who does not see camera 2 (and whom the API refuses it), the phone-width grid in one column,
and no console error anywhere. Screenshots of each page in var/screenshots/web-*.png."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from playwright.sync_api import sync_playwright

from tests.e2e.test_screen_browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS
from tests.support.server import ADMIN_PASSWORD, CamvaultProcess, synthetic_camera

pytestmark = pytest.mark.slow

CONSULT = ("carl", "carl-pw")          # cameras 1 and 3

TILE_SUM = """(cameraId) => {
  const img = document.querySelector(`.tile[data-camera-id="${cameraId}"] img`);
  if (!img || !img.naturalWidth) return null;
  const canvas = document.createElement("canvas");
  canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
  const context = canvas.getContext("2d");
  context.drawImage(img, 0, 0);
  const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
  let sum = 0;
  for (let i = 0; i < pixels.length; i += 7) sum = (sum * 31 + pixels[i]) % 1000000007;
  return sum;
}"""
"""A checksum of the picture a live tile shows now (same origin: the canvas is readable)."""

TILES_PLAYING = """(n) => {
  const imgs = [...document.querySelectorAll('.tile img')];
  return imgs.length === n && imgs.every((img) => img.naturalWidth > 0);
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("web") / "data"
    cameras = [synthetic_camera(i, name, width=320, height=180, fps=5) for i, name in
               ((1, "Door"), (2, "Yard"), (3, "Gate"))]
    process = CamvaultProcess(data, {"cameras": cameras}).start()
    env = {"CAMVAULT_CONFIG": str(process.config_path), "CAMVAULT_DATA_DIR": str(data), "PATH": "/usr/bin:/bin"}
    added = subprocess.run([sys.executable, "-m", "camvault", "users", "add", CONSULT[0], "--password", CONSULT[1],
                            "--profile", "consult", "--cameras", "1,3"], env=env, capture_output=True, text=True,
                           timeout=60)
    assert added.returncode == 0, added.stderr
    yield process
    assert process.stopped_cleanly(), process.log()


def assert_tile_changes(page, camera_id: int) -> None:
    sums = {page.evaluate(TILE_SUM, camera_id)}
    deadline = time.monotonic() + 5
    while len(sums - {None}) < 3:
        assert time.monotonic() < deadline, f"the picture of camera {camera_id} does not change"
        page.wait_for_timeout(150)
        sums.add(page.evaluate(TILE_SUM, camera_id))


def log_in(page, user: str, password: str) -> None:
    page.fill("#login-name", user)
    page.fill("#login-password", password)
    page.press("#login-password", "Enter")


def tab_to_tile(page) -> int:
    """Press Tab until a live tile has the focus; its camera id."""
    for _ in range(20):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.classList.contains('tile') && "
                                "document.activeElement.dataset.cameraId")
        if focused:
            return int(focused)
    raise AssertionError("Tab never reached a live tile")


def test_the_web_ui(server):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with server.client() as api:
        group = {"group": {"name": "Door and Gate", "rows": 1, "cols": 2, "layout": [[0, 1]], "levels": [
            {"name": "Both", "duration": 10, "elements": [{"position": p, "cameraId": c, "quality": 1}
                                                          for p, c in ((0, 1), (1, 3))]}]}}
        mosaic = api.post("/api/v1.2/groups", json=group)
        assert mosaic.status_code == 201, mosaic.text
        mosaic_id = int(mosaic.headers["Location"].rsplit("/", 1)[1])
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1366, "height": 768}, timezone_id="Europe/Paris")
            page = context.new_page()
            page.on("console", lambda m: m.type == "error" and errors.append(m.text))
            page.on("pageerror", lambda exc: errors.append(str(exc)))

            page.goto(f"{server.url}/")
            page.wait_for_selector("#login-name")
            page.screenshot(path=str(SCREENSHOTS / "web-login.png"))
            log_in(page, "admin", "wrong")
            page.wait_for_function("document.getElementById('login-error').textContent.length > 0")
            assert page.inner_text("#login-error") == "Invalid password!"
            assert [e for e in errors if "status of 401" not in e] == []       # the refused login itself
            errors.clear()

            log_in(page, "admin", ADMIN_PASSWORD)
            page.wait_for_function(TILES_PLAYING, arg=3, timeout=10_000)       # layout 4: three cameras
            assert page.url.endswith("#/live")
            assert page.inner_text("#who") == "admin (admin)"
            assert_tile_changes(page, 1)
            page.screenshot(path=str(SCREENSHOTS / "web-live.png"))

            focused = tab_to_tile(page)
            page.keyboard.press("Enter")
            page.wait_for_function(f"document.querySelector('.tile.big')?.dataset.cameraId === '{focused}'")
            assert page.evaluate("[...document.querySelectorAll('.tile')].filter(t => t.offsetParent).length") == 1
            assert page.evaluate("document.querySelector('.tile.big').getBoundingClientRect().width") > 1000
            page.screenshot(path=str(SCREENSHOTS / "web-live-enlarged.png"))
            page.keyboard.press("Escape")
            page.wait_for_function("!document.querySelector('.tile.big')")

            page.click("button[data-layout='1']")
            page.wait_for_function(TILES_PLAYING, arg=1)
            assert page.inner_text(".pager span") == "Page 1 of 3"
            page.click("button[data-layout='4']")
            page.wait_for_function(TILES_PLAYING, arg=3)

            page.select_option("#mosaic", str(mosaic_id))
            page.wait_for_function("document.getElementById('mosaic-picture')?.naturalWidth > 0", timeout=10_000)
            assert f"/m?group={mosaic_id}&width=" in page.get_attribute("#mosaic-picture", "src")
            page.screenshot(path=str(SCREENSHOTS / "web-live-mosaic.png"))

            page.goto(f"{server.url}/#/camera/1")
            page.wait_for_function("document.getElementById('camera-live')?.naturalWidth === 320", timeout=10_000)
            page.click("#ptz-right")
            page.wait_for_function("document.getElementById('ptz-status').textContent === 'Right: sent'")
            page.click("#snapshot")
            page.wait_for_selector("#snapshot-pdf")
            report = context.request.get(server.url + page.get_attribute("#snapshot-pdf", "href"))
            assert report.status == 200 and report.body().startswith(b"%PDF")
            page.wait_for_selector("#snapshots li")
            shown = page.inner_text("#snapshots li time")
            assert ("CET" in shown or "CEST" in shown or "GMT+" in shown), shown
            page.wait_for_selector("#control-brightness")
            page.fill("#control-brightness", "4")
            page.wait_for_function("(document.getElementById('control-status').dataset.notApplied || '')"
                                   ".split(',').includes('brightness')")
            page.screenshot(path=str(SCREENSHOTS / "web-camera.png"))

            winter, summer = page.evaluate("""async () => {
              const { formatTime, timeZone } = await import('/ui/time.js');
              return [formatTime('2024-03-31T00:30:00Z'), formatTime(Date.UTC(2024, 2, 31, 1, 30)), timeZone()];
            }""")[:2]
            assert "01:30:00" in winter and "03:30:00" in summer                # CET, then CEST

            page.click("text=Log out")
            page.wait_for_selector("#login-name")
            log_in(page, *CONSULT)
            page.wait_for_function(TILES_PLAYING, arg=2, timeout=10_000)
            assert page.evaluate("[...document.querySelectorAll('.tile')].map(t => t.dataset.cameraId)") == ["1", "3"]
            refused = context.request.get(f"{server.url}/api/v1.2/cameras/2")
            assert refused.status == 403
            assert context.request.get(f"{server.url}/live/view/2.1").status == 403
            page.screenshot(path=str(SCREENSHOTS / "web-live-consult.png"))

            phone = context.new_page()
            phone.set_viewport_size({"width": 390, "height": 844})
            phone.on("console", lambda m: m.type == "error" and errors.append(m.text))
            phone.on("pageerror", lambda exc: errors.append(str(exc)))
            phone.goto(f"{server.url}/#/live")
            phone.wait_for_function(TILES_PLAYING, arg=2, timeout=10_000)
            boxes = [phone.locator(".tile").nth(i).bounding_box() for i in range(2)]
            assert boxes[0]["x"] == boxes[1]["x"] and boxes[1]["y"] > boxes[0]["y"]
            assert boxes[0]["width"] > 300
            phone.screenshot(path=str(SCREENSHOTS / "web-live-phone.png"))
            page.close()
            phone.close()
        finally:
            browser.close()
    assert errors == []
