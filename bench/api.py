"""API latency at scale: list 100 of 1,000,000 alarms, and list slices in an index holding
100 cameras x 30 days of 10-minute slices (432,000 rows), through the real server over HTTP.

Prints p50/p99 per query and, for context, the same query run directly in SQLite (the plain tool
doing the same job) and their ratio. Targets (issue 3): p50 <= 5 ms for alarms, <= 10 ms for slices.

    .venv/bin/python bench/api.py [--requests 300] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from camvault.store.db import make_engine, migrate  # noqa: E402
from tests.support.server import ADMIN_PASSWORD, CamvaultProcess  # noqa: E402

CAMERAS, DAYS, SLICE_S = 100, 30, 600
ALARMS = 1_000_000
START_MS = 1_750_000_000_000


def populate(db_path: Path) -> None:
    engine = make_engine(f"sqlite:///{db_path}")
    migrate(engine)
    engine.dispose()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.executemany(
        "INSERT INTO cameras (id, name, source, uuid, serial_number, model, enabled, origin, transport, upside_down,"
        " created_ms) VALUES (?, ?, 'synthetic://', ?, ?, '', 0, 'api', 'tcp', 0, 0)",
        [(c, f"Camera {c}", f"00000000-0000-0000-0000-{c:012d}", f"SN{c}") for c in range(1, CAMERAS + 1)])
    conn.executemany("INSERT INTO streams (camera_id, stream_id, name, source, roles, quality, ignored, on_demand)"
                     " VALUES (?, 1, '', 'synthetic://', 'rrecord', 3, 0, 0)", [(c,) for c in range(1, CAMERAS + 1)])
    per_camera = DAYS * 86400 // SLICE_S
    rows = ((c, START_MS + i * SLICE_S * 1000, START_MS + (i + 1) * SLICE_S * 1000 - 40,
             f"slices/{c}/d/{c}.1-{START_MS + i * SLICE_S * 1000}-r.mkv")
            for c in range(1, CAMERAS + 1) for i in range(per_camera))
    rows = list(rows)
    conn.executemany("INSERT INTO slices (camera_id, stream_id, start_ms, stop_ms, type, size_bytes, path, protected)"
                     " VALUES (?, 1, ?, ?, 'r', 225000000, ?, 0)", rows)
    for camera in range(1, CAMERAS + 1):          # empty files: startup reconciliation keeps rows with a file
        (db_path.parent / f"slices/{camera}/d").mkdir(parents=True, exist_ok=True)
    for *_, path in rows:
        os.close(os.open(db_path.parent / path, os.O_CREAT | os.O_WRONLY, 0o644))
    span_ms = DAYS * 86_400_000
    alarms = ((1 + i % CAMERAS, START_MS + i * span_ms // ALARMS, "motion", "MOTION Alarm") for i in range(ALARMS))
    conn.executemany("INSERT INTO alarms (camera_id, time_ms, kind, description) VALUES (?, ?, ?, ?)", alarms)
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()


def percentiles(samples_s: list[float]) -> tuple[float, float]:
    ordered = sorted(samples_s)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.99) - 1] * 1000


def time_http(client: httpx.Client, path: str, n: int, expect) -> list[float]:
    client.get(path).raise_for_status()
    out = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(path)
        out.append(time.perf_counter() - started)
        response.raise_for_status()
        expect(response.json())
    return out


def time_sql(db_path: Path, sql: str, params: tuple, n: int) -> list[float]:
    conn = sqlite3.connect(db_path)
    out = []
    for _ in range(n):
        started = time.perf_counter()
        conn.execute(sql, params).fetchall()
        out.append(time.perf_counter() - started)
    conn.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--keep", type=Path, help="reuse/keep the populated data dir here")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="camvault-bench-api-"))
    data = work / "data"
    db = data / "camvault.db"
    if not db.exists():
        data.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        populate(db)
        print(f"populated {CAMERAS * DAYS * 86400 // SLICE_S:,} slices and {ALARMS:,} alarms "
              f"in {time.monotonic() - started:.0f} s")
    server = CamvaultProcess(data, {"cameras": []}).start(timeout_s=120)
    day_from = "2025-06-20T00:00:00Z"
    day_to = "2025-06-20T23:59:59Z"
    queries = [
        ("alarms: newest 100 of 1,000,000", "/api/v1.2/cameras/alarms?limit=100", lambda b: len(b["alarms"]) == 100,
         "SELECT * FROM alarms ORDER BY time_ms DESC, id DESC LIMIT 100", ()),
        ("alarms: 100 of one camera, offset 5000", "/api/v1.2/cameras/42/alarms?limit=100&offset=5000",
         lambda b: len(b["alarms"]) == 100,
         "SELECT * FROM alarms WHERE camera_id = ? ORDER BY time_ms DESC, id DESC LIMIT 100 OFFSET 5000", (42,)),
        ("slices: one camera, one day (144)", f"/api/v1.2/slices?cameraId=42&from={day_from}&to={day_to}",
         lambda b: len(b["slices"]) >= 144,
         "SELECT * FROM slices WHERE camera_id = ? AND stop_ms >= ? AND start_ms <= ? ORDER BY camera_id, start_ms",
         (42, 1750377600000, 1750463999000)),
        ("slices: first 100 of 432,000", "/api/v1.2/slices?limit=100", lambda b: len(b["slices"]) == 100,
         "SELECT * FROM slices ORDER BY camera_id, start_ms, stream_id LIMIT 101", ()),
    ]
    try:
        with httpx.Client(base_url=server.url, auth=("admin", ADMIN_PASSWORD), timeout=30) as client:
            print(f"{'query':42} {'API p50':>9} {'API p99':>9} {'SQL p50':>9} {'ratio':>7}")
            for label, path, expect, sql, params in queries:
                http_p50, http_p99 = percentiles(time_http(client, path, args.requests, expect))
                sql_p50, _ = percentiles(time_sql(db, sql, params, args.requests))
                print(f"{label:42} {http_p50:8.2f}ms {http_p99:8.2f}ms {sql_p50:8.2f}ms {http_p50 / sql_p50:6.1f}x")
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
