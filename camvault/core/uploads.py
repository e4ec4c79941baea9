"""What the slice upload pipeline (local slices copied to S3-compatible object storage) measures per
camera, as other services read it (the Fleet dialect's camera metrics). Pure: no I/O.

Times are epoch ms UTC, durations in ms, sizes in bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class UploadMetrics:
    """One camera's upload figures; all zero/None when nothing was uploaded (or S3 is off)."""

    backlog_slices: int = 0
    """Finished slices of the camera waiting in the upload queue."""
    latency_ms: int | None = None
    """Slice end -> its upload done, for the camera's latest uploaded slice."""
    last_upload_bytes: int = 0
    """Size of the camera's latest uploaded slice."""
    last_upload_ms: int = 0
    """How long that upload took."""
    transmit_rate_bytes_per_s: float = 0.0
    """Bytes per second over the camera's recent uploads (last minute or last upload)."""
    last_uploaded_at_ms: int | None = None


class UploadMetricsSource(Protocol):
    def metrics(self, camera_id: int) -> UploadMetrics: ...
