"""Live fan-out: one `LiveStream` per pulled camera stream, fed once by ingest, read by any number of
viewers (RTSP sessions now; MJPEG later).

Threads: `LiveStream` is a packet sink called on the ingest thread; it never blocks there. Each
`Subscriber` has a bounded queue (in access units); when it is full the subscriber's queue is
emptied and it waits for the next keyframe, so a slow viewer skips ahead without slowing the
others or the recorder. A new subscriber starts at the current GOP (from the latest keyframe).
Consumers are woken through a `wake` callable (an asyncio consumer passes one that uses
`loop.call_soon_threadsafe`). Times: `LivePacket.pts_90k` is the packet time in 90 kHz ticks.
"""

from __future__ import annotations

import collections
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import av

from camvault.core.model import Camera, Stream
from camvault.video import nal
from camvault.video.rtsp import codecs
from camvault.video.sources import SourceSession

log = logging.getLogger(__name__)

GOP_MAX_PACKETS = 600          # a GOP longer than this is not kept whole (a camera without keyframes)
QUEUE_MAX_PACKETS = 120


@dataclass(frozen=True)
class LivePacket:
    """One access unit. `derived` caches what viewers compute from it once for all (e.g. its RTP
    payloads), keyed by the consumer's format name."""

    data: bytes
    pts_90k: int
    keyframe: bool
    derived: dict = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class CodecInfo:
    """The session's codec: ffmpeg's codec name, size, and out-of-band extradata, Annex B like the
    packets (None when the parameter sets only come in band)."""

    codec: str
    width: int
    height: int
    extradata: bytes | None


def annexb_codec(codec: CodecInfo) -> CodecInfo:
    """The codec info with avcC/hvcC extradata turned into Annex B parameter sets (a decoder given
    avcC extradata would read the Annex B packets as length-prefixed)."""
    if nal.length_size(codec.codec, codec.extradata) is None:
        return codec
    units = codecs.parameter_set_units(codec.codec, codec.extradata)
    return CodecInfo(codec.codec, codec.width, codec.height, nal.with_parameter_sets(b"", units) or None)


class Subscriber:
    """One viewer's bounded queue. `offer` runs on the ingest thread, `pop` on the consumer's."""

    def __init__(self, wake: Callable[[], None], max_packets: int = QUEUE_MAX_PACKETS) -> None:
        self._wake = wake
        self._max = max_packets
        self._queue: collections.deque[LivePacket] = collections.deque()
        self._lock = threading.Lock()
        self._need_key = True
        self.skips = 0
        self.closed = False

    def offer(self, packet: LivePacket) -> None:
        with self._lock:
            if self._need_key and not packet.keyframe:
                return
            if len(self._queue) >= self._max:
                self._queue.clear()
                self.skips += 1
                self._need_key = True
                if not packet.keyframe:
                    return
            self._need_key = False
            was_empty = not self._queue
            self._queue.append(packet)
        if was_empty:
            self._safe_wake()

    def end(self) -> None:
        """The stream ended (session over or stream stopped): wake the consumer to notice."""
        self.closed = True
        self._safe_wake()

    def pop_all(self) -> list[LivePacket]:
        with self._lock:
            items = list(self._queue)
            self._queue.clear()
        return items

    def _safe_wake(self) -> None:
        try:
            self._wake()
        except RuntimeError:        # the consumer's loop is closed: it is gone
            self.closed = True


class LiveStream:
    """The fan-out point of one stream (an ingest `PacketSink`)."""

    def __init__(self, camera_id: int, stream_id: int) -> None:
        self.camera_id = camera_id
        self.stream_id = stream_id
        self._lock = threading.Lock()
        self._gop: list[LivePacket] = []
        self._subscribers: list[Subscriber] = []
        self._tb_90k = 1.0
        self._nal_size: int | None = None
        self.codec: CodecInfo | None = None
        self.packets_in = 0
        self.sessions = 0
        self._keyframe_seen = threading.Condition(self._lock)

    @property
    def key(self) -> str:
        return f"{self.camera_id}.{self.stream_id}"

    # --- sink side (ingest thread) ---------------------------------------------------------------
    def on_session_start(self, session: SourceSession) -> None:
        info = session.info
        with self._lock:
            self._tb_90k = float(info.time_base) * 90000
            self._nal_size = nal.length_size(info.codec, info.extradata)
            self.codec = annexb_codec(CodecInfo(info.codec, info.width, info.height, info.extradata))
            self._gop = []
            self.sessions += 1

    def on_packet(self, packet: av.Packet, wall_ms: int) -> None:
        ticks = packet.pts if packet.pts is not None else packet.dts
        data = nal.to_annexb(bytes(packet), self._nal_size)
        self.publish(LivePacket(data, round((ticks or 0) * self._tb_90k), bool(packet.is_keyframe)))

    def publish(self, live: LivePacket) -> None:
        """Keep the packet in the current GOP and offer it to every subscriber (never blocks)."""
        with self._lock:
            self.packets_in += 1
            if live.keyframe:
                self._gop = [live]
                self._keyframe_seen.notify_all()
            elif self._gop and len(self._gop) < GOP_MAX_PACKETS:
                self._gop.append(live)
            subscribers = list(self._subscribers)
        for sub in subscribers:
            sub.offer(live)

    def on_session_end(self) -> None:
        with self._lock:
            self._gop = []

    # --- viewer side ------------------------------------------------------------------------------
    def subscribe(self, wake: Callable[[], None], max_packets: int = QUEUE_MAX_PACKETS) -> Subscriber:
        """A new viewer, primed with the current GOP so it starts on the latest keyframe."""
        sub = Subscriber(wake, max_packets)
        with self._lock:
            for packet in self._gop:
                sub.offer(packet)
            self._subscribers.append(sub)
        return sub

    def add_listener(self, listener: Subscriber) -> None:
        """A consumer with `offer(packet)` and `end()` that keeps what it needs itself (the delayed
        view's history); not primed with the current GOP."""
        with self._lock:
            self._subscribers.append(listener)

    def unsubscribe(self, sub: Subscriber) -> None:
        with self._lock:
            if sub in self._subscribers:
                self._subscribers.remove(sub)

    @property
    def subscriber_count(self) -> int:
        with self._lock:
            return len(self._subscribers)

    def wait_keyframe(self, timeout_s: float) -> LivePacket | None:
        """The latest keyframe, waiting up to `timeout_s` for one (blocking: not on an event loop)."""
        with self._lock:
            if not self._gop:
                self._keyframe_seen.wait(timeout_s)
            return self._gop[0] if self._gop else None

    def close(self) -> None:
        with self._lock:
            subscribers, self._subscribers = self._subscribers, []
        for sub in subscribers:
            sub.end()


class LiveHub:
    """The live streams by `X.Y` key; an `IngestService` sink factory. Thread-safe."""

    def __init__(self) -> None:
        self._streams: dict[tuple[int, int], LiveStream] = {}
        self._lock = threading.Lock()

    def sinks_for(self, camera: Camera, stream: Stream) -> list:
        """The stream's fan-out point (kept across restarts of the stream so viewers carry on)."""
        with self._lock:
            live = self._streams.setdefault((camera.id, stream.stream_id), LiveStream(camera.id, stream.stream_id))
        return [live]

    def get(self, camera_id: int, stream_id: int) -> LiveStream | None:
        with self._lock:
            return self._streams.get((camera_id, stream_id))

    def forget(self, camera_id: int) -> None:
        """A deleted camera: end its viewers' sessions and drop its fan-out points."""
        with self._lock:
            doomed = [self._streams.pop(k) for k in [k for k in self._streams if k[0] == camera_id]]
        for live in doomed:
            live.close()

    def close_all(self) -> None:
        with self._lock:
            streams = list(self._streams.values())
        for live in streams:
            live.close()
