"""VDG API sessions: export ids count from 1 per session and restart at 1 once a session ends
(idle timeout on the clock, or logout); sessions do not share ids."""

from __future__ import annotations

from pathlib import Path

from camvault.core.clock import FakeClock
from camvault.core.vdg import DeviceRange
from camvault.services.vdg_sessions import DeviceJob, VdgSessions


def add(sessions: VdgSessions, session: str) -> int:
    job = DeviceJob(DeviceRange("s", "d", 0, 1000), camera_id=1, slice_ids=(1,), estimate_bytes=10)
    return sessions.add(session, user_name=session, folder=Path("/x"), bandwidth_bytes_per_s=0, devices=[job],
                        created_ms=0).id


def test_ids_are_per_session_and_restart_after_idle_time():
    clock = FakeClock()
    sessions = VdgSessions(clock, idle_s=60)
    assert [add(sessions, "ann"), add(sessions, "ann"), add(sessions, "bob")] == [1, 2, 1]
    clock.advance_s(59)
    assert add(sessions, "ann") == 3                   # still the same session (and renewed)
    clock.advance_s(61)
    assert sessions.get("ann", 1) is None
    assert add(sessions, "ann") == 1
    sessions.end("ann")
    assert sessions.listed("ann") == [] and add(sessions, "ann") == 1


def test_snapshot_averages_device_progress():
    sessions = VdgSessions(FakeClock(), idle_s=60)
    jobs = [DeviceJob(DeviceRange("s", d, 0, 1000), 1, (1,), 10) for d in ("a", "b")]
    export = sessions.add("ann", user_name="ann", folder=Path("/x"), bandwidth_bytes_per_s=5, devices=jobs,
                          created_ms=0)
    jobs[0].progress_pct, jobs[1].progress_pct = 100, 50
    status = sessions.snapshot(export)
    assert status.progress_pct == 75 and [d.device.device_id for d in status.devices] == ["a", "b"]
    sessions.forget(export)
    assert sessions.get("ann", export.id) is None
