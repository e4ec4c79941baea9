"""Which camera streams are pulled and what each feeds: one `IngestWorker` per enabled stream,
with a `SliceRecorder` when the stream has the `rrecord` role.

Thread-safe: the worker table is guarded by a lock; workers run on their own threads.
"""

from __future__ import annotations

import logging
import threading
from typing import Callable

from camvault.core.clock import Clock
from camvault.core.model import Camera, ConnectionEvent, Slice, Stream
from camvault.core.sensors import ControlsView
from camvault.store.store import Store
from camvault.video.ingest import IngestWorker, PacketSink, StreamState
from camvault.video.recorder import SliceRecorder
from camvault.video.sources import PtzView, SourceError, SourceSession, open_source
from camvault.video.stills import Keyframe, LatestKeyframe

log = logging.getLogger(__name__)


class IngestService:
    def __init__(self, store: Store, clock: Clock, *, default_slice_max_s: int,
                 on_slice: Callable[[Slice], None]) -> None:
        self._store = store
        self._clock = clock
        self._default_slice_max_s = default_slice_max_s
        self._on_slice = on_slice
        self._workers: dict[tuple[int, int], tuple[IngestWorker, SliceRecorder | None]] = {}
        self._keyframes: dict[tuple[int, int], LatestKeyframe] = {}
        self._sink_factories: list[Callable[[Camera, Stream], list[PacketSink]]] = []
        self._forget_hooks: list[Callable[[int], None]] = []
        self._ptz_for: Callable[[Camera], PtzView | None] = lambda _camera: None
        self._controls_for: Callable[[Camera, Stream], ControlsView | None] = lambda _camera, _stream: None
        self._is_paused: Callable[[int], bool] = lambda _camera_id: False
        self._lock = threading.Lock()

    def add_sink_factory(self, factory: Callable[[Camera, Stream], list[PacketSink]],
                         forget: Callable[[int], None] | None = None) -> None:
        """Other services' sinks for each stream started from now on (alarm recording, motion
        detection, live fan-out); `forget(camera_id)` drops what they keep of a deleted camera.
        Called at assembly, before any camera starts."""
        self._sink_factories.append(factory)
        if forget is not None:
            self._forget_hooks.append(forget)

    def set_ptz_lookup(self, ptz_for: Callable[[Camera], PtzView | None]) -> None:
        """Where each camera points (its PTZ controller, or None): synthetic streams frame their
        scene with it. Set at assembly, before any camera starts."""
        self._ptz_for = ptz_for

    def set_controls_lookup(self, controls_for: Callable[[Camera, Stream], ControlsView | None]) -> None:
        """Each stream's sensor controls (or None): synthetic streams apply them in their image
        pipeline. Set at assembly, before any camera starts."""
        self._controls_for = controls_for

    def set_pause_lookup(self, is_paused: Callable[[int], bool]) -> None:
        """Whether a camera is paused (the Fleet runtime flag): a paused camera's streams are not
        pulled at all (no recording, no motion, no live). Set at assembly, before any camera starts."""
        self._is_paused = is_paused

    def apply(self, camera: Camera) -> None:
        """(Re)start the camera's streams to match its definition; stops them if it is disabled or paused."""
        self.remove(camera.id)
        if not camera.enabled or self._is_paused(camera.id):
            return
        for stream in camera.streams:
            if not (stream.ignored or stream.on_demand):
                self._start(camera, stream)

    def apply_stream(self, camera: Camera, stream_id: int) -> None:
        """(Re)start one stream of the camera to match its definition (stopped when it is ignored,
        on demand, gone or the camera is disabled); the camera's other streams go on undisturbed."""
        with self._lock:
            entry = self._workers.pop((camera.id, stream_id), None)
        if entry is not None:
            _stop_all([entry[0]])
        stream = camera.stream(stream_id)
        if camera.enabled and stream is not None and not (stream.ignored or stream.on_demand
                                                          or self._is_paused(camera.id)):
            self._start(camera, stream)

    def _start(self, camera: Camera, stream: Stream) -> None:
        try:
            worker, recorder = self._build(camera, stream)
        except SourceError as exc:
            log.error("camera %s stream %s not started: %s", camera.id, stream.stream_id, exc)
            return
        with self._lock:
            self._workers[(camera.id, stream.stream_id)] = (worker, recorder)
        worker.start()

    def remove(self, camera_id: int) -> None:
        """Stop the camera's workers; their open slices are finished and indexed."""
        with self._lock:
            keys = [k for k in self._workers if k[0] == camera_id]
            doomed = [self._workers.pop(k)[0] for k in keys]
        _stop_all(doomed)

    def forget(self, camera_id: int) -> None:
        """Stop the camera and drop what is kept of it in memory (its latest keyframes)."""
        self.remove(camera_id)
        for key in [k for k in self._keyframes if k[0] == camera_id]:
            self._keyframes.pop(key, None)
        for forget in self._forget_hooks:
            forget(camera_id)

    def stop_all(self) -> None:
        with self._lock:
            doomed = [w for w, _ in self._workers.values()]
            self._workers.clear()
        _stop_all(doomed)

    def state(self, camera_id: int, stream_id: int) -> StreamState | None:
        entry = self._workers.get((camera_id, stream_id))
        return entry[0].state if entry else None

    def latest_keyframe(self, camera_id: int, stream_id: int) -> Keyframe | None:
        """The stream's latest keyframe, kept after the stream stops until the camera is removed."""
        keeper = self._keyframes.get((camera_id, stream_id))
        return keeper.latest() if keeper else None

    def best_keyframe(self, camera: Camera, *, live_only: bool = False) -> Keyframe | None:
        """The latest keyframe of the camera's best-quality stream that has one (its reference
        image); with `live_only`, only streams delivering right now count (a live snapshot)."""
        for stream in sorted((s for s in camera.streams if not s.ignored), key=lambda s: -s.quality):
            state = self.state(camera.id, stream.stream_id)
            if live_only and not (state is not None and state.connected):
                continue
            keyframe = self.latest_keyframe(camera.id, stream.stream_id)
            if keyframe is not None:
                return keyframe
        return None

    def is_recording(self, camera_id: int) -> bool:
        with self._lock:
            entries = [e for k, e in self._workers.items() if k[0] == camera_id]
        return any(rec is not None and rec.is_recording for _, rec in entries)

    def _build(self, camera: Camera, stream: Stream) -> tuple[IngestWorker, SliceRecorder | None]:
        source = open_source(stream.source, label=camera.name, transport=camera.transport,
                             ptz=self._ptz_for(camera), controls=self._controls_for(camera, stream))
        keeper = self._keyframes.setdefault((camera.id, stream.stream_id), LatestKeyframe())
        recorder = None
        if "rrecord" in stream.roles:
            recorder = SliceRecorder(camera.id, stream.stream_id, self._store.media,
                                     slice_max_s=camera.slice_max_s or self._default_slice_max_s,
                                     on_slice=self._on_slice)
        sinks = [keeper] + ([recorder] if recorder else [])
        sinks += [sink for factory in self._sink_factories for sink in factory(camera, stream)]
        worker = IngestWorker(stream, source, sinks, self._clock,
                              on_connection=self._log_connection, on_media=self._remember_media)
        return worker, recorder

    def _log_connection(self, event: ConnectionEvent) -> None:
        self._store.connections.add(event)

    def _remember_media(self, stream: Stream, session: SourceSession) -> None:
        info = session.info
        if (stream.encoding, stream.width, stream.height) != (info.encoding, info.width, info.height):
            self._store.cameras.set_stream_media(stream.camera_id, stream.stream_id, info.encoding,
                                                 info.width, info.height)


def _stop_all(workers: list[IngestWorker]) -> None:
    """Stop workers in parallel so a shutdown with many cameras stays quick."""
    threads = [threading.Thread(target=w.stop) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
