"""Ingest: one worker thread per camera stream pulls packets from its source and hands them to
sinks (the slice recorder now; live fan-out later), reconnecting with capped exponential back-off.

Every connect and disconnect is reported through `on_connection` (the camera-connections log).
Packets get a wall-clock time: a session's first packet is placed when its connection was started
(a live source sends from then on, while ffmpeg hands over what it buffered while probing only when
`open` returns, 1-4.5 s later), later ones follow the stream's own timestamps. No packet is placed in
the future (the session is re-anchored to now) nor more than `REANCHOR_MS` in the past.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Callable, Protocol

import av

from camvault.core.backoff import Backoff
from camvault.core.clock import Clock
from camvault.core.model import ConnectionEvent, Stream
from camvault.video.sources import Source, SourceError, SourceSession
from camvault.video.sources.base import redact

log = logging.getLogger(__name__)

REANCHOR_MS = 10_000


class PacketSink(Protocol):
    """Receives a session's packets on the ingest thread. Must not keep or mutate a packet."""

    def on_session_start(self, session: SourceSession) -> None: ...

    def on_packet(self, packet: av.Packet, wall_ms: int) -> None: ...

    def on_session_end(self) -> None: ...


@dataclass
class StreamState:
    """Live state of one stream, read by services (status, isRecording, metrics)."""

    connected: bool = False
    codec: str | None = None
    encoding: str | None = None
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    last_packet_ms: int | None = None
    packets: int = 0
    last_error: str = ""
    sessions: int = 0
    session_packets: int = 0
    """Packets of the current (or last) session."""
    session_first_packet_ms: int | None = None
    """When the current (or last) session's first packet arrived (Fleet `encodedFramesProportion`)."""


class IngestWorker:
    """Pulls one stream until `stop()`. The constructor has no side effects; `start()` runs a thread."""

    def __init__(self, stream: Stream, source: Source, sinks: list[PacketSink], clock: Clock, *,
                 on_connection: Callable[[ConnectionEvent], None],
                 on_media: Callable[[Stream, SourceSession], None] | None = None,
                 backoff: Backoff | None = None) -> None:
        self.stream = stream
        self.state = StreamState()
        self._source = source
        self._sinks = sinks
        self._clock = clock
        self._on_connection = on_connection
        self._on_media = on_media
        self._backoff = backoff or Backoff()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run, name=f"ingest-{self.stream.key}", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 10.0) -> None:
        """Ask the worker to stop and wait for it (its open slices are finished on the way out)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            if self._thread.is_alive():
                log.error("ingest %s did not stop within %.0f s", self.stream.key, timeout_s)

    def run(self) -> None:
        while not self._stop.is_set():
            opened_ms = self._clock.now_ms()
            try:
                session = self._source.open(self._stop)
            except (SourceError, av.error.FFmpegError, OSError) as exc:
                self._failed(str(exc))
                continue
            detail = self._pull(session, opened_ms)
            if not self._stop.is_set():
                self._failed(detail, was_connected=True)

    def _pull(self, session: SourceSession, opened_ms: int) -> str:
        """Run one session (connected since `opened_ms`) to its end; returns why it ended."""
        info = session.info
        self.state.codec, self.state.encoding = info.codec, info.encoding
        self.state.width, self.state.height, self.state.fps = info.width, info.height, info.fps
        self.state.connected, self.state.last_error = True, ""
        self.state.sessions += 1
        self.state.session_packets, self.state.session_first_packet_ms = 0, None
        self._event(True, f"{info.encoding} {info.width}x{info.height}")
        if self._on_media:
            self._on_media(self.stream, session)
        detail = "stopped"
        for sink in self._sinks:
            sink.on_session_start(session)
        try:
            self._dispatch(session, opened_ms)
            detail = "source ended" if not self._stop.is_set() else "stopped"
        except (SourceError, av.error.FFmpegError, OSError) as exc:
            detail = str(exc)
        except Exception as exc:  # a sink bug must not kill ingest silently
            log.exception("ingest %s: unexpected error", self.stream.key)
            detail = f"internal error: {exc}"
        finally:
            for sink in self._sinks:
                _safe_end(sink, self.stream.key)
            session.close()
            self.state.connected = False
            self._event(False, detail)
        return detail

    def _dispatch(self, session: SourceSession, opened_ms: int) -> None:
        tb_ms = float(session.info.time_base) * 1000
        anchor: tuple[int, float] | None = None     # (wall ms, stream ms) of one instant
        for packet in session.packets():
            ticks = packet.pts if packet.pts is not None else packet.dts
            now_ms = self._clock.now_ms()
            if anchor is None:
                anchor = (min(opened_ms, now_ms), ticks * tb_ms)
            wall_ms = anchor[0] + round(ticks * tb_ms - anchor[1])
            if wall_ms > now_ms or now_ms - wall_ms > REANCHOR_MS:
                anchor, wall_ms = (now_ms, ticks * tb_ms), now_ms
            self.state.last_packet_ms = now_ms
            self.state.packets += 1
            self.state.session_packets += 1
            if self.state.session_first_packet_ms is None:
                self.state.session_first_packet_ms = now_ms
            if self.state.packets == 1 or packet.is_keyframe:
                self._backoff.reset()
            for sink in self._sinks:
                sink.on_packet(packet, wall_ms)

    def _failed(self, detail: str, was_connected: bool = False) -> None:
        self.state.last_error = detail
        delay_s = self._backoff.next_delay_s()
        level = logging.WARNING if was_connected or self._backoff.attempts <= 1 else logging.DEBUG
        log.log(level, "camera stream %s (%s): %s; retrying in %.1f s", self.stream.key,
                redact(self.stream.source), detail, delay_s)
        if not was_connected and self._backoff.attempts == 1:
            self._event(False, detail)
        self._stop.wait(delay_s)

    def _event(self, connected: bool, detail: str) -> None:
        try:
            self._on_connection(ConnectionEvent(self.stream.camera_id, self.stream.stream_id, connected,
                                                self._clock.now_ms(), detail))
        except Exception:
            log.exception("recording a connection event of %s failed", self.stream.key)


def _safe_end(sink: PacketSink, key: str) -> None:
    try:
        sink.on_session_end()
    except Exception:
        log.exception("ingest %s: closing a sink failed", key)
