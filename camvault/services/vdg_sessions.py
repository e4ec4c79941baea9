"""VDG Sense API sessions and the exports they know.

An API session is named by a key the adapter derives (user name + session cookie). Export ids are
numbered per session from 1; a session idle for `idle_s` seconds (by the clock's monotonic time)
ends, and the next request with its key opens a new one, numbered from 1 again. A node restart
ends every session. Ending a session forgets its ids; exports already queued still run.

Thread-safe: one lock guards the sessions; an export's progress fields are written by the worker
thread under the same lock (see `VdgExport`), and readers take frozen snapshots.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from camvault.core.clock import Clock
from camvault.core.vdg import DeviceRange

STATES = ("pending", "running", "done", "failed", "removed")


@dataclass
class DeviceJob:
    """One device of an export: its camera, range, slices and progress."""

    device: DeviceRange
    camera_id: int
    slice_ids: tuple[int, ...]
    estimate_bytes: int
    state: str = "pending"
    progress_pct: int = 0
    bytes_written: int = 0
    file_name: str | None = None
    error: str | None = None


@dataclass
class VdgExport:
    id: int                         # per session
    key: int                        # unique in this process
    session: str
    user_name: str
    folder: Path
    bandwidth_bytes_per_s: int
    devices: list[DeviceJob]
    created_ms: int
    state: str = "pending"
    cancelled: threading.Event = field(default_factory=threading.Event)


@dataclass(frozen=True)
class DeviceStatus:
    device: DeviceRange
    state: str
    progress_pct: int
    bytes_written: int
    file_name: str | None
    error: str | None


@dataclass(frozen=True)
class ExportStatus:
    id: int
    state: str
    progress_pct: int
    folder: Path
    bandwidth_bytes_per_s: int
    devices: tuple[DeviceStatus, ...]


@dataclass
class _Session:
    last_s: float
    next_id: int = 1
    exports: dict[int, VdgExport] = field(default_factory=dict)


class VdgSessions:
    def __init__(self, clock: Clock, idle_s: float) -> None:
        self._clock = clock
        self._idle_s = idle_s
        self.lock = threading.Lock()
        self._sessions: dict[str, _Session] = {}
        self._next_key = 1

    def add(self, session: str, **fields) -> VdgExport:
        """Number a new export in `session` (opened or renewed here) and remember it."""
        with self.lock:
            current = self._touch(session)
            export = VdgExport(id=current.next_id, key=self._next_key, session=session, **fields)
            current.next_id += 1
            self._next_key += 1
            current.exports[export.id] = export
            return export

    def get(self, session: str, export_id: int) -> VdgExport | None:
        with self.lock:
            return self._touch(session).exports.get(export_id)

    def listed(self, session: str) -> list[VdgExport]:
        with self.lock:
            return sorted(self._touch(session).exports.values(), key=lambda e: e.id)

    def forget(self, export: VdgExport) -> None:
        with self.lock:
            current = self._sessions.get(export.session)
            if current is not None and current.exports.get(export.id) is export:
                del current.exports[export.id]

    def end(self, session: str) -> None:
        """End `session` now (its ids are forgotten; the next request starts at 1)."""
        with self.lock:
            self._sessions.pop(session, None)

    def snapshot(self, export: VdgExport) -> ExportStatus:
        with self.lock:
            devices = tuple(DeviceStatus(d.device, d.state, d.progress_pct, d.bytes_written, d.file_name, d.error)
                            for d in export.devices)
            pct = sum(d.progress_pct for d in devices) // len(devices)
            return ExportStatus(export.id, export.state, pct, export.folder, export.bandwidth_bytes_per_s, devices)

    def _touch(self, session: str) -> _Session:
        now_s = self._clock.monotonic_s()
        for name in [n for n, s in self._sessions.items() if now_s - s.last_s > self._idle_s]:
            del self._sessions[name]
        current = self._sessions.setdefault(session, _Session(now_s))
        current.last_s = now_s
        return current
