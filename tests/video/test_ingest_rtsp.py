"""RTSP ingest and recording across a restart of an RTSP server camvault did not write (GStreamer's
gst-rtsp-server, tests/support/gst_rtsp_server.py).

An `IngestWorker` feeding a `SliceRecorder` (2 s slices) records the server; the server is stopped
for ~2 s and started again on the same port. Proves: the worker logs connected, disconnected,
connected (then disconnected on stop); slices exist from before and after the restart, none spans
the outage; each slice file opens with PyAV, is H.264 of the served size, starts on a keyframe, is
as long as its row says, and every frame decodes to an undamaged picture of the test pattern.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import av
import pytest

from camvault.core.backoff import Backoff
from camvault.core.clock import SystemClock
from camvault.core.model import ConnectionEvent, Slice, Stream
from camvault.store.media import MediaStore
from camvault.video.ingest import IngestWorker
from camvault.video.recorder import SliceRecorder
from camvault.video.sources import open_source
from tests.support.rtsp_peer import GstRtspServer, pattern_defect

pytestmark = pytest.mark.slow

WIDTH, HEIGHT, FPS, GOP = 320, 240, 25, 25
SLICE_MAX_S = 2
OUTAGE_S = 2.0


class Recorded:
    """What the worker reported, appended from its thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.events: list[ConnectionEvent] = []
        self.slices: list[Slice] = []

    def on_connection(self, event: ConnectionEvent) -> None:
        with self.lock:
            self.events.append(event)

    def on_slice(self, item: Slice) -> None:
        with self.lock:
            self.slices.append(item)

    def wait(self, condition, timeout_s: float, what: str) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self.lock:
                if condition(self):
                    return
            time.sleep(0.05)
        with self.lock:
            pytest.fail(f"timed out waiting for {what}: events={self.events!r} slices={len(self.slices)}")

    def connects(self) -> list[bool]:
        return [e.connected for e in self.events]


def check_slice_file(path: Path, item: Slice) -> None:
    """The file is a stream-copied H.264 MKV of the served picture, starting on a keyframe,
    whose every frame decodes undamaged and whose length matches the slice row."""
    with av.open(str(path)) as container:
        assert container.format.name.startswith("matroska")
        stream = container.streams.video[0]
        assert (stream.codec_context.name, stream.codec_context.width, stream.codec_context.height) == \
            ("h264", WIDTH, HEIGHT)
        frames = []
        for packet in container.demux(stream):
            for frame in packet.decode():
                frames.append((frame.key_frame, frame.time, pattern_defect(frame)))
    assert frames, f"{path.name}: no frame decoded"
    assert frames[0][0], f"{path.name}: the first decoded frame is not a keyframe"
    damaged = [(i, defect) for i, (_, _, defect) in enumerate(frames) if defect]
    assert not damaged, f"{path.name}: damaged frames {damaged[:5]} of {len(frames)}"
    assert frames[0][1] == pytest.approx(0.0, abs=0.001), "timestamps in a slice start at 0"
    length_s = frames[-1][1] + 1 / FPS
    assert len(frames) == round(length_s * FPS), f"{path.name}: frames missing"
    assert (item.stop_ms - item.start_ms) / 1000 == pytest.approx(length_s, abs=0.5 / FPS), \
        f"{path.name}: the slice row's length is not the file's ({len(frames)} frames)"
    assert length_s <= SLICE_MAX_S + 0.5 / FPS


def test_recording_resumes_after_the_server_restarts(tmp_path):
    media = MediaStore(tmp_path)
    recorded = Recorded()
    with GstRtspServer(width=WIDTH, height=HEIGHT, fps=FPS, gop=GOP) as server:
        stream = Stream(camera_id=7, stream_id=1, source=server.url, roles=("rrecord",))
        recorder = SliceRecorder(7, 1, media, slice_max_s=SLICE_MAX_S, on_slice=recorded.on_slice)
        worker = IngestWorker(stream, open_source(server.url), [recorder], SystemClock(),
                              on_connection=recorded.on_connection, backoff=Backoff(initial_s=0.2, cap_s=1.0))
        worker.start()
        try:
            recorded.wait(lambda r: len(r.slices) >= 2, 15, "two slices before the restart")
            assert worker.state.connected and recorder.is_recording
            stopped_ms = SystemClock().now_ms()
            server.stop()
            recorded.wait(lambda r: r.connects()[-1:] == [False], 10, "the disconnect")
            assert not worker.state.connected
            before = len(recorded.slices)
            time.sleep(OUTAGE_S)
            restarted_ms = SystemClock().now_ms()
            server.start()
            recorded.wait(lambda r: r.connects().count(True) == 2, 10, "the reconnect")
            recorded.wait(lambda r: len(r.slices) >= before + 2, 15, "two slices after the restart")
        finally:
            worker.stop()
    assert worker.state.sessions == 2

    connects = recorded.connects()
    assert connects == [True, False, True, False], recorded.events
    assert all((e.camera_id, e.stream_id) == (7, 1) for e in recorded.events)
    assert recorded.events[0].detail == recorded.events[2].detail == f"H264 {WIDTH}x{HEIGHT}"
    assert recorded.events[3].detail == "stopped"
    assert recorded.events[1].at_ms >= stopped_ms
    assert not recorder.is_recording

    slices = recorded.slices
    first_run = [s for s in slices if s.start_ms < stopped_ms]
    second_run = [s for s in slices if s.start_ms >= restarted_ms]
    assert len(first_run) >= 2 and len(second_run) >= 2
    assert len(first_run) + len(second_run) == len(slices), "no slice may start during the outage"
    # wall-clock times follow the stream as it was sent: the last slice before the outage ends when
    # the server stopped (not later, by the time ffmpeg spent probing at connect, nor much earlier)
    assert stopped_ms - 1500 <= first_run[-1].stop_ms <= stopped_ms + 200
    assert all(a.stop_ms <= b.start_ms for a, b in zip(slices, slices[1:])), "slices in order, no overlap"
    empty = [s.path for s in slices if s.stop_ms <= s.start_ms]
    assert not empty, f"slices without duration: {empty}"
    for run in (first_run, second_run):          # all but a session's last slice are full length
        for item in run[:-1]:
            assert item.stop_ms - item.start_ms == pytest.approx(SLICE_MAX_S * 1000, abs=500 / FPS)

    files = sorted(p.relative_to(tmp_path).as_posix() for p in (tmp_path / "slices").rglob("*") if p.is_file())
    assert files == sorted(s.path for s in slices), "one published file per slice, no partial file left"
    for item in slices:
        assert media.size(item.path) == item.size_bytes > 0
        check_slice_file(media.absolute(item.path), item)
