"""Data for Bandit tests: real JPEG files with snapshot and alarm rows, indexed through the node's
store (the way the snapshot and alarm services write them: file first, row second)."""

from __future__ import annotations

import io

from PIL import Image

from camvault.core.alarms import Alarm
from camvault.core.model import Snapshot


def jpeg_bytes(width: int = 640, height: int = 400, colour=(200, 60, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="JPEG", quality=90)
    return out.getvalue()


def add_snapshot(node, camera_id: int, time_ms: int, *, width: int = 640, height: int = 400) -> Snapshot:
    path = f"snapshots/{camera_id}/t/{camera_id}-{time_ms}.jpg"
    node.store.media.write_file(path, jpeg_bytes(width, height))
    return node.store.snapshots.insert(Snapshot(0, camera_id, f"Cam {camera_id}", 1, "admin", "127.0.0.1", time_ms,
                                                time_ms, None, path))


def add_alarm(node, camera_id: int, time_ms: int, *, end_ms: int | None = None, picture: bool = True) -> Alarm:
    path = None
    if picture:
        path = f"alarms/{camera_id}/t/{camera_id}-{time_ms}.jpg"
        node.store.media.write_file(path, jpeg_bytes(1280, 720, (20, 90, 200)))
    return node.store.alarms.insert(Alarm(0, camera_id, time_ms, "trigger", "TRIGGER Alarm", end_ms=end_ms,
                                          snapshot=path))
