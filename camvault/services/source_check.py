"""Connection test of a camera source before it is saved (Admin): open the URL, wait for its first
keyframe within a deadline, answer that picture as JPEG, or say why there is none.

Each test runs `video.source_probe.first_picture` in its own daemon thread; the caller waits at
most `timeout_s`, then sets the thread's stop flag and answers "no video". A thread blocked in
ffmpeg's RTSP open ends by itself within its I/O timeout (5 s); it keeps its slot until then, so
at most `max_running` tests hold a connection at any moment (more is 409). Thread-safe.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from camvault.core.errors import BadRequest, Conflict, Unprocessable
from camvault.core.model import User
from camvault.core.rights import require_admin
from camvault.video.source_probe import Probe, ProbeError, ProbeFailure, first_picture
from camvault.video.sources import Source, SourceError, open_source
from camvault.video.sources.base import redact
from camvault.video.stills import to_jpeg

MAX_RUNNING = 4
TIMEOUT_S_RANGE = (1.0, 30.0)
DEFAULT_TIMEOUT_S = 8.0


@dataclass(frozen=True)
class SourceCheck:
    """A successful connection test: the first picture as JPEG and what the stream carries."""

    jpeg: bytes
    codec: str                  # CamTrace encoding name (H264, H265, ...)
    width_px: int
    height_px: int
    fps: float | None
    first_picture_ms: int       # from the start of the test to the decoded keyframe


Opener = Callable[..., Source]
"""`open_source`'s signature: (url, *, label=, transport=) -> Source."""


class SourceCheckService:
    def __init__(self, opener: Opener = open_source, max_running: int = MAX_RUNNING) -> None:
        self._opener = opener
        self._slots = threading.BoundedSemaphore(max_running)

    def check(self, user: User, url: str, *, transport: str = "tcp", timeout_s: float = DEFAULT_TIMEOUT_S,
              label: str = "") -> SourceCheck:
        """The first picture of `url`; BadRequest for a URL camvault cannot use, Unprocessable when
        the source gives no picture (unreachable, credentials refused, no such stream, no video
        within `timeout_s`), Conflict when too many tests are running."""
        require_admin(user)
        if not TIMEOUT_S_RANGE[0] <= timeout_s <= TIMEOUT_S_RANGE[1]:
            raise BadRequest(f"timeoutS must be {TIMEOUT_S_RANGE[0]:g}..{TIMEOUT_S_RANGE[1]:g}",
                             key="invalid_field", field="timeoutS")
        try:
            source = self._opener(url, label=label, transport=transport)
        except SourceError as exc:
            raise BadRequest(f"Invalid source: {exc}", key="invalid_source") from None
        if not self._slots.acquire(blocking=False):
            raise Conflict("Too many connection tests are running: try again in a few seconds",
                           key="source_check_busy")
        started_s = time.monotonic()
        probe = _run(source, timeout_s, self._slots.release)
        if probe is None:
            raise Unprocessable(f"No video from {redact(url)} within {timeout_s:g} s", key="source_no_video_in_time",
                                url=redact(url), seconds=f"{timeout_s:g}")
        if isinstance(probe, ProbeError):
            raise _failure(probe, redact(url))
        return SourceCheck(jpeg=to_jpeg(probe.picture), codec=probe.info.encoding, width_px=probe.picture.width,
                           height_px=probe.picture.height, fps=probe.info.fps,
                           first_picture_ms=round((time.monotonic() - started_s) * 1000))


def _run(source: Source, timeout_s: float, release: Callable[[], None]) -> Probe | ProbeError | None:
    """`first_picture(source)` in a daemon thread, waited for at most `timeout_s` (None: no answer
    by then); `release` is called when the thread ends (which may be after this returns)."""
    stop, done = threading.Event(), threading.Event()
    outcome: list[Probe | ProbeError] = []

    def work() -> None:
        try:
            outcome.append(first_picture(source, stop))
        except ProbeError as exc:
            outcome.append(exc)
        finally:
            done.set()
            release()

    threading.Thread(target=work, name="source-check", daemon=True).start()
    if not done.wait(timeout_s):
        stop.set()
        return None
    return outcome[0]


def _failure(error: ProbeError, url: str) -> Unprocessable:
    if error.failure is ProbeFailure.UNREACHABLE:
        return Unprocessable(f"Cannot reach {url}: {error.detail}", key="source_unreachable", url=url)
    if error.failure is ProbeFailure.AUTH_REFUSED:
        return Unprocessable(f"{url} refused the user name or password", key="source_auth_refused", url=url)
    if error.failure is ProbeFailure.NOT_FOUND:
        return Unprocessable(f"{url}: the server has no such stream", key="source_not_found", url=url)
    return Unprocessable(f"No video from {url}: {error.detail}", key="source_no_video", url=url)
