"""The pre-alarm buffer: the recent packets of one stream kept in memory, whole GOPs only, each
with its wall time, so an alarm recording can start a few seconds before the alarm.

Packets are copied (a sink must not keep the packets it is given). Memory is bounded by
`max_bytes`: past it the oldest GOPs go first, and a warning says how much pre-alarm is left.
Rules in `core.prealarm`. Not thread-safe: its owner (`AlarmRecorderSink`) locks.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction

import av

from camvault.core.prealarm import gops_over_budget, needless_gops, start_gop

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BufferedPacket:
    """A copy of one packet: its payload and timing in the session's time base."""

    data: bytes
    pts: int | None
    dts: int | None
    duration: int | None
    time_base: Fraction | None
    keyframe: bool
    wall_ms: int

    def to_packet(self) -> av.Packet:
        packet = av.Packet(self.data)
        packet.pts, packet.dts = self.pts, self.dts
        if self.duration:
            packet.duration = self.duration
        if self.time_base is not None:
            packet.time_base = self.time_base
        packet.is_keyframe = self.keyframe
        return packet


class PacketRing:
    """GOP-aligned ring keeping at least `pre_alarm_ms` of video (plus the GOP that reaches back
    that far), at most `max_bytes`."""

    def __init__(self, *, pre_alarm_ms: int, max_bytes: int, label: str = "") -> None:
        self.pre_alarm_ms = pre_alarm_ms
        self._max_bytes = max_bytes
        self._label = label
        self._gops: deque[list[BufferedPacket]] = deque()
        self._gop_bytes: deque[int] = deque()
        self._overflowing = False

    @property
    def size_bytes(self) -> int:
        return sum(self._gop_bytes)

    @property
    def span_ms(self) -> int:
        """Wall time from the oldest kept keyframe to the newest packet."""
        return self._gops[-1][-1].wall_ms - self._gops[0][0].wall_ms if self._gops else 0

    def clear(self) -> None:
        self._gops.clear()
        self._gop_bytes.clear()

    def append(self, packet: av.Packet, wall_ms: int) -> None:
        """Keep a copy of the packet (packets before the first keyframe are not kept)."""
        if packet.is_keyframe:
            self._gops.append([])
            self._gop_bytes.append(0)
        elif not self._gops:
            return
        data = bytes(packet)
        self._gops[-1].append(BufferedPacket(data, packet.pts, packet.dts, packet.duration, packet.time_base,
                                             packet.is_keyframe, wall_ms))
        self._gop_bytes[-1] += len(data)
        self._trim(wall_ms)

    def start_ms(self, newest_ms: int | None = None) -> int | None:
        """Wall time of the keyframe an alarm recording starting now would begin with."""
        keyframes = [gop[0].wall_ms for gop in self._gops]
        newest = newest_ms if newest_ms is not None else (self._gops[-1][-1].wall_ms if self._gops else 0)
        index = start_gop(keyframes, newest, self.pre_alarm_ms)
        return None if index is None else keyframes[index]

    def packets_from(self, start_ms: int) -> Iterator[BufferedPacket]:
        """The kept packets from the GOP whose keyframe is at `start_ms` on, oldest first."""
        started = False
        for gop in self._gops:
            started = started or gop[0].wall_ms >= start_ms
            if started:
                yield from gop

    def _trim(self, newest_ms: int) -> None:
        needless = needless_gops([g[0].wall_ms for g in self._gops], newest_ms, self.pre_alarm_ms)
        for _ in range(needless):
            self._drop_oldest()
        if needless:
            self._overflowing = False        # the time rule bounds the buffer again
        over = gops_over_budget(list(self._gop_bytes), self._max_bytes)
        for _ in range(over):
            self._drop_oldest()
        if over and not self._overflowing:
            self._overflowing = True
            log.warning("pre-alarm buffer %s: over its %d bytes; dropped the oldest video, %d ms of pre-alarm "
                        "left of %d ms wanted", self._label, self._max_bytes,
                        max(0, newest_ms - self._gops[0][0].wall_ms) if self._gops else 0, self.pre_alarm_ms)

    def _drop_oldest(self) -> None:
        self._gops.popleft()
        self._gop_bytes.popleft()
