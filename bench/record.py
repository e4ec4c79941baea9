"""Recording benchmark: camvault's in-process stream-copy recorder against the ffmpeg CLI, in one run.

What it measures
    N concurrent 1080p25 ~3 Mbit/s H.264 RTSP streams are recorded by stream copy into MKV slices
    (a) by camvault: ONE child process (this script with `--camvault-worker`) running N
        `camvault.video.ingest.IngestWorker`s, each feeding a `camvault.video.recorder.SliceRecorder`
        that writes into a temporary `camvault.store.media.MediaStore`;
    (b) by the ffmpeg CLI: N processes of
        `ffmpeg -rtsp_transport tcp -i URL -c copy -f segment -segment_time S -reset_timestamps 1 out%03d.mkv`
        (plus `-segment_list` so the cut points can be checked, and quiet logging).
    Both read the same URL of one GStreamer RTSP server (tests/support/gst_rtsp_server.py, shared media,
    x264 1920x1080 25 fps 3000 kbit/s, GOP 50, 2 slices per picture) started here as a child process.
    The server script's own test pattern (`ball`, a ball on black) compresses to ~0.2 Mbit/s whatever
    bitrate is asked, so by default it is run with `pattern=smpte` (colour bars with a noise patch,
    3.0 Mbit/s measured); `--pattern ball` runs it unchanged. One extra client (`ffmpeg ... -f null`, the
    "keeper") stays connected throughout: it keeps the shared media prepared (gst-rtsp-server 1.22
    aborts when 32 clients connect at once to a media still being prepared) and counts the frames the
    server really sends ("source fps"). (a) runs, then (b); `--repeat R` does that R times.

How
    Each recorder is started, warmed up until every stream records (camvault: every recorder has a
    slice open; ffmpeg: every process created its first segment), left to settle `--settle-s`, then
    measured for `--seconds` T, then stopped (camvault: the worker's stop; ffmpeg: SIGINT).
    - CPU: user+sys seconds of the recorder processes over the window (psutil), divided by N*T:
      CPU seconds per stream-second (x100 = % of one core per stream). The RTSP server and keeper
      are excluded and reported apart, as is the rest of the machine's load in the window ("other":
      machine busy time minus recorder, server and this script; other programs on a shared machine
      show up there). Context switches per frame (all threads) are reported too.
    - Memory: RSS sampled every second in the window and averaged. camvault: (worker RSS - RSS of the
      same worker started with 0 streams) / N. ffmpeg: total RSS / N. PSS (shared pages split between
      the processes that map them) is reported too, since RSS counts each ffmpeg's shared libraries again.
    - Completeness, after the run, from the written files (PyAV, demux only): per stream the frames
      (timestamp slots: ffmpeg writes a picture its RTSP demuxer split in two as two packets 1 ms
      apart), the recorded duration (sum of the files' durations), frames missing inside files
      (timestamp steps over 1.5 frame intervals), incomplete frames ("half fr": fewer H.264 slices than
      the stream's usual count), gaps between files (camvault: between the slices' wall-clock
      start/stop; ffmpeg: segment list range vs file content), and the "head": the part of the
      wall-clock run (recorder start to stop) not in the files, i.e. connect time + wait for the first
      keyframe when nothing is dropped. camvault also reports packets received per stream
      (`IngestWorker.state.packets`) and their rate in the window, to compare with the source fps.

Usage (from the repository root)
    .venv/bin/python bench/record.py --streams 32 --seconds 60 --repeat 2
    .venv/bin/python bench/record.py --streams 200 --seconds 60 --only camvault
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
SERVER_SCRIPT = ROOT / "tests" / "support" / "gst_rtsp_server.py"
SYSTEM_PYTHON = "/usr/bin/python3"
WIDTH, HEIGHT, FPS, KBPS, GOP = 1920, 1080, 25, 3000, 50
FRAME_MS = 1000 / FPS
MB = 1024 * 1024
KEEPER_PROGRESS = Path(tempfile.gettempdir()) / f"camvault-bench-record-keeper-{os.getpid()}.txt"


# ---------------------------------------------------------------- camvault worker (child process)

def camvault_worker(args: argparse.Namespace) -> int:
    """N ingest workers with slice recorders; driven by lines on stdin (start, status, stop)."""
    sys.path.insert(0, str(ROOT))
    import logging

    from camvault.core.clock import SystemClock
    from camvault.core.model import Stream
    from camvault.store.media import MediaStore
    from camvault.video.ingest import IngestWorker
    from camvault.video.recorder import SliceRecorder
    from camvault.video.sources import open_source

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    media, clock = MediaStore(Path(args.root)), SystemClock()
    slices, events, pairs = [], [], []
    for i in range(args.streams):
        stream = Stream(camera_id=i + 1, stream_id=1, source=args.url, roles=("rrecord",))
        recorder = SliceRecorder(i + 1, 1, media, slice_max_s=args.slice_s, on_slice=slices.append)
        worker = IngestWorker(stream, open_source(args.url), [recorder], clock, on_connection=events.append)
        pairs.append((worker, recorder))
    reply({"ready": True, "pid": os.getpid()})
    start_ms = None
    for line in sys.stdin:
        command = line.strip()
        if command == "start":
            start_ms = clock.now_ms()
            for worker, _ in pairs:
                worker.start()
            reply({"start_ms": start_ms})
        elif command == "status":
            reply({"packets": [w.state.packets for w, _ in pairs],
                   "recording": sum(r.is_recording for _, r in pairs),
                   "connected": sum(w.state.connected for w, _ in pairs)})
        elif command == "stop":
            stop_ms = clock.now_ms()
            threads = [threading.Thread(target=w.stop) for w, _ in pairs]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            reply({"start_ms": start_ms, "stop_ms": stop_ms, "stopped_ms": clock.now_ms(),
                   "streams": [{"packets": w.state.packets, "sessions": w.state.sessions,
                                "last_error": w.state.last_error} for w, _ in pairs],
                   "slices": [{"camera_id": s.camera_id, "path": str(media.absolute(s.path)),
                               "start_ms": s.start_ms, "stop_ms": s.stop_ms} for s in slices],
                   "events": [{"camera_id": e.camera_id, "connected": e.connected, "detail": e.detail}
                              for e in events]})
            return 0
    return 1


def reply(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


class WorkerProcess:
    """The parent's handle on a camvault worker child."""

    def __init__(self, args: argparse.Namespace, url: str, streams: int, root: Path, log_path: Path) -> None:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--camvault-worker", "--url", url,
               "--streams", str(streams), "--slice-s", str(args.slice_s), "--root", str(root)]
        self._log = open(log_path, "wb")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log,
                                     text=True, bufsize=1, cwd=ROOT)
        self.ps = psutil.Process(self.proc.pid)
        first = self._read()
        assert first.get("ready"), first

    def ask(self, command: str) -> dict:
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return self._read()

    def _read(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"camvault worker exited (rc={self.proc.wait()}); see {self._log.name}")
        return json.loads(line)

    def close(self) -> None:
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()


# ---------------------------------------------------------------- measurement helpers

def cpu_s(procs: list[psutil.Process]) -> float:
    total = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
        except psutil.NoSuchProcess:
            pass
    return total


def rss(procs: list[psutil.Process]) -> int:
    return sum(_safe(lambda p=p: p.memory_info().rss) for p in procs)


def pss(procs: list[psutil.Process]) -> int:
    return sum(_safe(lambda p=p: p.memory_full_info().pss) for p in procs)


def _safe(fn) -> int:
    try:
        return fn()
    except psutil.NoSuchProcess:
        return 0


def ctx_switches(procs: list[psutil.Process]) -> int:
    """Voluntary + involuntary context switches of every thread of `procs` (psutil reads the main
    thread's only)."""
    total = 0
    for p in procs:
        for status in Path(f"/proc/{p.pid}/task").glob("*/status"):
            try:
                for line in status.read_text().splitlines():
                    if "ctxt_switches:" in line:
                        total += int(line.split()[1])
            except (OSError, ValueError):
                pass
    return total


def busy_s() -> float:
    t = psutil.cpu_times()
    return t.user + t.nice + t.system + t.irq + t.softirq + t.steal


def measure_window(procs: list[psutil.Process], server: list[psutil.Process], seconds: float,
                   on_edge=None) -> dict:
    """CPU and RSS (every second) and PSS (three times) of `procs` over `seconds`."""
    me = psutil.Process()
    edge0 = on_edge() if on_edge else None
    c0, s0, b0, m0, x0 = cpu_s(procs), cpu_s(server), busy_s(), cpu_s([me]), ctx_switches(procs)
    k0 = keeper_frames()
    t0 = time.monotonic()
    rss_samples, pss_samples = [], []
    pss_at = {round(seconds * f) for f in (0.25, 0.5, 0.75)}
    tick = 0
    while time.monotonic() - t0 < seconds:
        tick += 1
        time.sleep(max(0.0, t0 + tick - time.monotonic()))
        rss_samples.append(rss(procs))
        if tick in pss_at:
            pss_samples.append(pss(procs))
    elapsed = time.monotonic() - t0
    c1, s1, b1, m1, x1 = cpu_s(procs), cpu_s(server), busy_s(), cpu_s([me]), ctx_switches(procs)
    k1 = keeper_frames()
    edge1 = on_edge() if on_edge else None
    recorder, srv = c1 - c0, s1 - s0
    return {"window_s": elapsed, "cpu_s": recorder, "server_cpu_s": srv,
            "other_cpu_s": (b1 - b0) - recorder - srv - (m1 - m0),
            "machine_busy_pct": 100 * (b1 - b0) / elapsed / psutil.cpu_count(),
            "rss_mean": statistics.mean(rss_samples), "pss_mean": statistics.mean(pss_samples or [0]),
            "edges": (edge0, edge1), "ctx_switches_per_s": (x1 - x0) / elapsed,
            "source_fps": (k1 - k0) / elapsed,
            "threads": sum(_safe(lambda p=p: p.num_threads()) for p in procs),
            "alive": sum(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in procs)}


# ---------------------------------------------------------------- file analysis (after the run)

def analyse_file(path: Path) -> dict:
    """Packets, frames, duration, missing and incomplete frames of one MKV file (demux only).

    A frame is a timestamp slot: packets less than half a frame apart belong to one picture (ffmpeg
    writes a picture its RTSP demuxer split in two as two packets 1 ms apart). A frame is incomplete
    when it holds fewer H.264 slices (VCL NAL units) than the file's usual count: half a picture.
    """
    import av

    out = {"path": str(path), "packets": 0, "frames": 0, "keyframes": 0, "bytes": 0, "duration_s": 0.0,
           "span_s": 0.0, "missing_frames": 0, "non_monotonic": 0, "incomplete_frames": 0,
           "incomplete_keyframes": 0, "error": ""}
    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            tb = float(stream.time_base)
            h264 = stream.codec_context.name == "h264"
            length_size = nal_length_size(stream.codec_context.extradata)
            out["duration_s"] = (container.duration or 0) / 1e6
            first = last = last_end = None
            slots: list[list[int]] = []     # [slices, is keyframe] per frame
            for packet in container.demux(stream):
                if packet.pts is None:
                    continue
                out["packets"] += 1
                out["bytes"] += packet.size
                out["keyframes"] += packet.is_keyframe
                ms = packet.pts * tb * 1000
                step = None if last is None else ms - last
                if step is None or step >= FRAME_MS / 2:
                    out["frames"] += 1
                    slots.append([0, 0])
                slots[-1][0] += vcl_nal_count(bytes(packet), length_size) if h264 else 1
                slots[-1][1] |= packet.is_keyframe
                if step is not None and step <= 0:
                    out["non_monotonic"] += 1
                elif step is not None and step > 1.5 * FRAME_MS:
                    out["missing_frames"] += round(step / FRAME_MS) - 1
                first = ms if first is None else first
                last = ms
                dur_ms = packet.duration * tb * 1000 if packet.duration else FRAME_MS
                last_end = ms + dur_ms if last_end is None else max(last_end, ms + dur_ms)
            if first is not None:
                out["span_s"] = (last_end - first) / 1000
                out["first_ms"], out["end_ms"] = first, last_end
                usual = statistics.mode(n for n, _ in slots)
                out["slices_per_frame"] = usual
                out["incomplete_frames"] = sum(n < usual for n, _ in slots)
                out["incomplete_keyframes"] = sum(n < usual for n, key in slots if key)
    except (av.error.FFmpegError, OSError, IndexError) as exc:
        out["error"] = f"{type(exc).__name__}: {exc}"
    return out


def nal_length_size(extradata: bytes | None) -> int:
    """NAL length prefix size of avcC extradata; 0 for Annex B (start codes)."""
    if extradata and len(extradata) > 4 and extradata[0] == 1:
        return (extradata[4] & 3) + 1
    return 0


def vcl_nal_count(data: bytes, length_size: int) -> int:
    """H.264 coded slices (NAL types 1 and 5) in one packet."""
    if not length_size:
        return sum(1 for part in data.split(b"\x00\x00\x01")[1:] if part and part[0] & 0x1F in (1, 5))
    count, i = 0, 0
    while i + length_size < len(data):
        size = int.from_bytes(data[i:i + length_size], "big")
        count += data[i + length_size] & 0x1F in (1, 5)
        i += length_size + size
    return count


def summarise(streams: list[dict], expected_s: list[float]) -> dict:
    """Aggregate per-stream file analyses; `expected_s` is each stream's wall-clock run."""
    per = []
    for files, gaps, exp in zip((s["files"] for s in streams), (s["gaps_s"] for s in streams), expected_s):
        rec = sum(f["duration_s"] for f in files)
        per.append({"files": len(files), "packets": sum(f["packets"] for f in files),
                    "frames": sum(f["frames"] for f in files), "bytes": sum(f["bytes"] for f in files),
                    "recorded_s": rec,
                    "missing_frames": sum(f["missing_frames"] for f in files),
                    "non_monotonic": sum(f["non_monotonic"] for f in files),
                    "incomplete_frames": sum(f["incomplete_frames"] for f in files),
                    "incomplete_keyframes": sum(f["incomplete_keyframes"] for f in files),
                    "errors": sum(bool(f["error"]) for f in files), "gaps_s": gaps,
                    "expected_s": exp, "head_s": exp - rec - gaps})

    def spread(key: str) -> tuple[float, float, float]:
        values = [p[key] for p in per] or [0]
        return min(values), statistics.mean(values), max(values)

    total_rec = sum(p["recorded_s"] for p in per)
    return {"streams": len(per), "recorded_s_total": total_rec, "expected_s_total": sum(expected_s),
            "packets_total": sum(p["packets"] for p in per), "frames_total": sum(p["frames"] for p in per),
            "fps_in_files": sum(p["frames"] for p in per) / total_rec if total_rec else 0,
            "mbps_in_files": sum(p["bytes"] for p in per) * 8 / 1e6 / total_rec if total_rec else 0,
            "packets": spread("packets"), "frames": spread("frames"), "recorded_s": spread("recorded_s"),
            "head_s": spread("head_s"),
            "files": spread("files"), "missing_frames": sum(p["missing_frames"] for p in per),
            "non_monotonic": sum(p["non_monotonic"] for p in per), "gaps_s": sum(p["gaps_s"] for p in per),
            "incomplete_frames": sum(p["incomplete_frames"] for p in per),
            "incomplete_keyframes": sum(p["incomplete_keyframes"] for p in per),
            "keyframes_total": sum(f["keyframes"] for s in streams for f in s["files"]),
            "file_errors": sum(p["errors"] for p in per), "empty_streams": sum(p["files"] == 0 for p in per)}


# ---------------------------------------------------------------- (a) camvault

def run_camvault(args: argparse.Namespace, url: str, server: list[psutil.Process], work: Path) -> dict:
    n = args.streams
    work.mkdir(parents=True, exist_ok=True)
    print("[camvault] idle baseline (worker with 0 streams)", flush=True)
    idle = WorkerProcess(args, url, 0, work / "cv-idle", work / "cv-idle.log")
    idle.ask("start")
    time.sleep(2)
    samples = []
    for _ in range(3):
        time.sleep(1)
        samples.append(rss([idle.ps]))
    base_rss = statistics.mean(samples)
    base_pss = pss([idle.ps])
    idle.ask("stop")
    idle.close()

    print(f"[camvault] {n} streams", flush=True)
    root = work / "cv-media"
    worker = WorkerProcess(args, url, n, root, work / "cv-worker.log")
    launched = time.time()
    worker.ask("start")
    ready_s = wait_until(lambda: worker.ask("status")["recording"] >= n, args.warmup_timeout_s)
    status = worker.ask("status")
    print(f"[camvault] recording {status['recording']}/{n} after {ready_s:.1f} s; settling", flush=True)
    if status["recording"] == 0:
        worker.ask("stop")
        worker.close()
        raise RuntimeError(f"no stream recording; see {work / 'cv-worker.log'} and {work / 'server.log'}")
    time.sleep(args.settle_s)
    window = measure_window([worker.ps], server, args.seconds, on_edge=lambda: worker.ask("status")["packets"])
    final = worker.ask("stop")
    worker.close()
    stop_s = final["stop_ms"] / 1000

    by_cam: dict[int, list[dict]] = {i + 1: [] for i in range(n)}
    for s in final["slices"]:
        by_cam[s["camera_id"]].append(s)
    streams, precise_expected = [], []
    for cam in range(1, n + 1):
        slices = sorted(by_cam[cam], key=lambda s: s["start_ms"])
        gaps = sum(max(0, b["start_ms"] - a["stop_ms"]) for a, b in zip(slices, slices[1:])) / 1000
        streams.append({"files": [analyse_file(Path(s["path"])) for s in slices], "gaps_s": gaps})
        precise_expected.append(stop_s - slices[0]["start_ms"] / 1000 if slices else 0)
    p0, p1 = window["edges"]
    rates = [(b - a) / window["window_s"] for a, b in zip(p0, p1)]
    summary = summarise(streams, [stop_s - final["start_ms"] / 1000] * n)
    rec_vs_first_key = [sum(f["duration_s"] for f in s["files"]) - e for s, e in zip(streams, precise_expected)]
    received = [s["packets"] for s in final["streams"]]
    written = [sum(f["packets"] for f in s["files"]) for s in streams]
    leftovers = [str(p) for p in root.rglob("*.part")]
    return {"name": "camvault", "n": n, "window": {k: v for k, v in window.items() if k != "edges"},
            "ready_s": ready_s, "launch_to_start_s": final["start_ms"] / 1000 - launched,
            "stop_duration_s": (final["stopped_ms"] - final["stop_ms"]) / 1000,
            "baseline_rss": base_rss, "baseline_pss": base_pss,
            "rss_per_stream_mb": (window["rss_mean"] - base_rss) / n / MB,
            "pss_per_stream_mb": (window["pss_mean"] - base_pss) / n / MB,
            "cpu_per_stream_s": window["cpu_s"] / (n * window["window_s"]),
            "window_fps": (min(rates), statistics.mean(rates), max(rates)),
            "received_minus_written": (min(r - w for r, w in zip(received, written)),
                                       max(r - w for r, w in zip(received, written))),
            "recorded_minus_since_first_key_s": (min(rec_vs_first_key), max(rec_vs_first_key)),
            "sessions_max": max((s["sessions"] for s in final["streams"]), default=0),
            "disconnects": sum(not e["connected"] and e["detail"] != "stopped" for e in final["events"]),
            "disconnect_reasons": sorted({e["detail"] for e in final["events"]
                                          if not e["connected"] and e["detail"] != "stopped"})[:5],
            "leftover_parts": len(leftovers), "summary": summary}


# ---------------------------------------------------------------- (b) ffmpeg CLI

def run_ffmpeg(args: argparse.Namespace, url: str, server: list[psutil.Process], work: Path) -> dict:
    n = args.streams
    print(f"[ffmpeg] {n} processes", flush=True)
    dirs = [work / "ff" / f"{i:03d}" for i in range(n)]
    procs, logs, launched = [], [], []
    for d in dirs:
        d.mkdir(parents=True)
        cmd = [args.ffmpeg, "-nostdin", "-hide_banner", "-nostats", "-loglevel", "warning",
               "-rtsp_transport", "tcp", "-i", url, "-c", "copy", "-f", "segment",
               "-segment_time", str(args.slice_s), "-reset_timestamps", "1",
               "-segment_list", str(d / "list.csv"), "-segment_list_type", "csv", str(d / "out%03d.mkv")]
        log = open(d / "ffmpeg.log", "wb")
        launched.append(time.time())
        procs.append(subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log))
        logs.append(log)
    ps = [psutil.Process(p.pid) for p in procs]
    t0 = time.monotonic()
    ready_s = wait_until(lambda: all((d / "out000.mkv").exists() for d in dirs), args.warmup_timeout_s)
    started = sum((d / "out000.mkv").exists() for d in dirs)
    print(f"[ffmpeg] {started}/{n} writing after {ready_s:.1f} s; settling", flush=True)
    if started == 0:
        for p in procs:
            p.kill()
            p.wait()
        raise RuntimeError(f"no ffmpeg writing; see {work / 'ff'} and {work / 'server.log'}")
    time.sleep(args.settle_s)
    window = measure_window(ps, server, args.seconds)
    stop_at = time.time()
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGINT)
    rcs = []
    for p in procs:
        try:
            rcs.append(p.wait(30))
        except subprocess.TimeoutExpired:
            p.kill()
            rcs.append(p.wait())
    stop_duration = time.time() - stop_at
    for log in logs:
        log.close()

    streams = []
    for d in dirs:
        files = [analyse_file(f) for f in sorted(d.glob("out*.mkv"))]
        streams.append({"files": files, "gaps_s": segment_gaps(d / "list.csv", files)})
    warnings = [unexpected_warnings((d / "ffmpeg.log").read_text(errors="replace")) for d in dirs]
    return {"name": "ffmpeg", "n": n, "window": window, "ready_s": ready_s,
            "stop_duration_s": stop_duration, "exit_codes": sorted(set(rcs)),
            "rss_per_stream_mb": window["rss_mean"] / n / MB, "pss_per_stream_mb": window["pss_mean"] / n / MB,
            "cpu_per_stream_s": window["cpu_s"] / (n * window["window_s"]),
            "streams_with_warnings": sum(bool(w) for w in warnings),
            "warning_sample": next((w[:500] for w in warnings if w), ""),
            "summary": summarise(streams, [stop_at - t for t in launched]), "warmup_wall_s": time.monotonic() - t0}


EXPECTED_WARNINGS = ("Timestamps are unset in a packet", "Non-monotonous DTS", "Exiting normally")


def unexpected_warnings(log: str) -> str:
    """ffmpeg's log without the two warnings it prints at every GOP of this source (the timestamp-less
    AUD+SPS+PPS+SEI packet before each IDR) and its exit message."""
    return "\n".join(line for line in log.splitlines() if line.strip() and not any(w in line for w in EXPECTED_WARNINGS))


def segment_gaps(list_csv: Path, files: list[dict]) -> float:
    """Seconds of a segment's listed time range that its file does not cover (drops at the cut points)."""
    if not list_csv.exists():
        return 0.0
    rows = {r[0]: (float(r[1]), float(r[2])) for r in csv.reader(list_csv.open()) if len(r) >= 3}
    gaps = 0.0
    for f in files[:-1]:   # the last segment's end is where the recording stopped
        listed = rows.get(Path(f["path"]).name)
        if listed and f["span_s"]:
            gaps += max(0.0, (listed[1] - listed[0]) - f["span_s"] - FRAME_MS / 1000)
    return gaps


# ---------------------------------------------------------------- orchestration and report

def wait_until(predicate, timeout_s: float) -> float:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout_s:
        if predicate():
            break
        time.sleep(0.5)
    return time.monotonic() - t0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, pattern: str, log_path: Path) -> subprocess.Popen:
    cmd = [SYSTEM_PYTHON, str(SERVER_SCRIPT), "--pattern", pattern, "--port", str(port), "--path", "/cam", "--width", str(WIDTH), "--height", str(HEIGHT),
            "--fps", str(FPS), "--bitrate-kbps", str(KBPS), "--gop", str(GOP)]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=open(log_path, "wb"), text=True)
    line = proc.stdout.readline()
    if "READY" not in line:
        proc.kill()
        raise RuntimeError(f"GStreamer RTSP server did not start: {line!r}; see {log_path}")
    return proc


def start_keeper(ffmpeg: str, url: str, log_path: Path, timeout_s: float = 20) -> subprocess.Popen:
    """One client that stays connected for the whole benchmark (`-f null`), so the server's shared media
    is prepared before the recorders connect and is not torn down between (a) and (b). Without it,
    gst-rtsp-server 1.22 aborts (`gst_rtsp_media_get_rates: assertion failed`) when 32 clients
    connect at once to a media that is still being prepared."""
    log = open(log_path, "wb")
    proc = subprocess.Popen([ffmpeg, "-nostdin", "-hide_banner", "-nostats", "-progress", str(KEEPER_PROGRESS),
                             "-stats_period", "1", "-rtsp_transport", "tcp", "-i", url,
                             "-c", "copy", "-f", "null", "-"], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + timeout_s
    while b"Stream mapping" not in log_path.read_bytes():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"keeper client did not start; see {log_path}")
        time.sleep(0.2)
    time.sleep(1)
    return proc


def keeper_frames() -> int:
    """Frames the keeper client has received so far (from its -progress file): what the server sent."""
    try:
        lines = KEEPER_PROGRESS.read_text().splitlines()
    except OSError:
        return 0
    return next((int(line[6:]) for line in reversed(lines) if line.startswith("frame=")), 0)


def check_alive(procs: dict[str, subprocess.Popen], work: Path) -> None:
    for name, proc in procs.items():
        if proc.poll() is not None:
            raise RuntimeError(f"the {name} exited (rc={proc.returncode}); see {work}/server.log and keeper.log")


RECORDING_PATH = {f"camvault/{f}" for f in (
    "video/ingest.py", "video/recorder.py", "video/sources/rtsp.py", "video/sources/demuxed.py",
    "video/sources/base.py", "video/sources/__init__.py", "store/media.py", "core/slicing.py",
    "core/slicename.py", "core/clock.py", "core/backoff.py", "core/model.py", "core/reconcile.py")}


def code_state() -> dict:
    """Which camvault code ran: the commit, and a digest of uncommitted changes under camvault/."""
    def git(*a: str) -> str:
        return subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True).stdout

    import hashlib

    diff = git("diff", "HEAD", "--", "camvault")
    untracked = git("ls-files", "--others", "--exclude-standard", "--", "camvault").split()
    digest = hashlib.sha256(diff.encode() + b"".join((ROOT / f).read_bytes() for f in untracked)).hexdigest()
    changed = git("diff", "HEAD", "--name-only", "--", "camvault").split() + untracked
    return {"commit": git("rev-parse", "--short", "HEAD").strip(), "changed": changed,
            "uncommitted_sha256": digest[:12] if changed else ""}


def report(results: list[dict], args: argparse.Namespace) -> None:
    print(f"\nN={args.streams} streams 1080p25 x264 {KBPS} kbit/s target, pattern {args.pattern}, "
          f"window T={args.seconds} s, slices {args.slice_s} s")
    head = (f"{'recorder':9} {'CPU s/stream-s':>14} {'%core/stream':>12} {'RSS MB/str':>10} {'PSS MB/str':>10} "
            f"{'server %core':>12} {'other %core':>11} {'machine busy':>12} {'ctx sw/frame':>12} {'source fps':>10}")
    print(head)
    for r in results:
        w = r["window"]
        print(f"{r['label']:9} {r['cpu_per_stream_s']:14.5f} {100 * r['cpu_per_stream_s']:12.3f} "
              f"{r['rss_per_stream_mb']:10.2f} {r['pss_per_stream_mb']:10.2f} "
              f"{100 * w['server_cpu_s'] / w['window_s']:12.1f} {100 * w['other_cpu_s'] / w['window_s']:11.1f} "
              f"{w['machine_busy_pct']:11.1f}% {w['ctx_switches_per_s'] / r['n'] / FPS:12.2f} "
              f"{w['source_fps']:10.2f}")
    print(f"\n{'recorder':9} {'streams':>7} {'frames/stream min/mean/max':>27} {'recorded s/stream min/mean/max':>31} "
          f"{'head s min/max':>15} {'missing fr':>10} {'half fr':>7} {'gaps s':>7} {'fps':>6} {'Mbit/s':>6} {'empty':>5}")
    for r in results:
        s = r["summary"]
        print(f"{r['label']:9} {s['streams']:7d} {'%d/%.1f/%d' % s['frames']:>27} "
              f"{'%.2f/%.2f/%.2f' % s['recorded_s']:>31} {'%.2f/%.2f' % (s['head_s'][0], s['head_s'][2]):>15} "
              f"{s['missing_frames']:10d} {s['incomplete_frames']:7d} {s['gaps_s']:7.2f} {s['fps_in_files']:6.2f} {s['mbps_in_files']:6.2f} "
              f"{s['empty_streams']:5d}")
    for r in results:
        extra = {k: v for k, v in r.items() if k not in ("window", "summary", "name")}
        print(f"{r['label']} details: {json.dumps(extra, default=str)}")
    ratios = []
    for rep in sorted({r["rep"] for r in results}):
        by = {r["name"]: r for r in results if r["rep"] == rep}
        if "camvault" in by and "ffmpeg" in by and by["ffmpeg"]["cpu_per_stream_s"]:
            c, f = by["camvault"], by["ffmpeg"]
            ratios.append([c[k] / f[k] for k in ("cpu_per_stream_s", "rss_per_stream_mb", "pss_per_stream_mb")])
            print(f"\nratio camvault/ffmpeg (run {rep}): CPU {ratios[-1][0]:.2f}  RSS {ratios[-1][1]:.2f}  "
                  f"PSS {ratios[-1][2]:.2f}   (target: CPU <= 0.9)")
    if len(ratios) > 1:
        med = [statistics.median(r[i] for r in ratios) for i in range(3)]
        cpu = {name: statistics.median(r["cpu_per_stream_s"] for r in results if r["name"] == name)
               for name in ("camvault", "ffmpeg")}
        print(f"median of {len(ratios)} runs: camvault {100 * cpu['camvault']:.3f} %core/stream, ffmpeg "
              f"{100 * cpu['ffmpeg']:.3f} %core/stream; ratio CPU {med[0]:.2f}  RSS {med[1]:.2f}  PSS {med[2]:.2f}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--streams", type=int, default=32, help="concurrent streams N")
    parser.add_argument("--seconds", type=float, default=60, help="measurement window T (after warm-up)")
    parser.add_argument("--slice-s", type=int, default=20, help="slice / segment length in seconds")
    parser.add_argument("--only", choices=("camvault", "ffmpeg"), help="run one recorder only")
    parser.add_argument("--pattern", default="smpte",
                        help="GStreamer videotestsrc pattern served (ball = the server script's own, ~0.2 Mbit/s)")
    parser.add_argument("--repeat", type=int, default=1, help="run (a) then (b) this many times")
    parser.add_argument("--settle-s", type=float, default=5, help="wait after warm-up before measuring")
    parser.add_argument("--warmup-timeout-s", type=float, default=90)
    parser.add_argument("--ffmpeg", default=shutil.which("ffmpeg") or "ffmpeg")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--keep", action="store_true", help="keep the recorded files")
    parser.add_argument("--camvault-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--root", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main() -> int:
    args = parse_args()
    if args.camvault_worker:
        return camvault_worker(args)
    import av

    work = Path(tempfile.mkdtemp(prefix="camvault-bench-record-"))
    port = free_port()
    server = start_server(port, args.pattern, work / "server.log")
    url = f"rtsp://127.0.0.1:{port}/cam"
    ffmpeg_version = subprocess.run([args.ffmpeg, "-version"], capture_output=True, text=True).stdout.split("\n")[0]
    print(f"work dir {work}; server {url}; PyAV {av.__version__} (FFmpeg libavformat "
          f"{'.'.join(map(str, av.library_versions['libavformat']))}); {ffmpeg_version}; "
          f"{psutil.cpu_count()} CPUs", flush=True)
    state = code_state()
    on_path = [f for f in state["changed"] if f in RECORDING_PATH]
    print(f"camvault code: commit {state['commit']}" + (f", {len(state['changed'])} uncommitted files "
          f"(digest {state['uncommitted_sha256']}), on the recording path: {', '.join(on_path) or 'none'}"
          if state["changed"] else ""), flush=True)
    print(f"machine busy before the run: {psutil.cpu_percent(3):.0f}%", flush=True)
    results, failed, keeper = [], True, None
    try:
        keeper = start_keeper(args.ffmpeg, url, work / "keeper.log")
        sides = {"RTSP server": server, "keeper client": keeper}
        sp = [psutil.Process(server.pid), psutil.Process(keeper.pid)]
        for rep in range(1, args.repeat + 1):
            if args.only in (None, "camvault"):
                results.append(run_camvault(args, url, sp, work / f"run{rep}") | {"rep": rep})
                check_alive(sides, work)
            if args.only in (None, "ffmpeg"):
                time.sleep(3)
                results.append(run_ffmpeg(args, url, sp, work / f"run{rep}") | {"rep": rep})
                check_alive(sides, work)
            if not args.keep:
                shutil.rmtree(work / f"run{rep}", ignore_errors=True)
        for r in results:
            r["label"] = r["name"] + (f"#{r['rep']}" if args.repeat > 1 else "")
        failed = False
    finally:
        for proc in (keeper, server):
            if proc is None:
                continue
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        KEEPER_PROGRESS.unlink(missing_ok=True)
        if failed:
            print(f"kept {work} for diagnosis", flush=True)
        elif not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    report(results, args)
    if args.json:
        args.json.write_text(json.dumps({"args": {k: str(v) for k, v in vars(args).items()},
                                         "pyav": av.__version__, "ffmpeg": ffmpeg_version, "code": state,
                                         "results": results}, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
