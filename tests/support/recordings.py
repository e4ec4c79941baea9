"""Indexed recordings for API tests: real slices from the synthetic camera, recorded fast
(realtime=0) into a node's media store and indexed through its RecordingService (hooks included),
plus polling of an export until its file is ready."""

from __future__ import annotations

import time

from camvault.core.model import Slice
from tests.support.media import record_packets

FPS = 10
URL = f"synthetic://?width=160&height=90&fps={FPS}&gop={FPS}&bitrate=100000&realtime=0"
HOUR_MS = 3_600_000


def recent_start_ms() -> int:
    """A whole second one hour ago: recent enough that the default retention keeps it."""
    return (time.time_ns() // 1_000_000 - HOUR_MS) // 1000 * 1000


def record_indexed(node, *, seconds: int, slice_max_s: int, camera_id: int = 1, start_ms: int | None = None,
                   slice_type: str = "r") -> list[Slice]:
    """Record `seconds` of video as slices of `slice_max_s` and index them; returns the indexed rows."""
    made = record_packets(URL, node.store.media, packets=seconds * FPS, slice_max_s=slice_max_s,
                          camera_id=camera_id, slice_type=slice_type,
                          wall_start_ms=start_ms if start_ms is not None else recent_start_ms())
    return [node.recordings.add_slice(s) for s in made]


def wait_export(client, auth, export_id: int, timeout_s: float = 30) -> dict:
    """Poll the export until `p100` is 100 (its file is ready); returns its last JSON."""
    deadline = time.monotonic() + timeout_s
    while True:
        body = client.get(f"/api/v1.2/exports/{export_id}", auth=auth).json()["export"]
        if body["p100"] == 100 or time.monotonic() > deadline:
            return body
        time.sleep(0.05)
