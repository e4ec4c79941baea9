"""Crash safety: kill -9 the server while it records, restart it, and check that the index matches
the files and that nothing but the slice being written was lost (DESIGN rule 5)."""

import time
from pathlib import Path

import pytest

from camvault.core.timefmt import parse_iso_ms
from tests.support.server import CamvaultProcess, synthetic_camera

pytestmark = pytest.mark.slow

SLICE_S = 2
FRAME_MS = 100


def slice_files(data_dir: Path) -> tuple[set[str], set[str]]:
    files = {p.relative_to(data_dir).as_posix() for p in (data_dir / "slices").rglob("*") if p.is_file()}
    return {f for f in files if f.endswith(".mkv")}, {f for f in files if f.endswith(".part")}


def start_ms_of(relpath: str) -> int:
    return int(relpath.rsplit("/", 1)[-1].split("-")[1])


def wait_until_open_slice_is_older_than(data: Path, age_ms: int) -> None:
    """Kill in the middle of a slice, once at least one 1 s cluster of it has reached the disk."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        _, partial = slice_files(data)
        if partial and time.time_ns() // 1_000_000 - max(map(start_ms_of, partial)) >= age_ms:
            return
        time.sleep(0.05)
    raise AssertionError("no slice was being written")


def test_kill_9_loses_at_most_the_open_slice(tmp_path, database_url):
    config = {"recording": {"slice_max_s": SLICE_S}, "cameras": [synthetic_camera(1, "Crash", fps=10)]}
    data = tmp_path / "data"
    server = CamvaultProcess(data, config, database_url).start()
    time.sleep(6)
    wait_until_open_slice_is_older_than(data, 1600)
    with server.client() as http:
        before = http.get("/api/v1.2/slices").json()["slices"]
    killed_at_ms = time.time_ns() // 1_000_000
    server.kill9()
    finished, partial = slice_files(data)
    assert len(before) >= 2
    assert partial, "a slice was being written when the server was killed"

    server.start()
    try:
        with server.client() as http:
            after = http.get("/api/v1.2/slices").json()["slices"]
    finally:
        assert server.stopped_cleanly(), server.log()
    assert "reconciliation:" in server.log()
    assert "finished_partials=1" in server.log(), "the open slice is salvaged up to the last second"

    # every slice indexed before the crash is still indexed, unchanged
    after_by_start = {s["start"]: s for s in after}
    for s in before:
        assert after_by_start[s["start"]] == s
    # the index matches the files for everything recorded before the crash
    old = [s for s in after if parse_iso_ms(s["start"]) < killed_at_ms]
    finished_after, partial_after = slice_files(data)
    assert not {p for p in partial_after if start_ms_of(p) < killed_at_ms}, "partials were left behind"
    files_before_crash = {f for f in finished_after if start_ms_of(f) < killed_at_ms}
    assert len(files_before_crash) == len(old)
    assert {start_ms_of(f) for f in files_before_crash} == {parse_iso_ms(s["start"]) for s in old}
    # recording is continuous up to the open slice: at most one slice's worth is missing
    starts = [parse_iso_ms(s["start"]) for s in old]
    stops = [parse_iso_ms(s["stop"]) for s in old]
    for previous_stop, next_start in zip(stops, starts[1:]):
        assert abs(next_start - previous_stop) <= FRAME_MS
    assert killed_at_ms - stops[-1] <= 2500, "salvage recovers the open slice up to about 1 s before the kill"
