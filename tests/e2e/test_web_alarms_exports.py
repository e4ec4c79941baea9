"""The Alarms and Exports pages in headless Chromium (Debian's /usr/bin/chromium driven by Playwright)
against the real server process recording two small synthetic cameras into 2 s slices (SQLite: the UI
is database-agnostic). Alarms triggered through the CamTrace API show with their pictures; the jump
link points at the timeline route at the alarm's time; Acknowledge (untrigger) turns the row to
ended; the state filter narrows the list. The exports page, opened with a prefilled range
(`#/exports?cameras=1&from=&to=`, shown in the browser's zone), creates an export whose progress
reaches 100, is downloaded (a zip holding a non-empty .mkv) and protects the range, which is then
listed. A consult user without rights on camera 2 sees none of its alarms. No console error.
Screenshots in var/screenshots/web-alarms*.png and web-exports*.png."""

from __future__ import annotations

import subprocess
import sys
import time
import zipfile
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import sync_playwright

from camvault.core.timefmt import parse_iso_ms
from tests.e2e.test_screen_browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS
from tests.e2e.test_web_ui import log_in
from tests.support.server import ADMIN_PASSWORD, CamvaultProcess, synthetic_camera

pytestmark = pytest.mark.slow

CONSULT = ("cora", "cora-pw")          # camera 1 only
ZONE = "Europe/Paris"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("web-alarms") / "data"
    cameras = [synthetic_camera(i, name, width=160, height=90, fps=5) for i, name in ((1, "Door"), (2, "Yard"))]
    process = CamvaultProcess(data, {"recording": {"slice_max_s": 2}, "cameras": cameras}).start()
    env = {"CAMVAULT_CONFIG": str(process.config_path), "CAMVAULT_DATA_DIR": str(data), "PATH": "/usr/bin:/bin"}
    added = subprocess.run([sys.executable, "-m", "camvault", "users", "add", CONSULT[0], "--password", CONSULT[1],
                            "--profile", "consult", "--cameras", "1"], env=env, capture_output=True, text=True, check=False,
                           timeout=60)
    assert added.returncode == 0, added.stderr
    yield process
    assert process.stopped_cleanly(), process.log()


def recorded_slices(api, camera_id: int, count: int) -> list[dict]:
    """The camera's regular slices once at least `count` are indexed (deadline 20 s)."""
    deadline = time.monotonic() + 20
    while True:
        slices = api.get("/api/v1.2/slices", params={"cameraId": camera_id, "type": "r"}).json()["slices"]
        if len(slices) >= count:
            return slices
        assert time.monotonic() < deadline, f"camera {camera_id} recorded only {len(slices)} slices"
        time.sleep(0.3)


def local_input(epoch_ms: int) -> str:
    return datetime.fromtimestamp(epoch_ms // 1000, ZoneInfo(ZONE)).strftime("%Y-%m-%dT%H:%M:%S")


def row(camera_id: int) -> str:
    return f"#alarms li.alarm[data-camera-id='{camera_id}']"


def check_alarms(page, alarms: dict[int, dict]) -> None:
    page.wait_for_function("document.querySelectorAll('#alarms li.alarm').length === 2", timeout=10_000)
    for camera_id, alarm in alarms.items():
        assert page.get_attribute(row(camera_id), "data-state") == "active"
        href = page.get_attribute(f"{row(camera_id)} a.jump", "href")
        assert href == f"#/timeline/{camera_id}@{parse_iso_ms(alarm['time'])}"
        page.wait_for_function(f"document.querySelector(\"{row(camera_id)} img\").naturalWidth > 0", timeout=10_000)
    assert page.inner_text(f"{row(1)} .desc").startswith("porte1 Alarm")
    page.screenshot(path=str(SCREENSHOTS / "web-alarms.png"))
    page.click(f"{row(1)} button.ack")
    page.wait_for_function(f"document.querySelector(\"{row(1)}\").dataset.state === 'ended'")
    assert page.query_selector(f"{row(1)} button.ack") is None
    assert page.get_attribute(row(2), "data-state") == "active", "only camera 1 was acknowledged"
    page.select_option("#alarms-state", "active")
    page.wait_for_function("[...document.querySelectorAll('#alarms li.alarm')].map(r => r.dataset.cameraId)"
                           ".join() === '2'")
    page.select_option("#alarms-state", "")


def check_exports(page, context, server_url: str, slices: list[dict]) -> None:
    from_ms, to_ms = parse_iso_ms(slices[0]["start"]), parse_iso_ms(slices[-1]["stop"])
    page.goto(f"{server_url}/#/exports?cameras=1&from={from_ms}&to={to_ms}")
    page.wait_for_selector("#export-camera-1")
    assert page.is_checked("#export-camera-1") and not page.is_checked("#export-camera-2")
    assert page.input_value("#export-from") == local_input(from_ms)
    assert page.input_value("#export-to") == local_input(to_ms)
    page.click("#export-create")
    page.wait_for_selector("#exports li a.download", timeout=20_000)
    item = page.locator("#exports li", has=page.locator("a.download")).first
    assert item.get_attribute("data-p100") == "100"
    assert item.locator("progress").evaluate("p => p.value") == 100
    page.screenshot(path=str(SCREENSHOTS / "web-exports.png"))
    with page.expect_download() as waiting:
        item.locator("a.download").click()
    path = waiting.value.path()
    assert zipfile.is_zipfile(path)
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
    assert len(members) == 1 and members[0].filename.endswith(".mkv") and members[0].file_size > 1000
    page.click("#protect-create")
    page.wait_for_selector("#precords li[data-camera-id='1']")
    assert "regular" in page.inner_text("#precords li[data-camera-id='1']")


def test_alarms_and_exports_pages(server):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with server.client() as api:
        slices = recorded_slices(api, 1, 2)
        assert api.get("/api/v1.2/cameras/alarms/trigger", params={"cameraId": "1", "type": "porte1"}).status_code == 200
        assert api.get("/api/v1.2/cameras/alarms/trigger", params={"cameraId": "2"}).status_code == 200
        alarms = {a["cameraId"]: a for a in api.get("/api/v1.2/cameras/alarms").json()["alarms"]}
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1366, "height": 768}, timezone_id=ZONE,
                                          accept_downloads=True)
            page = context.new_page()
            page.on("console", lambda m: m.type == "error" and errors.append(m.text))
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(f"{server.url}/#/alarms")
            page.wait_for_selector("#login-name")
            log_in(page, "admin", ADMIN_PASSWORD)
            check_alarms(page, alarms)
            check_exports(page, context, server.url, slices)

            page.click("text=Log out")
            page.wait_for_selector("#login-name")
            log_in(page, *CONSULT)
            page.goto(f"{server.url}/#/alarms")
            page.wait_for_selector(row(1))
            shown = page.evaluate("[...document.querySelectorAll('#alarms li.alarm')].map(r => r.dataset.cameraId)")
            assert shown == ["1"], shown
            page.set_viewport_size({"width": 390, "height": 844})
            box = page.locator(row(1)).bounding_box()
            assert box["width"] <= 390
            page.screenshot(path=str(SCREENSHOTS / "web-alarms-phone.png"))
            assert page.locator("#nav-exports").count() == 0                   # a consult user cannot export
            page.goto(f"{server.url}/#/exports")
            page.wait_for_selector("#export-status")
            assert "Admin or Protection" in page.inner_text("#export-status")   # and no 403 in the console
            page.close()
        finally:
            browser.close()
    assert errors == []
