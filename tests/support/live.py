"""A synthetic camera driven into a `LiveStream` on a thread, as ingest does (session start, packets
in real time), without a node: for tests of live consumers (MJPEG pipelines, feeds)."""

from __future__ import annotations

import threading
import time
from typing import Self

from camvault.video.live import LiveStream
from camvault.video.sources import open_source


class SyntheticLive:
    def __init__(self, live: LiveStream, url: str, label: str = "cam") -> None:
        self.live = live
        self._source = open_source(url, label=label)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"synthetic {live.key}", daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join(10)

    def _run(self) -> None:
        session = self._source.open(self._stop)
        self.live.on_session_start(session)
        try:
            for packet in session.packets():
                self.live.on_packet(packet, time.time_ns() // 1_000_000)
        finally:
            self.live.on_session_end()
            session.close()
