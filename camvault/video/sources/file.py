"""file:// sources: a media file looped forever at real-time pace, as a camera would send it.

Timestamps keep increasing across loops (each loop is offset by the file's duration), so a
recorder sees one continuous stream.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote, urlsplit

import av

from camvault.video.sources.base import SourceError
from camvault.video.sources.demuxed import DemuxedSession


def file_path(url: str) -> Path:
    parts = urlsplit(url)
    return Path(unquote(parts.netloc + parts.path))


class FileSource:
    def __init__(self, url: str) -> None:
        self.url = url
        self.path = file_path(url)

    def open(self, stop: threading.Event) -> "LoopingFileSession":
        if not self.path.is_file():
            raise SourceError(f"no such media file: {self.path}")
        try:
            container = av.open(str(self.path))
        except av.error.FFmpegError as exc:
            raise SourceError(f"cannot open {self.path}: {exc}") from exc
        return LoopingFileSession(container, stop)


class LoopingFileSession(DemuxedSession):
    """Demuxes the file, sleeps until each packet is due, seeks to the start at EOF."""

    def packets(self) -> Iterator[av.Packet]:
        tb = float(self.info.time_base)
        frame_ticks = max(1, round(1 / (self.info.fps or 25) / tb))
        offset = 0          # ticks added to every packet of the current loop
        loop_end = 0        # last pts + duration seen, in ticks (shifted)
        first_pts = None
        started_s = time.monotonic()
        while not self._stop.is_set():
            count = 0
            for packet in super().packets():
                count += 1
                if first_pts is None:
                    first_pts = packet.dts if packet.dts is not None else packet.pts
                shift = offset - first_pts
                packet.pts = None if packet.pts is None else packet.pts + shift
                packet.dts = None if packet.dts is None else packet.dts + shift
                stamp = packet.dts if packet.dts is not None else packet.pts
                loop_end = max(loop_end, stamp + (packet.duration or frame_ticks))
                if self._stop.wait(max(0.0, started_s + stamp * tb - time.monotonic())):
                    return
                yield packet
            if count == 0:
                raise SourceError("the media file has no video packets")
            offset = loop_end
            first_pts = None
            self._container.seek(0)
