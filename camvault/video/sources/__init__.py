"""Camera sources chosen by URL scheme behind one small interface (`Source.open` -> `SourceSession`).

rtsp:// and rtsps:// (PyAV demux), file:// (a media file looped at real-time pace) and
synthetic:// (camvault's own H.264/H.265 test cameras: `synthetic://?...` the classic PTZ camera,
`synthetic://stereo?sensor=CAM_A|CAM_B|CAM_C|DEPTH_B_C&...` one stream of the synthetic stereo
camera, whose sensor controls change its pictures; see `synthetic`).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from camvault.core.sensors import ControlsView

from camvault.video.sources.base import Source, SourceError, SourceSession, StreamInfo
from camvault.video.sources.file import FileSource
from camvault.video.sources.rtsp import RtspSource
from camvault.video.sources.synthetic import PtzView, SyntheticSource

SCHEMES = ("rtsp", "rtsps", "file", "synthetic")


def open_source(url: str, *, label: str = "", transport: str = "tcp", ptz: PtzView | None = None,
                controls: ControlsView | None = None) -> Source:
    """The source for `url`; `label` is burned into synthetic pictures (the camera name), `ptz`
    frames them (the camera's PTZ controller) and `controls` (the stream's sensor controls) are
    applied in their image pipeline; other schemes ignore both."""
    scheme = urlsplit(url).scheme.lower()
    if scheme in ("rtsp", "rtsps"):
        return RtspSource(url, transport=transport)
    if scheme == "file":
        return FileSource(url)
    if scheme == "synthetic":
        return SyntheticSource(url, label=label, ptz=ptz, controls=controls)
    raise SourceError(f"unsupported source scheme {scheme!r} (use one of {', '.join(SCHEMES)})")


__all__ = ["open_source", "Source", "SourceSession", "SourceError", "StreamInfo", "SCHEMES", "PtzView"]
