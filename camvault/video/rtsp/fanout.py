"""Shared RTP for plain live view: each access unit of a live stream is packetized once, with one
SSRC, sequence numbering and timestamp clock per stream, and the same bytes go to every RTSP session
playing that stream (as GStreamer's shared media does). A session costs one socket write per access
unit, not one packetization and one task wake-up.

`LiveFanouts` (one per RTSP server, on its event loop) keeps a `RtpFanout` per `LiveStream` while a
session plays it. The fan-out holds one `Subscriber` of the stream, woken from the ingest thread at
most once per batch, builds `RtpUnit`s (RTP packets, their interleaved framing cached per channel)
and keeps the current GOP's units so a joining session starts on the latest keyframe. Each session
is a `Receiver`: `deliver(unit, now_s)` writes or skips (a receiver whose socket backlog is too big
waits for the next keyframe, so a slow client neither slows the others nor grows memory without
bound); `end()` is called when the stream stops.

The per-stream RTP state (`StreamRtp`: SSRC, next sequence number, clock) outlives the fan-out, so a
session paused and played again, or SETUP before PLAY, sees one SSRC. Times: RTP timestamps in
90 kHz ticks; `now_s` is `time.monotonic()`.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import weakref
from dataclasses import dataclass, field
from typing import Protocol

from camvault.video.live import LivePacket, LiveStream, Subscriber
from camvault.video.rtsp import codecs
from camvault.video.rtsp.rtp import interleaved, rtp_packet

log = logging.getLogger(__name__)

REBASE_STEP = 3000             # 90 kHz ticks added when a source restarts its clock (1/30 s)


class RtpClock:
    """RTP timestamps for a run of 90 kHz presentation times: a random base, always increasing (a
    source that restarts its clock, or a seek, continues just after the last timestamp given)."""

    def __init__(self) -> None:
        self.base = random.getrandbits(31)
        self._offset: int | None = None
        self.last: int | None = None

    def stamp(self, pts_90k: int) -> int:
        if self._offset is None:
            start = self.base if self.last is None else self.last + REBASE_STEP
            self._offset = start - pts_90k
        ts = pts_90k + self._offset
        if self.last is not None and ts < self.last:
            self._offset = self.last + REBASE_STEP - pts_90k
            ts = self.last + REBASE_STEP
        self.last = ts
        return ts

    def rebase(self) -> None:
        """The next time starts a new run (after a seek): its stamp follows the last one given."""
        self._offset = None

    @property
    def next_start(self) -> int:
        """The timestamp the next run will start at (what RTP-Info announces after a seek)."""
        return self.base if self.last is None else self.last + REBASE_STEP


@dataclass(eq=False)
class RtpUnit:
    """One access unit as RTP packets of a stream: first sequence number, timestamp, payload bytes."""

    packets: list[bytes]
    seq: int
    ts: int
    keyframe: bool
    octets: int
    _framed: dict[int, bytes] = field(default_factory=dict, repr=False)

    def framed(self, channel: int) -> bytes:
        """The packets framed for interleaved TCP on `channel`, joined (built once per channel)."""
        data = self._framed.get(channel)
        if data is None:
            data = self._framed[channel] = b"".join(interleaved(channel, p) for p in self.packets)
        return data


class StreamRtp:
    """The RTP identity of one live stream: SSRC, next sequence number and timestamp clock."""

    def __init__(self) -> None:
        self.ssrc = random.getrandbits(32)
        self.next_seq = random.getrandbits(16)
        self.clock = RtpClock()

    def unit(self, codec: str, packet: LivePacket) -> RtpUnit:
        """The packet as RTP of this stream, built once: a fan-out started again later (after every
        session left) sends the GOP it is primed with under the numbers it already had."""
        unit = packet.derived.get(self)
        if unit is None:
            unit = packet.derived[self] = self._build(codec, packet)
        return unit

    def _build(self, codec: str, packet: LivePacket) -> RtpUnit:
        payloads = packet.derived.get("rtp")
        if payloads is None:
            payloads = packet.derived["rtp"] = codecs.payloads(codec, packet.data)
        ts = self.clock.stamp(packet.pts_90k)
        first, last = self.next_seq, len(payloads) - 1
        packets = [rtp_packet(p, seq=(first + i) & 0xFFFF, timestamp=ts, ssrc=self.ssrc, marker=i == last)
                   for i, p in enumerate(payloads)]
        self.next_seq = (first + len(packets)) & 0xFFFF
        return RtpUnit(packets, first, ts, packet.keyframe, sum(len(p) for p in payloads))


class Receiver(Protocol):
    def deliver(self, unit: RtpUnit, now_s: float) -> bool:
        """Send (or skip) one unit; False when the receiver is gone and must be dropped."""

    def end(self) -> None:
        """The stream stopped: no more units will come."""

    def wants_join(self) -> bool:
        """Still playing when its deferred join comes (not paused or closed since)."""


class RtpFanout:
    """The shared RTP of one live stream on one event loop (see the module docstring)."""

    def __init__(self, live: LiveStream, codec: str, rtp: StreamRtp, loop: asyncio.AbstractEventLoop) -> None:
        self.live = live
        self.codec = codec
        self.rtp = rtp
        self._loop = loop
        self._receivers: list[Receiver] = []
        self._gop: list[RtpUnit] = []
        self._pending = False
        self.closed = False
        self._sub: Subscriber = live.subscribe(self._wake)
        self._take(self._sub.pop_all())               # the primed GOP, so the first session starts at once

    @property
    def receiver_count(self) -> int:
        return len(self._receivers)

    @property
    def gop(self) -> list[RtpUnit]:
        """The units from the latest keyframe on: what a joining receiver is sent first."""
        return list(self._gop)

    # --- receivers (event loop) -------------------------------------------------------------------
    def join(self, receiver: Receiver, *, backlog: bool = True) -> list[RtpUnit]:
        """Add a receiver; returns the units it is sent at once (the current GOP, if `backlog`)."""
        self._receivers.append(receiver)
        units = list(self._gop) if backlog else []
        for unit in units:
            receiver.deliver(unit, time.monotonic())
        return units

    def leave(self, receiver: Receiver) -> bool:
        """Remove a receiver; True when it was the last one (the caller then closes the fan-out)."""
        if receiver not in self._receivers:
            return False
        self._receivers.remove(receiver)
        return not self._receivers

    def close(self) -> None:
        self.closed = True
        self.live.unsubscribe(self._sub)

    # --- packets ----------------------------------------------------------------------------------
    def _wake(self) -> None:
        """Ingest thread: schedule one flush (a wake that finds one pending is folded into it)."""
        if self._pending:
            return
        self._pending = True
        self._loop.call_soon_threadsafe(self._flush)

    def _flush(self) -> None:
        self._pending = False
        if self.closed:
            return
        packets = self._sub.pop_all()
        if packets:
            self._take(packets)
        elif self._sub.closed:
            log.info("live %s: stream ended for %d RTSP session(s)", self.live.key, len(self._receivers))
            receivers, self._receivers = self._receivers, []
            self.close()
            for receiver in receivers:
                receiver.end()

    def _take(self, packets: list[LivePacket]) -> None:
        now_s = time.monotonic()
        for packet in packets:
            unit = self.rtp.unit(self.codec, packet)
            if unit.keyframe:
                self._gop = [unit]
            elif self._gop:
                self._gop.append(unit)
            gone = [r for r in self._receivers if not r.deliver(unit, now_s)]
            for receiver in gone:
                self._receivers.remove(receiver)


class LiveFanouts:
    """The fan-outs of one RTSP server's loop, by live stream; the RTP state of each stream."""

    def __init__(self) -> None:
        self._fanouts: dict[LiveStream, RtpFanout] = {}
        self._rtp: weakref.WeakKeyDictionary[LiveStream, StreamRtp] = weakref.WeakKeyDictionary()

    def rtp_of(self, live: LiveStream) -> StreamRtp:
        rtp = self._rtp.get(live)
        if rtp is None:
            rtp = self._rtp[live] = StreamRtp()
        return rtp

    def fanout(self, live: LiveStream, codec: str) -> RtpFanout:
        """The stream's fan-out on this loop, started if needed (call `leave` for every `join`)."""
        for gone in [key for key, f in self._fanouts.items() if f.closed]:    # their streams ended
            del self._fanouts[gone]
        fanout = self._fanouts.get(live)
        if fanout is None:
            fanout = self._fanouts[live] = RtpFanout(live, codec, self.rtp_of(live), asyncio.get_running_loop())
        return fanout

    def leave(self, live: LiveStream, receiver: Receiver) -> None:
        fanout = self._fanouts.get(live)
        if fanout is not None and fanout.leave(receiver):
            fanout.close()
            del self._fanouts[live]

    def join_soon(self, live: LiveStream, codec: str, receiver: Receiver, *, backlog: bool) -> None:
        """Join on the loop's next turn (after the PLAY response is written: a client drops the
        packets that come before it); a fan-out closed in between is started again."""
        asyncio.get_running_loop().call_soon(self._join_now, live, codec, receiver, backlog)

    def _join_now(self, live: LiveStream, codec: str, receiver: Receiver, backlog: bool) -> None:
        if receiver.wants_join():
            self.fanout(live, codec).join(receiver, backlog=backlog)

    def receivers(self, live: LiveStream) -> int:
        """How many sessions the stream's fan-out is feeding now (0 without one)."""
        fanout = self._fanouts.get(live)
        return fanout.receiver_count if fanout is not None and not fanout.closed else 0
