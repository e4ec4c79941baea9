"""Feeds: where a viewer's access units come from. One interface for live view, delayed live view,
replay from recorded slices and the alarm view, consumed by the RTSP sessions (and by any other
viewer that paces itself on `next`).

Contract: a feed is used from one asyncio event loop. `describe()` gives the codec (Annex B
extradata) and, for codecs whose parameter sets only come in band, a keyframe carrying them.
`play(wanted)` (re)starts delivery at the asked position (None: where it is, or its default
start) and says where it really starts. `next(timeout_s)` returns the access units due now, in
order, already paced in real time (an empty list when nothing came within the timeout, None when
the feed has ended). Packets are Annex B; `pts_90k` is continuous within one `play`. Blocking work
(file reads) runs in the loop's default executor.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from camvault.video.live import CodecInfo, LivePacket, LiveStream


class FeedUnavailable(Exception):
    """The feed has nothing to show (no video yet, no recording); `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class PlayRange:
    """A start position asked by a client: seconds on the feed's npt scale, or a wall-clock time."""

    npt_s: float | None = None
    clock_ms: int | None = None


@dataclass(frozen=True)
class PlayStart:
    """Where delivery really starts: None/None means live ("now")."""

    npt_s: float | None = None
    clock_ms: int | None = None


class Feed(ABC):
    seekable = False
    shared_live: LiveStream | None = None
    """The live stream this feed passes on unchanged, if it does (plain live view): a server may
    then send every viewer the same packets instead of playing the feed for each."""

    @abstractmethod
    async def describe(self) -> tuple[CodecInfo, bytes | None]:
        """(codec, a keyframe or None); raises FeedUnavailable."""

    def sdp_range(self) -> str:
        """The session-level `a=range:` value."""
        return "npt=now-"

    @abstractmethod
    async def play(self, wanted: PlayRange | None) -> PlayStart: ...

    @abstractmethod
    async def next(self, timeout_s: float) -> list[LivePacket] | None: ...

    def pause(self) -> None:
        """Stop delivering until the next `play` (a live feed drops what it had queued)."""

    @abstractmethod
    def close(self) -> None: ...
