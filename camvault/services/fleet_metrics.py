"""Fleet camera metrics, measured: ingest's live stream states (online, last packet, frames), the
store's newest slice (last video) and the upload pipeline's figures (`core.uploads.UploadMetrics`).

`encoded_frames_proportion`: over the current session of the camera's best-quality connected
stream, frames received / frames expected at the stream's nominal rate between its first and its
latest packet (1 + fps x elapsed), capped at 1; None when no stream delivers or the rate is unknown.
Times are epoch ms UTC.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from camvault.core.model import Camera
from camvault.core.uploads import UploadMetrics
from camvault.services.ingest import IngestService
from camvault.store.store import Store
from camvault.video.ingest import StreamState


@dataclass(frozen=True)
class CameraMetrics:
    is_online: bool
    last_seen_ms: int | None
    last_video_ms: int | None
    encoded_frames_proportion: float | None
    upload: UploadMetrics


class FleetMetrics:
    def __init__(self, store: Store, ingest: IngestService, uploads: Callable[[int], UploadMetrics]) -> None:
        self._store = store
        self._ingest = ingest
        self._uploads = uploads

    def measure(self, camera: Camera) -> CameraMetrics:
        states = [(s, self._ingest.state(camera.id, s.stream_id)) for s in camera.streams if not s.ignored]
        live = [(s, st) for s, st in states if st is not None]
        seen = [st.last_packet_ms for _, st in live if st.last_packet_ms is not None]
        connected = sorted(((s.quality, st) for s, st in live if st.connected), key=lambda item: -item[0])
        latest = self._store.slices.latest(camera.id)
        return CameraMetrics(is_online=bool(connected), last_seen_ms=max(seen) if seen else None,
                             last_video_ms=latest.stop_ms if latest else None,
                             encoded_frames_proportion=frames_proportion(connected[0][1]) if connected else None,
                             upload=self.upload(camera.id))

    def upload(self, camera_id: int) -> UploadMetrics:
        return self._uploads(camera_id)


def frames_proportion(state: StreamState) -> float | None:
    """Frames received / expected over the session so far (see the module docstring)."""
    if not state.fps or state.session_first_packet_ms is None or state.last_packet_ms is None:
        return None
    elapsed_s = max(0, state.last_packet_ms - state.session_first_packet_ms) / 1000
    expected = 1 + state.fps * elapsed_s
    return round(min(1.0, state.session_packets / expected), 3)
