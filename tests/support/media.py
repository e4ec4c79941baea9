"""Real media for tests: slices recorded by camvault's own recorder from the synthetic camera."""

from __future__ import annotations

import threading
from pathlib import Path

import av

from camvault.core.model import Slice
from camvault.store.media import MediaStore
from camvault.video.recorder import SliceRecorder
from camvault.video.sources import open_source


def record_packets(url: str, media: MediaStore, *, packets: int, slice_max_s: int, camera_id: int = 1,
                   skip: int = 0, slice_type: str = "r", wall_start_ms: int = 1_700_000_000_000) -> list[Slice]:
    """Feed `packets` packets of a synthetic source (after skipping `skip`) to a SliceRecorder."""
    made: list[Slice] = []
    recorder = SliceRecorder(camera_id, 1, media, slice_max_s=slice_max_s, on_slice=made.append,
                             slice_type=slice_type)
    session = open_source(url, label=f"cam{camera_id}").open(threading.Event())
    recorder.on_session_start(session)
    wall_ms = wall_start_ms
    fps = session.info.fps
    for index, packet in enumerate(session.packets()):
        if index >= skip:
            recorder.on_packet(packet, wall_ms + round(index * 1000 / fps))
        if index + 1 >= skip + packets:
            break
    recorder.on_session_end()
    session.close()
    return made


def decode_all(path: Path) -> list[av.VideoFrame]:
    with av.open(str(path)) as container:
        return list(container.decode(video=0))
