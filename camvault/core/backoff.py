"""Reconnect back-off: exponential, capped (30 s by default), reset after a healthy connection."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Backoff:
    """Delay before the next reconnect attempt, in seconds."""

    initial_s: float = 0.5
    factor: float = 2.0
    cap_s: float = 30.0
    attempts: int = 0

    def next_delay_s(self) -> float:
        """Delay for the upcoming attempt; each call doubles the following one up to the cap."""
        delay = min(self.cap_s, self.initial_s * self.factor ** self.attempts)
        self.attempts += 1
        return delay

    def reset(self) -> None:
        """Call once a connection has delivered media, so the next failure retries quickly."""
        self.attempts = 0
