"""Clocks: the only way domain and service code reads the time, so tests can drive it.

`SystemClock` reads the real UTC wall clock and a monotonic clock; `FakeClock` is set by tests.
Both are thread-safe for reading.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol


class Clock(Protocol):
    """Source of wall-clock (epoch ms, UTC) and monotonic (s) time."""

    def now_ms(self) -> int: ...

    def monotonic_s(self) -> float: ...


class SystemClock:
    """The real clock."""

    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000

    def monotonic_s(self) -> float:
        return time.monotonic()


class FakeClock:
    """A clock that only moves when `advance_s` is called."""

    def __init__(self, start_ms: int = 1_700_000_000_000) -> None:
        self._lock = threading.Lock()
        self._now_ms = start_ms
        self._mono_s = 0.0

    def now_ms(self) -> int:
        with self._lock:
            return self._now_ms

    def monotonic_s(self) -> float:
        with self._lock:
            return self._mono_s

    def advance_s(self, seconds: float) -> None:
        with self._lock:
            self._now_ms += round(seconds * 1000)
            self._mono_s += seconds
