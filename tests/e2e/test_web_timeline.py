"""The timeline page in headless Chromium (Debian's /usr/bin/chromium driven by Playwright) against
the real server process recording two small synthetic cameras into 2 s slices (SQLite: the page is
database-agnostic): the recorded ranges are drawn, a click inside them plays both cameras through
MSE from that moment, both videos advance and stay within 0.5 s of each other in wall time, zoom
(buttons and keys) changes the visible span, Tab reaches the controls, the axis ticks follow the
browser's zone across DST changes, the phone width does not overflow, and no console error.
Screenshots in var/screenshots/web-timeline*.png."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import sync_playwright

from tests.e2e.test_screen_browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS
from tests.e2e.test_web_ui import log_in
from tests.support.server import ADMIN_PASSWORD, CamvaultProcess, synthetic_camera

pytestmark = pytest.mark.slow

WALLS = """() => [...document.querySelectorAll('#tl-videos video')].map((v) =>
  v.dataset.baseMs ? Number(v.dataset.baseMs) + v.currentTime * 1000 : null)"""
"""The wall time (epoch ms) each video shows now: media time 0 is the lane's base."""

RANGES = """(cameraId) => [...document.querySelectorAll(`.tl-row[data-camera-id="${cameraId}"] .tl-rec.r`)]
  .map((el) => { const box = el.getBoundingClientRect();
    return [Number(el.dataset.startMs), Number(el.dataset.endMs), box.left, box.width, box.top + box.height / 2]; })"""

TICKS = """async ([startMs, spanMs, stepMs]) => {
  const scale = await import('/ui/pages/timeline-scale.js');
  return scale.ticks({ startMs, spanMs }, stepMs).map((t) => [t.timeMs, scale.tickLabel(t, stepMs)]);
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("webtimeline") / "data"
    cameras = [synthetic_camera(i, name, width=160, height=90, fps=5) for i, name in ((1, "Door"), (2, "Yard"))]
    process = CamvaultProcess(data, {"recording": {"slice_max_s": 2}, "cameras": cameras}).start()
    yield process
    assert process.stopped_cleanly(), process.log()


def wait_for_recordings(server, seconds: float) -> None:
    """Until both cameras have at least `seconds` of closed slices (polled, with a deadline)."""
    deadline = time.monotonic() + 30
    with server.client() as api:
        while True:
            now_ms = int(time.time() * 1000)
            answer = api.get("/api/v1.2/timeline", params={"cameraId": "1,2", "from": now_ms - 600_000, "to": now_ms})
            assert answer.status_code == 200, answer.text
            recorded = [sum(e - s for s, e in c["recordedMs"].get("r", [])) for c in answer.json()["timeline"]["cameras"]]
            if len(recorded) == 2 and min(recorded) >= seconds * 1000:
                return
            assert time.monotonic() < deadline, recorded
            time.sleep(0.3)


def span_text(page) -> str:
    return page.inner_text("#tl-span")


def test_the_timeline_plays_two_cameras_in_sync(server):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1366, "height": 768}, timezone_id="Europe/Paris")
            page = context.new_page()
            page.on("console", lambda m: m.type == "error" and errors.append(m.text))
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(f"{server.url}/#/timeline")
            page.wait_for_selector("#login-name")
            log_in(page, "admin", ADMIN_PASSWORD)
            page.wait_for_selector("#tl-track .tl-row[data-camera-id='2']")
            assert page.get_attribute("#nav-timeline", "aria-current") == "page"
            assert span_text(page) == "1 hour shown"

            # keyboard: Tab reaches the zoom buttons, the play button and the track; + and - zoom
            reached = set()
            for _ in range(30):
                page.keyboard.press("Tab")
                reached.add(page.evaluate("document.activeElement.id"))
                if "tl-track" in reached:
                    break
            assert {"tl-play", "tl-speed", "tl-zoom-in", "tl-zoom-out", "tl-track"} <= reached, reached
            page.keyboard.press("+")
            assert span_text(page) == "30 minutes shown"
            page.keyboard.press("-")
            assert span_text(page) == "1 hour shown"
            page.click("#tl-zoom-in")
            assert span_text(page) == "30 minutes shown"
            for _ in range(4):
                page.keyboard.press("+")
            assert span_text(page) == "1.9 minutes shown"

            wait_for_recordings(server, 6)
            page.click("#tl-now")
            page.wait_for_function(f"({RANGES})(1).length && ({RANGES})(2).length", timeout=15_000)
            page.wait_for_function(f"({RANGES})(1).some((r) => r[1] - r[0] >= 6000)", timeout=15_000)
            first, second = page.evaluate(RANGES, 1)[-1], page.evaluate(RANGES, 2)[-1]
            start_ms, end_ms = max(first[0], second[0]), min(first[1], second[1])
            assert end_ms - start_ms >= 4000, (first, second)
            at_ms = start_ms + 1000
            start, stop, left, width, middle = first
            assert width > 20                                        # 6 s over ~2 minutes is drawn wide
            page.mouse.click(left + (at_ms - start) / (stop - start) * width, middle)
            page.wait_for_function("location.hash.startsWith('#/timeline/1,2@')", timeout=3000)

            page.wait_for_function(f"({WALLS})().every((w) => w !== null) && "
                                   "[...document.querySelectorAll('#tl-videos video')].every((v) => !v.paused)",
                                   timeout=15_000)
            samples = []
            for _ in range(8):
                page.wait_for_timeout(400)
                samples.append(page.evaluate(WALLS))
            for one, two in samples:
                assert abs(one - two) <= 500, samples
            assert abs(samples[0][0] - at_ms) <= 1500, (samples[0], at_ms)
            assert samples[-1][0] - samples[0][0] >= 2000, samples           # 2.8 s of wall time played
            assert page.evaluate("[...document.querySelectorAll('.tl-video')].map((f) => f.dataset.state)") == \
                ["playing", "playing"]
            page.screenshot(path=str(SCREENSHOTS / "web-timeline.png"))

            page.focus("#tl-play")
            page.keyboard.press("Enter")
            assert page.inner_text("#tl-play") == "Play"
            page.wait_for_function("[...document.querySelectorAll('#tl-videos video')].every((v) => v.paused)")

            # the span shown is the export range: "Export view" opens the exports page prefilled
            shown = page.evaluate("(() => { const u = new URLSearchParams(document.querySelector('#tl-export')"
                                  ".getAttribute('href').split('?')[1]); return [u.get('cameras'), "
                                  "Number(u.get('from')), Number(u.get('to'))]; })()")
            assert shown[0] == "1,2" and 100_000 <= shown[2] - shown[1] <= 130_000, shown     # the ~1.9 minutes shown
            page.click("#tl-export")
            page.wait_for_function("location.hash.startsWith('#/exports?cameras=1,2&from=')")

            spring = page.evaluate(TICKS, [1711843200000, 4 * 3_600_000, 3_600_000])   # 2024-03-31 00:00Z
            assert [label[:5] for _, label in spring] == ["01:00", "03:00", "04:00", "05:00", "06:00"]
            assert {b - a for (a, _), (b, _) in zip(spring, spring[1:])} == {3_600_000}
            autumn = page.evaluate(TICKS, [1729988400000, 2 * 3_600_000, 1_800_000])  # 2024-10-27 00:20Z
            assert [label[:5] for _, label in autumn] == ["02:30", "02:00", "02:30", "03:00"]

            phone = context.new_page()
            phone.set_viewport_size({"width": 390, "height": 844})
            phone.on("console", lambda m: m.type == "error" and errors.append(m.text))
            phone.on("pageerror", lambda exc: errors.append(str(exc)))
            phone.goto(f"{server.url}/#/timeline/1,2@{at_ms}")
            phone.wait_for_function(f"({WALLS})().every((w) => w !== null)", timeout=15_000)
            assert phone.evaluate("document.documentElement.scrollWidth") <= 390
            phone.screenshot(path=str(SCREENSHOTS / "web-timeline-phone.png"))
            phone.close()
            page.close()
        finally:
            browser.close()
    assert errors == []
