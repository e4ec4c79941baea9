"""One RTSP playing session: subscribes to a `LiveStream` and sends each access unit as RTP over
interleaved TCP or UDP, with an RTCP sender report every 5 s. The RTP payloads of an access unit
are computed once and shared by all sessions (cached on the `LivePacket`); only headers differ.

Runs on the server's event loop (one pump task per session); the ingest thread only wakes it.
RTP timestamps: a random base plus the packet's 90 kHz pts minus the first packet's pts, kept
increasing when the source session restarts.
"""

from __future__ import annotations

import asyncio
import logging
import random
import secrets
import time

from camvault.video.live import LivePacket, LiveStream, Subscriber
from camvault.video.rtsp import h264
from camvault.video.rtsp.protocol import Transport
from camvault.video.rtsp.rtp import interleaved, rtp_packet, sender_report

log = logging.getLogger(__name__)

TIMEOUT_S = 60
SR_INTERVAL_S = 5.0


class RtspSession:
    def __init__(self, live: LiveStream, transport: Transport, tcp: asyncio.StreamWriter | None) -> None:
        self.id = secrets.token_hex(8)
        self.live = live
        self.transport = transport
        self._tcp = tcp if transport.tcp else None
        self.udp: tuple[asyncio.DatagramTransport, asyncio.DatagramTransport] | None = None
        self.udp_peer: str | None = None
        self.ssrc = random.getrandbits(32)
        self.seq = random.getrandbits(16)
        self.rtp_base = random.getrandbits(31)
        self._pts_offset: int | None = None
        self._last_ts: int | None = None
        self.packets = 0
        self.octets = 0
        self.frames = 0
        self.last_seen_s = time.monotonic()
        self._sub: Subscriber | None = None
        self._task: asyncio.Task | None = None
        self._wake = asyncio.Event()
        self._last_sr_s = 0.0

    def touch(self) -> None:
        self.last_seen_s = time.monotonic()

    @property
    def playing(self) -> bool:
        return self._task is not None

    def play(self) -> None:
        if self._task is not None:
            return
        loop = asyncio.get_running_loop()
        self._sub = self.live.subscribe(lambda: loop.call_soon_threadsafe(self._wake.set))
        self._task = loop.create_task(self._pump())

    def close(self) -> None:
        if self._sub is not None:
            self.live.unsubscribe(self._sub)
        if self._task is not None:
            self._task.cancel()
        if self.udp:
            for t in self.udp:
                t.close()

    def expired(self) -> bool:
        return time.monotonic() - self.last_seen_s > TIMEOUT_S

    async def _pump(self) -> None:
        try:
            while not self._sub.closed:
                try:
                    await asyncio.wait_for(self._wake.wait(), 1.0)
                except TimeoutError:
                    pass
                self._wake.clear()
                for packet in self._sub.pop_all():
                    self._send_unit(packet)
                self._maybe_report()
                if self._tcp is not None:
                    await self._tcp.drain()        # a slow client backs up into its bounded queue
        except asyncio.CancelledError:
            raise
        except (ConnectionError, OSError) as exc:
            log.info("rtsp session %s on %s: client gone (%s)", self.id, self.live.key, exc)
        except Exception:
            log.exception("rtsp session %s on %s: sending failed", self.id, self.live.key)

    def _timestamp(self, pts_90k: int) -> int:
        if self._pts_offset is None:
            self._pts_offset = self.rtp_base - pts_90k
        ts = pts_90k + self._pts_offset
        if self._last_ts is not None and ts < self._last_ts:      # the source restarted its clock
            self._pts_offset = self._last_ts + 3000 - pts_90k
            ts = self._last_ts + 3000
        self._last_ts = ts
        return ts

    def _send_unit(self, packet: LivePacket) -> None:
        payloads = packet.derived.get("rtp-h264")
        if payloads is None:              # packetized once, shared by every session of the stream
            payloads = packet.derived["rtp-h264"] = h264.payloads(h264.split_nals(packet.data))
        first = self._last_ts is None
        ts = self._timestamp(packet.pts_90k)
        if first:                  # an SR before the first packet lets clients place it in time at once
            self._maybe_report()
        for i, payload in enumerate(payloads):
            data = rtp_packet(payload, seq=self.seq, timestamp=ts, ssrc=self.ssrc, marker=i == len(payloads) - 1)
            self.seq = (self.seq + 1) & 0xFFFF
            self.packets += 1
            self.octets += len(payload)
            self._send(0, data)
        self.frames += 1

    def _maybe_report(self) -> None:
        now = time.monotonic()
        if self._last_ts is None or now - self._last_sr_s < SR_INTERVAL_S:
            return
        self._last_sr_s = now
        self._send(1, sender_report(ssrc=self.ssrc, unix_s=time.time(), timestamp=self._last_ts,
                                    packets=self.packets, octets=self.octets))

    def _send(self, which: int, data: bytes) -> None:
        if self._tcp is not None:
            self._tcp.write(interleaved(self.transport.channels[which], data))
        elif self.udp and self.transport.client_ports:
            self.udp[which].sendto(data, (self.udp_peer, self.transport.client_ports[which]))
