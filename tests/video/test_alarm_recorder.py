"""Alarm recording from the pre-alarm buffer: the `a` slice starts on a buffered keyframe about
`pre_alarm_ms` before the alarm, decodes from that keyframe, runs until the release time; the
buffer stays within its memory bound; with nothing buffered the recording starts at the next
keyframe."""

import logging
import threading

import av

from camvault.store.media import MediaStore
from camvault.video.alarm_recorder import AlarmRecorderSink
from camvault.video.prealarm import PacketRing
from camvault.video.sources import open_source
from tests.support.media import decode_all

FPS = 10
FRAME_MS = 100
URL = f"synthetic://?width=160&height=90&fps={FPS}&gop={FPS}&bitrate=100000&realtime=0"
START_MS = 1_700_000_000_000


class Feeder:
    """Feeds a synthetic session to a sink, one packet per call, with wall times 100 ms apart."""

    def __init__(self, sink, url=URL):
        self.sink = sink
        self.session = open_source(url, label="Alarm").open(threading.Event())
        self.packets = self.session.packets()
        self.index = 0
        sink.on_session_start(self.session)

    @property
    def now_ms(self) -> int:
        return START_MS + (self.index - 1) * FRAME_MS

    def run(self, seconds: float) -> None:
        for _ in range(round(seconds * FPS)):
            self.sink.on_packet(next(self.packets), START_MS + self.index * FRAME_MS)
            self.index += 1

    def end(self) -> None:
        self.sink.on_session_end()
        self.session.close()


def make_sink(media, made, started=None, **kw):
    return AlarmRecorderSink(1, 1, media, pre_alarm_ms=kw.pop("pre_alarm_ms", 5000),
                             buffer_max_bytes=kw.pop("buffer_max_bytes", 10_000_000), slice_max_s=60,
                             on_slice=made.append, on_started=(started.append if started is not None else None), **kw)


def test_alarm_slice_contains_the_pre_alarm_seconds(tmp_path):
    media, made, started = MediaStore(tmp_path), [], []
    sink = make_sink(media, made, started)
    feeder = Feeder(sink)
    feeder.run(8)
    alarm_ms = feeder.now_ms
    record_ms, joined = sink.hold()
    assert joined is False
    assert alarm_ms - 5000 - 1000 < record_ms <= alarm_ms - 5000, "a keyframe 5 s (+ up to a GOP) before"
    assert not sink.is_recording
    feeder.run(3)
    assert sink.is_recording and started == [record_ms]
    assert sink.hold() == (record_ms, True), "a second alarm joins the running recording"
    release_ms = feeder.now_ms
    sink.release(release_ms)
    feeder.run(2)
    assert not sink.is_recording
    feeder.end()
    assert len(made) == 1
    recorded = made[0]
    assert recorded.type == "a" and recorded.start_ms == record_ms
    assert abs(recorded.stop_ms - release_ms) <= FRAME_MS
    frames = decode_all(media.absolute(recorded.path))
    assert frames[0].key_frame
    assert len(frames) * FRAME_MS == recorded.stop_ms - recorded.start_ms
    assert recorded.path.endswith("-a.mkv")


def test_recording_starts_at_the_next_keyframe_when_nothing_is_buffered(tmp_path):
    media, made, started = MediaStore(tmp_path), [], []
    sink = make_sink(media, made, started)
    assert sink.hold() == (None, False)
    feeder = Feeder(sink)
    feeder.run(1.5)
    assert started == [START_MS], "the session's first keyframe"
    sink.release(feeder.now_ms)
    feeder.run(0.5)
    feeder.end()
    assert [(s.start_ms, s.type) for s in made] == [(START_MS, "a")]


def test_a_session_end_finishes_the_slice_and_an_active_alarm_records_again(tmp_path):
    media, made = MediaStore(tmp_path), []
    sink = make_sink(media, made, pre_alarm_ms=1000)
    feeder = Feeder(sink)
    feeder.run(2)
    sink.hold()
    feeder.run(1)
    feeder.end()
    assert len(made) == 1 and not sink.is_recording
    feeder = Feeder(sink)
    feeder.index = 40
    feeder.run(1)
    assert sink.is_recording
    sink.release(feeder.now_ms)
    feeder.run(0.3)
    feeder.end()
    assert len(made) == 2 and made[1].start_ms == START_MS + 40 * FRAME_MS


def test_the_buffer_keeps_whole_gops_and_stays_within_its_bound(caplog):
    ring = PacketRing(pre_alarm_ms=5000, max_bytes=10_000_000)
    session = open_source(URL, label="Ring").open(threading.Event())
    for index, packet in enumerate(session.packets()):
        ring.append(packet, START_MS + index * FRAME_MS)
        if index == 99:
            break
    assert 5000 <= ring.span_ms < 6000 + FRAME_MS
    assert next(ring.packets_from(ring.start_ms())).keyframe
    budget = ring.size_bytes // 3
    small = PacketRing(pre_alarm_ms=5000, max_bytes=budget, label="1.1")
    with caplog.at_level(logging.WARNING):
        for index, packet in enumerate(session.packets()):
            small.append(packet, START_MS + index * FRAME_MS)
            assert small.size_bytes <= budget
            if index == 99:
                break
    assert small.span_ms < 3000
    assert sum("pre-alarm buffer 1.1: over" in r.message for r in caplog.records) == 1, "logged once"


def test_rebuilt_packets_keep_timing_and_keyframe_flag():
    ring = PacketRing(pre_alarm_ms=1000, max_bytes=10_000_000)
    session = open_source(URL, label="Ring").open(threading.Event())
    originals = []
    for index, packet in enumerate(session.packets()):
        originals.append((packet.pts, packet.dts, packet.is_keyframe, bytes(packet)))
        ring.append(packet, START_MS + index * FRAME_MS)
        if index == 14:
            break
    rebuilt = [b.to_packet() for b in ring.packets_from(START_MS)]
    assert [(p.pts, p.dts, p.is_keyframe, bytes(p)) for p in rebuilt] == originals
    assert all(isinstance(p, av.Packet) and p.time_base is not None for p in rebuilt)
