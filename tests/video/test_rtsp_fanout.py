"""The shared RTP fan-out of plain live view: one packetization per access unit for every session,
one SSRC and gap-free numbering per stream, a joining session starts on the latest keyframe, a
client whose socket backlog is too big skips to the next keyframe without touching the others, the
stream's end reaches every session, and the RTP clock stays increasing across source restarts."""

from __future__ import annotations

import asyncio
import struct

from camvault.video.feeds.live import LiveFeed
from camvault.video.live import LivePacket, LiveStream
from camvault.video.rtsp.fanout import REBASE_STEP, LiveFanouts, RtpClock
from camvault.video.rtsp.protocol import Transport
from camvault.video.rtsp.session import WRITE_BACKLOG_MAX_BYTES, RtspSession

GOP = 10


def packet(i: int, size: int = 40) -> LivePacket:
    key = i % GOP == 0
    return LivePacket(b"\x00\x00\x00\x01" + (b"\x65" if key else b"\x41") + bytes(size), i * 3600, key)


def stream(count: int) -> LiveStream:
    live = LiveStream(1, 1)
    for i in range(count):
        live.publish(packet(i))
    return live


class Recorder:
    def __init__(self) -> None:
        self.units: list = []
        self.ended = False

    def deliver(self, unit, now_s: float) -> bool:
        self.units.append(unit)
        return True

    def end(self) -> None:
        self.ended = True

    def wants_join(self) -> bool:
        return True


def rtp_header(data: bytes) -> tuple[int, int, int]:
    """(sequence number, timestamp, ssrc) of an RTP packet."""
    _b0, _b1, seq, ts, ssrc = struct.unpack("!BBHII", data[:12])
    return seq, ts, ssrc


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0.01)


def test_sessions_share_units_numbered_once_and_start_on_the_latest_keyframe():
    async def run():
        live = stream(15)                                  # keyframe at 10: the GOP is 10..14
        fanouts = LiveFanouts()
        first, second = Recorder(), Recorder()
        fanout = fanouts.fanout(live, "h264")
        assert [u.keyframe for u in fanout.join(first)] == [True, False, False, False, False]
        live.publish(packet(15))
        await settle()
        fanout.join(second)
        live.publish(packet(16))
        await settle()
        assert first.units[-2:] == second.units[-2:]       # the same objects: built once for both
        assert second.units[0] is first.units[0]           # both started on keyframe 10
        headers = [rtp_header(p) for u in first.units for p in u.packets]
        seqs = [h[0] for h in headers]
        assert seqs == [(seqs[0] + i) & 0xFFFF for i in range(len(seqs))]      # no gap
        assert len({h[2] for h in headers}) == 1 and headers[0][2] == fanouts.rtp_of(live).ssrc
        assert live.subscriber_count == 1                  # one subscription for both sessions
        fanouts.leave(live, first)
        assert live.subscriber_count == 1
        fanouts.leave(live, second)
        assert live.subscriber_count == 0 and fanouts.receivers(live) == 0
    asyncio.run(run())


def test_the_end_of_the_stream_reaches_every_session_and_a_new_fanout_keeps_the_ssrc():
    async def run():
        live = stream(3)
        fanouts = LiveFanouts()
        receivers = [Recorder(), Recorder()]
        fanout = fanouts.fanout(live, "h264")
        for r in receivers:
            fanout.join(r)
        seq_before = fanouts.rtp_of(live).next_seq
        for sub in list(live._subscribers):
            sub.end()
        await settle()
        assert all(r.ended for r in receivers) and fanout.closed
        again = fanouts.fanout(live, "h264")
        assert again is not fanout and again.rtp is fanout.rtp and again.rtp.next_seq == seq_before
    asyncio.run(run())


class FakeSocket:
    """The transport side of a StreamWriter: what the session checks and writes."""

    def __init__(self) -> None:
        self.backlog = 0
        self.written: list[bytes] = []
        self.closing = False

    def is_closing(self) -> bool:
        return self.closing

    def get_write_buffer_size(self) -> int:
        return self.backlog

    def write(self, data: bytes) -> None:
        self.written.append(data)


class FakeWriter:
    def __init__(self) -> None:
        self.transport = FakeSocket()

    def write(self, data: bytes) -> None:
        self.transport.write(data)


def tcp_session(live: LiveStream, fanouts: LiveFanouts) -> tuple[RtspSession, FakeSocket]:
    writer = FakeWriter()
    session = RtspSession(LiveFeed(live), "live 1.1", "h264", Transport(tcp=True, channels=(0, 1)), writer, fanouts)
    return session, writer.transport


def test_a_backed_up_client_skips_to_the_next_keyframe_and_the_others_keep_everything():
    async def run():
        live = stream(1)
        fanouts = LiveFanouts()
        (fast, fast_socket), (slow, slow_socket) = tcp_session(live, fanouts), tcp_session(live, fanouts)
        assert fast.ssrc == slow.ssrc == fanouts.rtp_of(live).ssrc
        for session in (fast, slow):
            await session.play(None)
        await settle()
        slow_socket.backlog = WRITE_BACKLOG_MAX_BYTES + 1
        for i in range(1, 13):
            live.publish(packet(i))
            await settle()
            if i == 5:
                slow_socket.backlog = 0                    # drained, but it waits for keyframe 10
        assert fast.frames == 13 and fast.skips == 0
        assert slow.frames == 1 + 3 and slow.skips == 1    # unit 0, then 10, 11, 12
        assert slow_socket.written[-1] == fast_socket.written[-1]
        slow_socket.closing = True
        live.publish(packet(13))
        await settle()
        assert fanouts.receivers(live) == 1                # the gone client was dropped
        fast.close()
        assert live.subscriber_count == 0
    asyncio.run(run())


def test_play_after_pause_waits_for_a_keyframe_and_never_goes_back_in_numbering():
    async def run():
        live = stream(5)
        fanouts = LiveFanouts()
        session, sock = tcp_session(live, fanouts)
        await session.play(None)
        await settle()
        last_seq = rtp_header(sock.written[-1][4:])[0]
        session.pause()
        assert live.subscriber_count == 0
        await session.play(None)
        assert session.seq == (last_seq + 1) & 0xFFFF      # RTP-Info: what comes next, not the old GOP
        await settle()
        assert session.frames == 5                          # nothing resent
        for i in range(5, 11):
            live.publish(packet(i))
            await settle()
        assert session.frames == 6                          # then keyframe 10
        session.close()
    asyncio.run(run())


def test_rtp_clock_increases_across_source_restarts_and_seeks():
    clock = RtpClock()
    assert clock.stamp(90_000) == clock.base
    assert clock.stamp(93_600) == clock.base + 3600
    assert clock.stamp(0) == clock.base + 3600 + REBASE_STEP          # the source restarted its clock
    clock.rebase()
    start = clock.next_start
    assert clock.stamp(5_000_000) == start == clock.base + 3600 + 2 * REBASE_STEP
