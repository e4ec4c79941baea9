"""One RTSP session: plays a `Feed` (live, delayed, alarm or replay) as RTP over interleaved TCP or
UDP, with an RTCP sender report every 5 s and a BYE when the feed ends.

Plain live view (a feed with `shared_live`) joins the stream's shared RTP fan-out (`fanout.py`):
the session is a `Receiver` and only writes the packets built once for every session, with the
stream's SSRC and numbering. Every other feed is pumped by a task of the session that packetizes
what `Feed.next` returns (the RTP payloads of a live access unit are still shared, cached on the
`LivePacket`; headers are the session's own).

Runs on the server's event loop. RTP timestamps (`RtpClock`): a random base plus the packet's 90 kHz
pts minus the first packet's pts, kept increasing when the source restarts its clock. Each PLAY
that moves the position (a seek) re-bases them just after the last one sent, and RTP-Info gives the
new base and sequence number. PAUSE stops the delivery and keeps the session.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import secrets
import time

from camvault.video.feeds import Feed, PlayRange, PlayStart
from camvault.video.live import LivePacket
from camvault.video.rtsp import codecs
from camvault.video.rtsp.fanout import LiveFanouts, RtpClock, RtpUnit
from camvault.video.rtsp.protocol import Transport
from camvault.video.rtsp.rtp import goodbye, interleaved, rtp_packet, sender_report

log = logging.getLogger(__name__)

TIMEOUT_S = 60
SR_INTERVAL_S = 5.0
NEXT_WAIT_S = 1.0
WRITE_BACKLOG_MAX_BYTES = 4 << 20   # a shared-live client further behind than this skips to a keyframe


class RtspSession:
    def __init__(self, feed: Feed, key: str, codec: str, transport: Transport,
                 tcp: asyncio.StreamWriter | None, fanouts: LiveFanouts | None = None) -> None:
        self.id = secrets.token_hex(8)
        self.feed = feed
        self.key = key
        self.codec = codec
        self.transport = transport
        self._tcp = tcp if transport.tcp else None
        self._socket = self._tcp.transport if self._tcp is not None else None    # (shared live writes here)
        self._channel = transport.channels[0] if transport.tcp else 0
        self.udp: tuple[asyncio.DatagramTransport, asyncio.DatagramTransport] | None = None
        self.udp_peer: str | None = None
        self._fanouts = fanouts if feed.shared_live is not None else None
        self._joined = False
        self._need_key = False
        if self._fanouts is not None:
            rtp = self._fanouts.rtp_of(feed.shared_live)
            self.ssrc, self.seq = rtp.ssrc, rtp.next_seq
        else:
            self.ssrc, self.seq = random.getrandbits(32), random.getrandbits(16)
        self.clock = RtpClock()
        self.rtp_base = self.clock.base
        self._last_ts: int | None = None
        self.packets = 0
        self.octets = 0
        self.frames = 0
        self.skips = 0
        self.last_seen_s = time.monotonic()
        self._task: asyncio.Task | None = None
        self._last_sr_s = 0.0
        self.ended = False

    def touch(self) -> None:
        self.last_seen_s = time.monotonic()

    @property
    def playing(self) -> bool:
        return self._task is not None or self._joined

    async def play(self, wanted: PlayRange | None) -> PlayStart | None:
        """Start (or seek and restart) delivery; None when already playing and not seeking."""
        if self._fanouts is not None:
            return self._join_shared()
        seeking = wanted is not None and self.feed.seekable
        if self._task is not None and not seeking:
            return None
        self._stop_pump()
        start = await self.feed.play(wanted if seeking else None)
        self.clock.rebase()
        self.rtp_base = self.clock.next_start
        self.ended = False
        self._task = asyncio.get_running_loop().create_task(self._pump())
        return start

    def pause(self) -> None:
        self._leave_shared()
        self._stop_pump()
        self.feed.pause()

    def close(self) -> None:
        self.pause()
        self.feed.close()
        if self.udp:
            for t in self.udp:
                t.close()

    def expired(self) -> bool:
        return time.monotonic() - self.last_seen_s > TIMEOUT_S

    # --- shared live (a Receiver of the stream's fan-out) ------------------------------------------
    def _join_shared(self) -> PlayStart | None:
        if self._joined:
            return None
        fanout = self._fanouts.fanout(self.feed.shared_live, self.codec)
        resumed = self._last_ts is not None              # no going back to the GOP's older numbers
        backlog = [] if resumed else fanout.gop
        if backlog:
            self.seq, self.rtp_base = backlog[0].seq, backlog[0].ts
        else:
            self.seq, self.rtp_base = fanout.rtp.next_seq, fanout.rtp.clock.next_start
        self._joined = True
        self._need_key = resumed
        self._fanouts.join_soon(self.feed.shared_live, self.codec, self, backlog=not resumed)
        return PlayStart()

    def wants_join(self) -> bool:
        return self._joined

    def _leave_shared(self) -> None:
        if self._joined:
            self._joined = False
            self._fanouts.leave(self.feed.shared_live, self)

    def deliver(self, unit: RtpUnit, now_s: float) -> bool:
        """Send one shared unit (or skip it); False when the client is gone. `now_s`: monotonic."""
        if self._need_key:
            if not unit.keyframe:
                return True
            self._need_key = False
        sock = self._socket
        if sock is not None:
            if sock.is_closing():
                log.info("rtsp session %s on %s: client gone", self.id, self.key)
                self._joined = False
                return False
            if sock.get_write_buffer_size() > WRITE_BACKLOG_MAX_BYTES:
                self._need_key = True
                self.skips += 1
                return True
        first = self._last_ts is None
        self._last_ts = unit.ts
        if first or now_s - self._last_sr_s >= SR_INTERVAL_S:   # an SR first places the packets in time
            self._maybe_report()
        if sock is not None:
            sock.write(unit.framed(self._channel))
        else:
            for data in unit.packets:
                self._send(0, data)
        self.packets += len(unit.packets)
        self.octets += unit.octets
        self.frames += 1
        return True

    def end(self) -> None:
        self._joined = False
        self._end()

    # --- own pump (delayed, alarm and replay feeds) ------------------------------------------------
    def _stop_pump(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def _pump(self) -> None:
        try:
            while True:
                batch = await self.feed.next(NEXT_WAIT_S)
                if batch is None:
                    self._end()
                    return
                if self._tcp is not None and self._tcp.is_closing():
                    log.info("rtsp session %s on %s: client gone", self.id, self.key)
                    return
                for packet in batch:
                    self._send_unit(packet)
                self._maybe_report()
                if self._tcp is not None:
                    await self._tcp.drain()        # a slow client backs up into its bounded queue
        except asyncio.CancelledError:
            raise
        except (ConnectionError, OSError) as exc:
            log.info("rtsp session %s on %s: client gone (%s)", self.id, self.key, exc)
        except Exception:
            log.exception("rtsp session %s on %s: sending failed", self.id, self.key)

    def _end(self) -> None:
        """The feed ended (end of the recordings, stream stopped): a sender report and a BYE."""
        self.ended = True
        log.info("rtsp session %s on %s: feed ended", self.id, self.key)
        if self._last_ts is not None:
            with contextlib.suppress(ConnectionError, OSError):
                self._send(1, self._report() + goodbye(self.ssrc))

    def _send_unit(self, packet: LivePacket) -> None:
        payloads = packet.derived.get("rtp")
        if payloads is None:              # packetized once, shared by every session of the stream
            payloads = packet.derived["rtp"] = codecs.payloads(self.codec, packet.data)
        first = self._last_ts is None
        ts = self._last_ts = self.clock.stamp(packet.pts_90k)
        if first:                  # an SR before the first packet lets clients place it in time at once
            self._maybe_report()
        last = len(payloads) - 1
        packets = []
        for i, payload in enumerate(payloads):
            packets.append(rtp_packet(payload, seq=self.seq, timestamp=ts, ssrc=self.ssrc, marker=i == last))
            self.seq = (self.seq + 1) & 0xFFFF
            self.octets += len(payload)
        self.packets += len(packets)
        if self._tcp is not None:             # one write (one system call) per access unit
            channel = self.transport.channels[0]
            self._tcp.write(b"".join(interleaved(channel, p) for p in packets))
        else:
            for data in packets:
                self._send(0, data)
        self.frames += 1

    # --- RTCP ---------------------------------------------------------------------------------------
    def _maybe_report(self) -> None:
        now = time.monotonic()
        if self._last_ts is None or now - self._last_sr_s < SR_INTERVAL_S:
            return
        self._last_sr_s = now
        self._send(1, self._report())

    def _report(self) -> bytes:
        return sender_report(ssrc=self.ssrc, unix_s=time.time(), timestamp=self._last_ts or self.rtp_base,
                             packets=self.packets, octets=self.octets)

    def _send(self, which: int, data: bytes) -> None:
        if self._tcp is not None:
            self._tcp.write(interleaved(self.transport.channels[which], data))
        elif self.udp and self.transport.client_ports:
            self.udp[which].sendto(data, (self.udp_peer, self.transport.client_ports[which]))
