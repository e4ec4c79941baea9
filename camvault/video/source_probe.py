"""A camera source's first picture, for a connection test before the camera is saved.

`first_picture(source, stop)` opens the source (blocking), waits for the first complete keyframe,
decodes it alone and closes the source. It raises `ProbeError` whose `failure` tells why it got no
picture: the host did not answer, the server refused the credentials, the server has no such
stream, or it delivered no decodable video. Called from one worker thread per test; the caller
bounds the wait (RTSP's own I/O timeout is 5 s per blocking read) and sets `stop` to end it early.
"""

from __future__ import annotations

import errno
import threading
from dataclasses import dataclass
from enum import Enum

import av
from PIL import Image

from camvault.video.sources.base import Source, SourceError, StreamInfo
from camvault.video.stills import Keyframe, decode_keyframe


class ProbeFailure(Enum):
    """Why a source gave no picture."""

    UNREACHABLE = "unreachable"          # no connection: refused, unknown host, no route
    AUTH_REFUSED = "auth_refused"        # the server answered 401/403
    NOT_FOUND = "not_found"              # the server has no stream at that path (404)
    NO_VIDEO = "no_video"                # connected, but no decodable video (or it ended)


class ProbeError(Exception):
    """The source gave no picture; `failure` says why, `detail` is the source's reason (no URL)."""

    def __init__(self, failure: ProbeFailure, detail: str) -> None:
        super().__init__(detail)
        self.failure = failure
        self.detail = detail


@dataclass(frozen=True)
class Probe:
    """The first picture of a source and what its stream carries."""

    picture: Image.Image
    info: StreamInfo


UNREACHABLE_ERRNOS = {errno.ECONNREFUSED, errno.EHOSTUNREACH, errno.ENETUNREACH, errno.ETIMEDOUT, errno.EIO,
                      errno.ECONNRESET, errno.EADDRNOTAVAIL}
"""OS errors of a connection that never came up (ffmpeg reports an unknown host as EIO)."""


def classify(exc: BaseException) -> ProbeFailure:
    """The failure a PyAV/OS error (or a SourceError caused by one) stands for."""
    cause = exc.__cause__ if isinstance(exc, SourceError) and exc.__cause__ is not None else exc
    if isinstance(cause, (av.error.HTTPUnauthorizedError, av.error.HTTPForbiddenError)):
        return ProbeFailure.AUTH_REFUSED
    if isinstance(cause, av.error.HTTPNotFoundError):
        return ProbeFailure.NOT_FOUND
    if isinstance(cause, OSError) and cause.errno in UNREACHABLE_ERRNOS:
        return ProbeFailure.UNREACHABLE
    return ProbeFailure.NO_VIDEO


def first_picture(source: Source, stop: threading.Event) -> Probe:
    """Open `source`, decode its first keyframe, close it. ProbeError when there is no picture
    (also when `stop` was set first)."""
    try:
        session = source.open(stop)
    except SourceError as exc:
        raise ProbeError(classify(exc), str(exc.__cause__ and _reason(exc.__cause__) or exc)) from exc
    try:
        for packet in session.packets():
            if packet.is_keyframe:
                keyframe = Keyframe(bytes(packet), session.info.codec, session.info.extradata, 0)
                return Probe(_decoded(keyframe), session.info)
    except SourceError as exc:
        raise ProbeError(ProbeFailure.NO_VIDEO, str(exc)) from exc
    finally:
        session.close()
    raise ProbeError(ProbeFailure.NO_VIDEO, "stopped before a keyframe" if stop.is_set() else "the video ended")


def _decoded(keyframe: Keyframe) -> Image.Image:
    try:
        return decode_keyframe(keyframe)
    except ValueError as exc:
        raise ProbeError(ProbeFailure.NO_VIDEO, f"the first keyframe does not decode: {exc}") from exc


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "strerror", None)
    return reason if isinstance(reason, str) and reason else type(exc).__name__
