"""The Admin page in headless Chromium (Debian's /usr/bin/chromium driven by Playwright) against the
real server process (SQLite; one synthetic camera from the config file): a connection test of a bad
URL shows the API's reason, a synthetic camera is tested (its first frame shown), saved, renamed and
then appears on the Live page; a consult user created with rights on that camera only sees only it
after logging in, and gets "not allowed" on #/admin without an Admin link; the health, licence and
paged system logs render; deleting asks first. No console error anywhere. Screenshots in
var/screenshots/web-admin*.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

from tests.e2e.test_screen_browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS
from tests.e2e.test_web_ui import TILES_PLAYING, log_in
from tests.support.server import ADMIN_PASSWORD, CamvaultProcess, synthetic_camera

pytestmark = pytest.mark.slow

NEW_SOURCE = "synthetic://?width=320&height=180&fps=5&bitrate=300000&gop=5"
VIEWER = ("vera", "vera-pw")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("web-admin") / "data"
    process = CamvaultProcess(data, {"cameras": [synthetic_camera(1, "Door", width=320, height=180, fps=5)]}).start()
    yield process
    assert process.stopped_cleanly(), process.log()


def add_camera(page) -> None:
    page.fill("#add-name", "Yard")
    page.fill("#add-source", "rtsp://127.0.0.1:9/none")            # discard port: nobody listens
    page.click("#add-test")
    page.wait_for_function("document.querySelector('#add-status .error')?.textContent.startsWith('Cannot reach')")
    assert page.is_disabled("#add-save")
    page.fill("#add-source", NEW_SOURCE)
    page.click("#add-test")
    page.wait_for_function("document.getElementById('test-picture')?.naturalWidth === 320", timeout=10_000)
    assert "H264 320×180 at 5 fps" in page.inner_text("#add-status")
    page.screenshot(path=str(SCREENSHOTS / "web-admin-test.png"))
    page.click("#add-save")
    page.wait_for_selector("#admin-cameras tr[data-camera-id='2']")
    page.fill("#camera-name-2", "Back yard")
    page.press("#camera-name-2", "Enter")
    page.wait_for_function("document.getElementById('cameras-status').textContent === 'Renamed to Back yard'")


def create_viewer(page) -> None:
    page.click("#tab-users")
    page.wait_for_selector("#user-create")
    page.fill("#user-name", VIEWER[0])
    page.fill("#user-password", VIEWER[1])
    page.select_option("#user-profile", "consult")
    page.check("#new-2-playLive")
    page.check("#new-2-playRecords")
    page.click("#user-create")
    page.wait_for_selector(f"#admin-users tr[data-user-name='{VIEWER[0]}']")
    row = page.inner_text(f"#admin-users tr[data-user-name='{VIEWER[0]}']")
    assert "Back yard (Live, Records)" in row and "Door" not in row
    page.wait_for_selector("#rights-editor")                      # the new user is chosen
    page.check("#rights-editor input[id$='-2-ptz']")
    page.click("#rights-save")
    page.wait_for_function(f"document.getElementById('users-status').textContent === 'Rights of {VIEWER[0]} saved'")
    page.screenshot(path=str(SCREENSHOTS / "web-admin-users.png"))


def check_system(page) -> None:
    page.click("#tab-system")
    page.wait_for_selector("#health li[data-part='recorder']")
    assert page.get_attribute("#health li[data-part='recorder']", "data-ok") == "true"
    page.wait_for_selector("#licence dd")
    assert "Video sources defined" in page.inner_text("#licence")
    page.wait_for_function("document.querySelectorAll('#system-logs tr').length > 0")
    assert "newest first" in page.inner_text("#logs-page")
    times = page.eval_on_selector_all("#system-logs time", "els => els.map(e => Date.parse(e.dateTime))")
    assert times == sorted(times, reverse=True)
    page.screenshot(path=str(SCREENSHOTS / "web-admin-system.png"), full_page=True)


def test_the_admin_page(server):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1366, "height": 768})
            page = context.new_page()
            page.on("console", lambda m: m.type == "error" and "status of 422" not in m.text and errors.append(m.text))
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(f"{server.url}/")
            page.wait_for_selector("#login-name")
            log_in(page, "admin", ADMIN_PASSWORD)
            page.wait_for_selector("#nav-admin")
            page.click("#nav-admin")
            page.wait_for_selector("#admin-cameras tr[data-camera-id='1']")
            add_camera(page)
            page.screenshot(path=str(SCREENSHOTS / "web-admin.png"))
            create_viewer(page)
            check_system(page)

            page.click("#nav-live")
            page.wait_for_function(TILES_PLAYING, arg=2, timeout=10_000)
            assert "Back yard" in page.inner_text(".tile[data-camera-id='2'] figcaption")

            page.click("text=Log out")
            page.wait_for_selector("#login-name")
            log_in(page, *VIEWER)
            page.wait_for_function(TILES_PLAYING, arg=1, timeout=10_000)
            assert page.evaluate("[...document.querySelectorAll('.tile')].map(t => t.dataset.cameraId)") == ["2"]
            assert page.locator("#nav-admin").count() == 0
            page.goto(f"{server.url}/#/admin/users")
            page.wait_for_selector("#admin-forbidden")
            assert "Not allowed" in page.inner_text("#admin-forbidden")
            assert context.request.get(f"{server.url}/api/v1.2/users").status == 403
            page.screenshot(path=str(SCREENSHOTS / "web-admin-forbidden.png"))

            phone = context.new_page()                              # still the viewer's session: log in again
            phone.set_viewport_size({"width": 390, "height": 844})
            phone.on("pageerror", lambda exc: errors.append(str(exc)))
            phone.goto(f"{server.url}/#/live")
            phone.wait_for_selector(".tile")
            phone.click("text=Log out")
            phone.wait_for_selector("#login-name")
            log_in(phone, "admin", ADMIN_PASSWORD)
            phone.wait_for_selector("#nav-admin")
            phone.goto(f"{server.url}/#/admin/cameras")
            phone.wait_for_selector("#camera-delete-2")
            assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1
            phone.click("#camera-delete-2")
            phone.wait_for_selector("[data-confirm='yes']")
            assert phone.locator("#admin-cameras tr[data-camera-id='2']").count() == 1   # nothing deleted yet
            phone.screenshot(path=str(SCREENSHOTS / "web-admin-phone.png"))
            phone.click("[data-confirm='yes']")
            phone.wait_for_function("!document.querySelector(\"#admin-cameras tr[data-camera-id='2']\")")
            with server.client() as api:
                assert [c["id"] for c in api.get("/api/v1.2/cameras").json()["cameras"]] == [1]
        finally:
            browser.close()
    assert errors == []
