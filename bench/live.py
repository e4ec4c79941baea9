"""Live-video benchmark: camvault's RTSP fan-out, MJPEG fan-out and time to first frame, in one run.

What it measures
    One GStreamer RTSP server (tests/support/gst_rtsp_server.py under Debian's python3, shared media,
    x264 1280x720 25 fps 2000 kbit/s, GOP 50, pattern `smpte` so the bitrate holds) is the camera of
    one real camvault server process (`python -m camvault run`, a YAML config in a temporary
    directory, env CAMVAULT_CONFIG / _DATA_DIR / _HTTP_PORT / _RTSP_PORT / _ADMIN_PASSWORD). Camera 1
    has the default stream 1.1 with every role: camvault ingests it, records it continuously and fans
    it out; it encodes nothing for RTSP.
    (1) RTSP fan-out of `rtsp://admin:PW@127.0.0.1:RTSPPORT/live/view/1.1`: the camvault process's
        CPU with 0 clients, with 1 client (a real ffmpeg: `ffmpeg -rtsp_transport tcp -i URL -c copy
        -f null -` with -progress, which proves frames arrive at the source rate), then with 100
        clients (that ffmpeg plus 99 raw readers). Reference, the plain tool doing the same job: the
        GStreamer server's own CPU serving 1 vs 100 clients of its URL the same way (it also encodes,
        and feeds camvault throughout, so its marginal cost per client is printed too).
    (2) MJPEG fan-out of `GET http://127.0.0.1:HTTPPORT/live/view/1.1?user=admin&pass=PW`
        (multipart/x-mixed-replace): camvault's CPU with 1 viewer, then 50 viewers (no RTSP client).
    (3) Time to first frame, each `--ttff-repeat` times, one at a time: RTSP raw client (TCP connect
        -> last RTP packet of the first complete access unit holding an IDR slice; also how far that
        keyframe was behind live, against the live frames of the next second), ffprobe (process
        start -> its first decoded frame on stdout, so it includes ffprobe's own start, printed apart),
        both also against the GStreamer URL; MJPEG (TCP connect -> last byte of the first complete
        JPEG) cold (no other viewer and the decoder pipeline stopped: the bench waits for camvault's
        "pipeline ... stopped" log line) and warm (one other viewer connected).

Clients
    The raw RTSP readers and the MJPEG viewers run in ONE child process (this script with
    `--client-worker`, asyncio on uvloop) so that client CPU stays small next to the server on a
    2-core machine. An RTSP reader does DESCRIBE / SETUP (RTP/AVP/TCP interleaved) / PLAY with Basic
    auth, sends GET_PARAMETER every 20 s, and counts RTP packets, bytes, access units (marker bit),
    incomplete ones (RTP sequence gaps, or a first unit that does not start at a picture start),
    frames missing by RTP timestamp (steps over 1.5 frame intervals) and its lag: how far its RTP
    clock fell behind the wall clock since its best moment. An MJPEG viewer sends a browser-style
    HTTP/1.1 GET, undoes chunked transfer, splits parts by Content-Length, checks each JPEG's SOI/EOI
    markers and decodes the first of each viewer and every 100th with Pillow.
    A client "fell behind" when, over the window, it received under 95 % of the source frame rate,
    lost frames by timestamp or sequence, or its lag grew by more than 0.5 s.

How
    Windows of `--seconds` T, each after `--settle-s` of settling once its clients are connected.
    The raw RTSP readers connect `--connect-gap-ms` apart (50 ms: 99 readers in 5 s): GStreamer's
    server, given 99 connects at once, takes ~14 s to serve them all and leaves the first ones up to
    14 s behind live for good, which is not what a fan-out comparison should measure. The MJPEG
    viewers connect at once.
    CPU: user+sys of the measured server process only (psutil; children excluded), per second of
    window (100 = one core); camvault's is also split by thread (per-thread times from /proc, named
    by `py-spy dump` after the window; threads Python does not know, such as FFmpeg's decoding
    threads, are "native"). "other" is the machine's busy time in the window minus camvault, the
    GStreamer server, the client process, the ffmpeg client and this script: other programs on a
    shared machine show up there. `--profile DIR` adds a py-spy recording (Python stacks) and, if
    perf is installed, a perf recording (kernel and libraries) of camvault, each `--seconds` long,
    after the measured windows (never during one), with 100 RTSP clients and with 50 MJPEG viewers,
    summarised by thread, function, binary and symbol. At the end every process started is stopped
    and the process table is checked for leftovers.

Usage (from the repository root)
    .venv/bin/python bench/live.py
    .venv/bin/python bench/live.py --seconds 30 --json /tmp/live.json --profile /tmp/live-prof
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import collections
import hashlib
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
GST_SCRIPT = ROOT / "tests" / "support" / "gst_rtsp_server.py"
SYSTEM_PYTHON = "/usr/bin/python3"
WIDTH, HEIGHT, FPS, KBPS, GOP = 1280, 720, 25, 2000, 50
RTP_CLOCK = 90000
KEEPALIVE_S = 20
BEHIND_FPS_SHARE, BEHIND_LAG_S = 0.95, 0.5
PILLOW_EVERY = 100


# ================================================================ client worker (child process)

class RtspReader:
    """One raw RTSP client on the client worker's loop (see the module docstring)."""

    def __init__(self, url: str, fps: float) -> None:
        parts = urllib.parse.urlsplit(url)
        self.host, self.port = parts.hostname, parts.port or 554
        self.url = urllib.parse.urlunsplit((parts.scheme, f"{self.host}:{self.port}", parts.path, parts.query, ""))
        self.auth = ("Basic " + base64.b64encode(f"{urllib.parse.unquote(parts.username)}:"
                                                 f"{urllib.parse.unquote(parts.password or '')}".encode()).decode()
                     if parts.username else "")
        self.interval = RTP_CLOCK / fps
        self.cseq = 0
        self.writer: asyncio.StreamWriter | None = None
        self.session = ""
        self.t0 = self.t_described = self.t_played = self.t_first_rtp = self.t_first_key = None
        self.error = ""
        self.bytes = self.packets = self.frames = self.keyframes = self.incomplete = 0
        self.missing = self.seq_gaps = 0
        self._seq: int | None = None
        self._last_ts: int | None = None
        self.media_ticks = 0                   # unwrapped RTP time since the first access unit
        self.offset_min = self.offset_last = self.first_key_offset = None
        self._au_packets, self._au_clean, self._au_idr = 0, True, False
        self._early = bytearray()

    async def run(self) -> None:
        try:
            self.t0 = time.monotonic()
            reader, self.writer = await asyncio.open_connection(self.host, self.port, limit=1 << 20)
            headers, body = await self._request(reader, "DESCRIBE", self.url, {"Accept": "application/sdp"})
            self.t_described = time.monotonic()
            base = headers.get("content-base", self.url).rstrip("/")
            control = next((line[10:].strip() for line in body.decode(errors="replace").splitlines()
                            if line.startswith("a=control:") and line.strip() != "a=control:*"), "")
            track = control if control.startswith("rtsp://") else f"{base}/{control}" if control else base
            headers, _ = await self._request(reader, "SETUP", track,
                                             {"Transport": "RTP/AVP/TCP;unicast;interleaved=0-1"})
            self.session = headers["session"].split(";")[0].strip()
            await self._request(reader, "PLAY", base, {"Session": self.session, "Range": "npt=0.000-"})
            self.t_played = time.monotonic()
            await self._read_media(reader)
        except asyncio.CancelledError:
            raise
        except Exception as exc:            # noqa: BLE001 - reported per client
            self.error = f"{type(exc).__name__}: {exc}"[:200]
        finally:
            if self.writer is not None:
                self.writer.close()

    def _send(self, method: str, url: str, headers: dict[str, str]) -> None:
        self.cseq += 1
        lines = [f"{method} {url} RTSP/1.0", f"CSeq: {self.cseq}", "User-Agent: camvault-bench-live"]
        if self.auth:
            lines.append(f"Authorization: {self.auth}")
        lines += [f"{k}: {v}" for k, v in headers.items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())

    async def _request(self, reader: asyncio.StreamReader, method: str, url: str,
                       headers: dict[str, str]) -> tuple[dict[str, str], bytes]:
        self._send(method, url, headers)
        while (first := await reader.readexactly(1)) == b"$":     # media before the answer (GStreamer's
            size = await reader.readexactly(3)                     # PLAY): kept for the media parser
            self._early += first + size + await reader.readexactly(int.from_bytes(size[1:], "big"))
        head = (first + await reader.readuntil(b"\r\n\r\n")).decode(errors="replace").split("\r\n")
        status = head[0].split(" ", 2)
        fields = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in head[1:] if line)}
        body = await reader.readexactly(int(fields.get("content-length", "0")))
        if len(status) < 2 or status[1] != "200":
            raise RuntimeError(f"{method} answered {head[0]!r}")
        return fields, body

    async def _read_media(self, reader: asyncio.StreamReader) -> None:
        buf, self._early = self._early, bytearray()
        self.bytes += len(buf)
        del buf[:self._parse(buf)]
        keepalive_at = time.monotonic() + KEEPALIVE_S
        while True:
            chunk = await reader.read(1 << 18)
            if not chunk:
                raise ConnectionError("the server closed the connection")
            self.bytes += len(chunk)
            buf += chunk
            del buf[:self._parse(buf)]
            if time.monotonic() > keepalive_at:
                keepalive_at += KEEPALIVE_S
                self._send("GET_PARAMETER", self.url, {"Session": self.session})

    def _parse(self, buf: bytearray) -> int:
        """Consume the complete interleaved frames (and keep-alive answers) at the start of `buf`."""
        n, pos, now = len(buf), 0, time.monotonic()
        while pos < n:
            if buf[pos] == 0x24:                                    # "$": interleaved frame
                if pos + 4 > n:
                    break
                end = pos + 4 + ((buf[pos + 2] << 8) | buf[pos + 3])
                if end > n:
                    break
                if buf[pos + 1] == 0:
                    self._rtp(buf, pos + 4, end, now)
                pos = end
            elif buf[pos] == 0x52:                                  # "R": an RTSP answer
                head_end = buf.find(b"\r\n\r\n", pos)
                if head_end < 0:
                    break
                length = re.search(rb"(?i)content-length:\s*(\d+)", bytes(buf[pos:head_end]))
                end = head_end + 4 + (int(length[1]) if length else 0)
                if end > n:
                    break
                pos = end
            else:
                raise ValueError(f"unexpected byte {buf[pos]:#04x} in the interleaved stream")
        return pos

    def _rtp(self, buf: bytearray, start: int, end: int, now: float) -> None:
        self.packets += 1
        if self.t_first_rtp is None:
            self.t_first_rtp = now
        b0 = buf[start]
        seq = (buf[start + 2] << 8) | buf[start + 3]
        if self._seq is not None and seq != (self._seq + 1) & 0xFFFF:
            self.seq_gaps += 1
            self._au_clean = False
        self._seq = seq
        p = start + 12 + 4 * (b0 & 0x0F)
        if b0 & 0x10:
            p += 4 + 4 * ((buf[p + 2] << 8) | buf[p + 3])
        if p < end:
            self._nal(buf, p, end)
        if buf[start + 1] & 0x80:
            self._access_unit_end(int.from_bytes(buf[start + 4:start + 8], "big"), now)

    def _nal(self, buf: bytearray, p: int, end: int) -> None:
        """Note an RTP payload (RFC 6184): IDR slices, and whether a connection's first unit starts
        at a picture start (AUD/SEI/SPS/PPS, or a slice with first_mb_in_slice 0)."""
        kind = buf[p] & 0x1F
        first = self._au_packets == 0
        self._au_packets += 1
        if kind == 28 and p + 2 < end:                              # FU-A
            inner = buf[p + 1] & 0x1F
            self._au_idr |= inner == 5
            if first and self.frames == 0:
                self._au_clean = bool(buf[p + 1] & 0x80) and (inner not in (1, 5) or bool(buf[p + 2] & 0x80))
        elif kind == 24:                                            # STAP-A
            q = p + 1
            while q + 3 <= end:
                self._au_idr |= buf[q + 2] & 0x1F == 5
                q += 2 + ((buf[q] << 8) | buf[q + 1])
        else:
            self._au_idr |= kind == 5
            if first and self.frames == 0:
                self._au_clean = kind in (6, 7, 8, 9) or (kind in (1, 5) and p + 1 < end and bool(buf[p + 1] & 0x80))

    def _access_unit_end(self, ts: int, now: float) -> None:
        self.frames += 1
        if not self._au_clean:
            self.incomplete += 1
        if self._au_idr:
            self.keyframes += 1
            if self._au_clean and self.t_first_key is None:
                self.t_first_key = now
                self.first_key_offset = now - self.media_ticks / RTP_CLOCK
        if self._last_ts is not None:
            step = (ts - self._last_ts) & 0xFFFFFFFF
            step = step - (1 << 32) if step >= 1 << 31 else step
            self.media_ticks += step
            if step > 1.5 * self.interval:
                self.missing += round(step / self.interval) - 1
        self._last_ts = ts
        offset = now - self.media_ticks / RTP_CLOCK
        self.offset_min = offset if self.offset_min is None else min(self.offset_min, offset)
        self.offset_last = offset
        self._au_packets, self._au_clean, self._au_idr = 0, True, False

    def stats(self) -> dict:
        return {"frames": self.frames, "bytes": self.bytes, "packets": self.packets, "keyframes": self.keyframes,
                "incomplete": self.incomplete, "missing": self.missing, "seq_gaps": self.seq_gaps,
                "media_s": self.media_ticks / RTP_CLOCK, "playing": self.t_played is not None,
                "lag_s": (self.offset_last - self.offset_min) if self.offset_min is not None else None,
                "error": self.error}

    def timings(self) -> dict:
        def since(t):
            return None if t is None or self.t0 is None else t - self.t0
        return {"described_s": since(self.t_described), "played_s": since(self.t_played),
                "first_rtp_s": since(self.t_first_rtp), "first_key_s": since(self.t_first_key), "error": self.error,
                "first_key_age_s": None if self.first_key_offset is None else self.first_key_offset - self.offset_min}


class MjpegReader:
    """One browser-style MJPEG viewer on the client worker's loop (see the module docstring)."""

    def __init__(self, url: str, check_every: int = PILLOW_EVERY) -> None:
        parts = urllib.parse.urlsplit(url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.target = parts.path + (f"?{parts.query}" if parts.query else "")
        self.check_every = check_every
        self.t0 = self.t_headers = self.t_first_jpeg = None
        self.error = ""
        self.bytes = self.jpegs = self.bad_markers = self.checked = self.decoded = 0
        self.sizes: set[tuple[int, int]] = set()
        self.decode_error = ""
        self.content_type = ""
        self.writer: asyncio.StreamWriter | None = None

    async def run(self) -> None:
        try:
            self.t0 = time.monotonic()
            reader, self.writer = await asyncio.open_connection(self.host, self.port, limit=1 << 20)
            self.writer.write(f"GET {self.target} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                              f"User-Agent: camvault-bench-live\r\nAccept: */*\r\n\r\n".encode())
            head = (await reader.readuntil(b"\r\n\r\n")).decode(errors="replace").split("\r\n")
            fields = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in head[1:] if line)}
            self.t_headers = time.monotonic()
            self.content_type = fields.get("content-type", "")
            if head[0].split(" ")[1:2] != ["200"] or not self.content_type.startswith("multipart/x-mixed-replace"):
                raise RuntimeError(f"answer {head[0]!r}, content type {self.content_type!r}")
            boundary = b"--" + self.content_type.split("boundary=", 1)[1].strip().strip('"').encode()
            await self._read_parts(reader, boundary, fields.get("transfer-encoding", "").lower() == "chunked")
        except asyncio.CancelledError:
            raise
        except Exception as exc:            # noqa: BLE001 - reported per viewer
            self.error = f"{type(exc).__name__}: {exc}"[:200]
        finally:
            if self.writer is not None:
                self.writer.close()

    async def _read_parts(self, reader: asyncio.StreamReader, boundary: bytes, chunked: bool) -> None:
        buf = bytearray()
        while True:
            if chunked:
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    raise ConnectionError("the answer ended")
                data = await reader.readexactly(size + 2)
                buf += memoryview(data)[:-2]
            else:
                data = await reader.read(1 << 18)
                if not data:
                    raise ConnectionError("the answer ended")
                buf += data
            self.bytes += len(data)
            del buf[:self._parse(buf, boundary)]

    def _parse(self, buf: bytearray, boundary: bytes) -> int:
        pos = 0
        while True:
            head_end = buf.find(b"\r\n\r\n", pos)
            if head_end < 0:
                return pos
            lines = bytes(buf[pos:head_end]).strip(b"\r\n").split(b"\r\n")
            if lines[0].strip() != boundary:
                raise ValueError(f"part starts with {lines[0][:60]!r}, not the boundary")
            length = next((int(line.split(b":", 1)[1]) for line in lines[1:]
                           if line.lower().startswith(b"content-length:")), None)
            if length is None:
                raise ValueError("a part without Content-Length")
            start, end = head_end + 4, head_end + 4 + length
            if end > len(buf):
                return pos
            self._jpeg(buf, start, end)
            pos = end

    def _jpeg(self, buf: bytearray, start: int, end: int) -> None:
        self.jpegs += 1
        if self.t_first_jpeg is None:
            self.t_first_jpeg = time.monotonic()
        if buf[start:start + 2] != b"\xff\xd8" or buf[end - 2:end] != b"\xff\xd9":
            self.bad_markers += 1
        if self.check_every and (self.jpegs - 1) % self.check_every == 0:
            from PIL import Image
            self.checked += 1
            try:
                image = Image.open(io.BytesIO(bytes(buf[start:end])))
                image.load()
                self.decoded += image.format == "JPEG"
                self.sizes.add(image.size)
            except Exception as exc:         # noqa: BLE001 - counted: checked but not decoded
                self.decode_error = f"{type(exc).__name__}: {exc}"

    def stats(self) -> dict:
        return {"jpegs": self.jpegs, "bytes": self.bytes, "bad_markers": self.bad_markers, "checked": self.checked,
                "decoded": self.decoded, "sizes": sorted(self.sizes), "playing": self.t_first_jpeg is not None,
                "decode_error": self.decode_error,
                "error": self.error}

    def timings(self) -> dict:
        def since(t):
            return None if t is None or self.t0 is None else t - self.t0
        return {"headers_s": since(self.t_headers), "first_jpeg_s": since(self.t_first_jpeg), "error": self.error}


class ClientWorker:
    """The client process: groups of readers, driven by JSON lines on stdin (one JSON answer each)."""

    def __init__(self, fps: float) -> None:
        self.fps = fps
        self.groups: dict[str, list[tuple[RtspReader | MjpegReader, asyncio.Task]]] = collections.defaultdict(list)

    async def main(self) -> None:
        loop = asyncio.get_running_loop()
        lines: asyncio.Queue[str | None] = asyncio.Queue()

        def read_stdin() -> None:
            for line in sys.stdin:
                loop.call_soon_threadsafe(lines.put_nowait, line)
            loop.call_soon_threadsafe(lines.put_nowait, None)
        threading.Thread(target=read_stdin, daemon=True).start()
        reply({"ready": True, "pid": os.getpid()})
        while (line := await lines.get()) is not None:
            command = json.loads(line)
            if command["cmd"] == "quit":
                break
            reply(await getattr(self, "do_" + command["cmd"])(**command.get("args", {})))
        for group in list(self.groups):
            await self.do_close(group)

    def _start(self, group: str, client) -> None:
        self.groups[group].append((client, asyncio.get_running_loop().create_task(client.run())))

    async def do_rtsp(self, group: str, url: str, n: int, stagger_s: float = 0.0, timeout_s: float = 60) -> dict:
        """Start `n` raw RTSP readers, `stagger_s` apart; answer once each plays (or failed)."""
        for i in range(n):
            if i and stagger_s:
                await asyncio.sleep(stagger_s)
            self._start(group, RtspReader(url, self.fps))
        readers = [c for c, _ in self.groups[group]]
        took = await _until(lambda: all(r.t_first_rtp or r.error for r in readers), timeout_s)
        return {"playing": sum(r.t_first_rtp is not None for r in readers), "wait_s": took,
                "errors": sorted({r.error for r in readers if r.error})[:5]}

    async def do_mjpeg(self, group: str, url: str, n: int, timeout_s: float = 60) -> dict:
        """Start `n` MJPEG viewers; answer once each got a JPEG (or failed)."""
        for _ in range(n):
            self._start(group, MjpegReader(url))
        viewers = [c for c, _ in self.groups[group]]
        took = await _until(lambda: all(v.t_first_jpeg or v.error for v in viewers), timeout_s)
        return {"playing": sum(v.t_first_jpeg is not None for v in viewers), "wait_s": took,
                "errors": sorted({v.error for v in viewers if v.error})[:5]}

    async def do_stats(self, group: str) -> dict:
        return {"t": time.monotonic(), "clients": [c.stats() for c, _ in self.groups.get(group, [])]}

    async def do_close(self, group: str) -> dict:
        entries = self.groups.pop(group, [])
        for _, task in entries:
            task.cancel()
        await asyncio.gather(*(t for _, t in entries), return_exceptions=True)
        return {"closed": len(entries)}

    async def do_ttff_rtsp(self, url: str, timeout_s: float = 20, live_s: float = 1.0) -> dict:
        """One fresh reader: its times to the first keyframe, and that keyframe's age (how far behind
        live it was: its arrival against the live frames' arrival `live_s` later)."""
        reader = RtspReader(url, self.fps)
        task = asyncio.get_running_loop().create_task(reader.run())
        await _until(lambda: reader.t_first_key or reader.error or task.done(), timeout_s)
        if reader.t_first_key:
            await asyncio.sleep(live_s)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        return reader.timings()

    async def do_ttff_mjpeg(self, url: str, timeout_s: float = 20) -> dict:
        viewer = MjpegReader(url, check_every=1)
        task = asyncio.get_running_loop().create_task(viewer.run())
        await _until(lambda: viewer.t_first_jpeg or viewer.error or task.done(), timeout_s)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        return viewer.timings() | {"decoded": viewer.decoded, "sizes": sorted(viewer.sizes)}


async def _until(predicate, timeout_s: float, step_s: float = 0.005) -> float:
    """Seconds until `predicate()` held (polled; the readers stamp their own times, so the polling
    step does not enter any figure)."""
    t0 = time.monotonic()
    while not predicate() and time.monotonic() - t0 < timeout_s:
        await asyncio.sleep(step_s)
    return time.monotonic() - t0


def client_worker(args: argparse.Namespace) -> int:
    try:
        import uvloop
    except ImportError:
        print("uvloop not installed: the clients run on the default asyncio loop", file=sys.stderr)
    else:
        uvloop.install()
    asyncio.run(ClientWorker(args.fps).main())
    return 0


def reply(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


class ClientProcess:
    """The parent's handle on the client worker child."""

    def __init__(self, log_path: Path) -> None:
        self._log = open(log_path, "wb")  # noqa: SIM115 - open as long as the child runs
        self.proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--client-worker",
                                      "--fps", str(FPS)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self._log, text=True, bufsize=1, cwd=ROOT)
        self.ps = psutil.Process(self.proc.pid)
        first = self._read()
        assert first.get("ready"), first

    def ask(self, cmd: str, **args) -> dict:
        self.proc.stdin.write(json.dumps({"cmd": cmd, "args": args}) + "\n")
        self.proc.stdin.flush()
        return self._read()

    def _read(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"client worker exited (rc={self.proc.wait()}); see {self._log.name}")
        return json.loads(line)

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write(json.dumps({"cmd": "quit"}) + "\n")
                self.proc.stdin.close()
                self.proc.wait(20)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        self._log.close()


# ================================================================ servers and the ffmpeg client (parent)

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gst(port: int, pattern: str, log_path: Path) -> subprocess.Popen:
    cmd = [SYSTEM_PYTHON, str(GST_SCRIPT), "--pattern", pattern, "--port", str(port), "--path", "/cam",
           "--width", str(WIDTH), "--height", str(HEIGHT), "--fps", str(FPS), "--bitrate-kbps", str(KBPS),
           "--gop", str(GOP)]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log, text=True)
    line = proc.stdout.readline()
    if "READY" not in line:
        proc.kill()
        proc.wait()
        raise RuntimeError(f"GStreamer RTSP server did not start: {line!r}; see {log_path}")
    return proc


class Camvault:
    """The real camvault server process (`python -m camvault run`), as tests/support/server.py starts
    it, with both ports known (the RTSP one too)."""

    def __init__(self, work: Path, camera_url: str, password: str) -> None:
        self.http_port, self.rtsp_port, self.password = free_port(), free_port(), password
        self.config_path = work / "camvault.yml"
        self.config_path.write_text(json.dumps({      # JSON is YAML
            "server": {"name": "bench", "http_host": "127.0.0.1"},
            "storage": {"min_free_bytes": 0},
            "cameras": [{"id": 1, "name": "Bench camera", "source": camera_url}]}, indent=1))
        self.data_dir = work / "camvault-data"
        self.log_path = work / "camvault.log"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout_s: float = 60) -> psutil.Process:
        import httpx

        env = {**os.environ, "CAMVAULT_CONFIG": str(self.config_path), "CAMVAULT_DATA_DIR": str(self.data_dir),
               "CAMVAULT_HTTP_PORT": str(self.http_port), "CAMVAULT_RTSP_PORT": str(self.rtsp_port),
               "CAMVAULT_ADMIN_PASSWORD": self.password}
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "camvault", "run"], env=env, cwd=ROOT,
                                         stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"camvault exited with {self.proc.returncode}; see {self.log_path}")
            try:
                if httpx.get(f"http://127.0.0.1:{self.http_port}/api/v1.2/getservertime", timeout=1).status_code == 200:
                    return psutil.Process(self.proc.pid)
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"camvault did not answer within {timeout_s} s; see {self.log_path}")

    def rtsp_url(self) -> str:
        return f"rtsp://admin:{self.password}@127.0.0.1:{self.rtsp_port}/live/view/1.1"

    def mjpeg_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/live/view/1.1?user=admin&pass={self.password}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> int | None:
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


class FfmpegClient:
    """`ffmpeg -rtsp_transport tcp -i URL -c copy -f null -` with -progress: the real client of a window."""

    def __init__(self, ffmpeg: str, url: str, work: Path, name: str, timeout_s: float = 30) -> None:
        self.progress = work / f"{name}.progress"
        self.log_path = work / f"{name}.log"
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen([ffmpeg, "-nostdin", "-hide_banner", "-nostats", "-progress", str(self.progress),
                                          "-stats_period", "0.1", "-rtsp_transport", "tcp", "-i", url,
                                          "-c", "copy", "-f", "null", "-"],
                                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log)
        self.ps = psutil.Process(self.proc.pid)
        deadline = time.monotonic() + timeout_s
        while self.frames() < 5:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"ffmpeg client did not start; see {self.log_path}")
            time.sleep(0.2)

    def frames(self) -> int:
        try:
            lines = self.progress.read_text().splitlines()
        except OSError:
            return 0
        return next((int(line[6:]) for line in reversed(lines) if line.startswith("frame=")), 0)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# ================================================================ measurement

def cpu_s(proc: psutil.Process | None) -> float:
    """User+sys seconds of `proc` itself (children excluded)."""
    if proc is None:
        return 0.0
    try:
        t = proc.cpu_times()
        return t.user + t.system
    except psutil.NoSuchProcess:
        return 0.0


def busy_s() -> float:
    t = psutil.cpu_times()
    return t.user + t.nice + t.system + t.irq + t.softirq + t.steal


class Rig:
    """The processes of the run, by role, for CPU accounting."""

    def __init__(self) -> None:
        self.procs: dict[str, psutil.Process | None] = {"camvault": None, "gst": None, "clients": None, "ffmpeg": None}

    def measure(self, seconds: float, edge=None) -> dict:
        """CPU of each role over `seconds`, the machine's other load, and `edge()` at both ends."""
        me = psutil.Process()
        procs = dict(self.procs)
        e0 = edge() if edge else None
        t0s = thread_cpu_s(procs["camvault"])
        c0, b0, m0 = {k: cpu_s(p) for k, p in procs.items()}, busy_s(), cpu_s(me)
        t0 = time.monotonic()
        rss = []
        while time.monotonic() - t0 < seconds:
            time.sleep(min(1.0, max(0.0, seconds - (time.monotonic() - t0))))
            rss.append(_rss(procs["camvault"]))
        elapsed = time.monotonic() - t0
        c1, b1, m1 = {k: cpu_s(p) for k, p in procs.items()}, busy_s(), cpu_s(me)
        t1s = thread_cpu_s(procs["camvault"])
        e1 = edge() if edge else None
        threads = by_thread_name(procs["camvault"], {tid: t1s[tid] - t0s.get(tid, 0.0) for tid in t1s}, elapsed)
        used = {k: (c1[k] - c0[k]) / elapsed for k in procs}
        print("    window: " + ", ".join(f"{k} {100 * v:.1f}" for k, v in used.items()) +
              f", other {100 * ((b1 - b0) / elapsed - sum(used.values()) - (m1 - m0) / elapsed):.1f} % core",
              flush=True)
        return {"window_s": elapsed, "pct": {k: 100 * v for k, v in used.items()},
                "other_pct": 100 * ((b1 - b0) / elapsed - sum(used.values()) - (m1 - m0) / elapsed),
                "busy_pct": 100 * (b1 - b0) / elapsed / psutil.cpu_count(),
                "camvault_rss_mb": statistics.mean(rss) / 2**20 if rss else 0,
                "camvault_threads": _safe(lambda: procs["camvault"].num_threads()), "edges": (e0, e1),
                "camvault_by_thread_pct": threads}


def thread_cpu_s(proc: psutil.Process | None) -> dict[int, float]:
    """User+sys seconds of each thread of `proc`, by OS thread id."""
    try:
        return {t.id: t.user_time + t.system_time for t in proc.threads()} if proc else {}
    except psutil.NoSuchProcess:
        return {}


def by_thread_name(proc: psutil.Process | None, used_s: dict[int, float], elapsed_s: float) -> dict[str, float]:
    """% of one core per Python thread name (from `py-spy dump`; numbered pool threads grouped);
    threads Python does not know (FFmpeg's own decoding threads, ...) are "native"."""
    if proc is None:
        return {}
    names: dict[int, str] = {}
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    try:
        dump = subprocess.run([py_spy, "dump", "--pid", str(proc.pid), "--json", "--nonblocking"],
                              capture_output=True, text=True, check=False, timeout=20)
        names = {t["os_thread_id"]: t["thread_name"] or "?" for t in json.loads(dump.stdout or "[]")}
    except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
        print(f"    (thread names unknown: {exc})", flush=True)
    out: collections.Counter[str] = collections.Counter()
    for tid, secs in used_s.items():
        name = names.get(tid, "native" if names else f"tid {tid}")
        out[re.sub(r"(_\d+|-\d+_\d+)$", "", name)] += 100 * secs / elapsed_s
    return {k: round(v, 2) for k, v in out.most_common() if v >= 0.05}


def _rss(proc: psutil.Process | None) -> int:
    return _safe(lambda: proc.memory_info().rss) if proc else 0


def _safe(fn) -> int:
    try:
        return fn()
    except (psutil.NoSuchProcess, AttributeError):
        return 0


def rtsp_clients(e0: dict, e1: dict, window_s: float) -> dict:
    """Per-client rates over a window, from the raw readers' `stats` at both ends (None: no raw
    reader) and the ffmpeg client's frame counts; which clients fell behind and why."""
    fps, rates, packets, reasons, behind = [], [], [], collections.Counter(), 0
    lost = {"missing": 0, "seq_gaps": 0, "incomplete": 0}
    s0, s1 = e0["stats"], e1["stats"]
    for a, b in zip(s0["clients"], s1["clients"]) if s0 else ():
        dt = s1["t"] - s0["t"]
        fps.append((b["frames"] - a["frames"]) / dt)
        rates.append((b["bytes"] - a["bytes"]) / dt)
        packets.append((b["packets"] - a["packets"]) / dt)
        why = [w for w, bad in (("fps", fps[-1] < BEHIND_FPS_SHARE * FPS),
                                ("lost frames", b["missing"] > a["missing"] or b["seq_gaps"] > a["seq_gaps"]),
                                ("lag grew", (b["lag_s"] or 0) - (a["lag_s"] or 0) > BEHIND_LAG_S),
                                ("error", bool(b["error"]))) if bad]
        for k in lost:
            lost[k] += b[k] - a[k]
        behind += bool(why)
        reasons.update(why)
    ff_fps = (e1["ffmpeg"] - e0["ffmpeg"]) / window_s
    if ff_fps < BEHIND_FPS_SHARE * FPS:
        behind += 1
        reasons.update(["ffmpeg fps"])
    everyone = fps + [ff_fps]
    return {"clients": len(everyone), "fps_min": min(everyone), "fps_median": statistics.median(everyone),
            "fps_max": max(everyone), "ffmpeg_fps": ff_fps,
            "bytes_per_s_min": min(rates) if rates else None,
            "bytes_per_s_median": statistics.median(rates) if rates else None,
            "rtp_packets_per_s_median": statistics.median(packets) if packets else None,
            "behind": behind, "behind_reasons": dict(reasons), **lost,
            "lag_end_max_s": max((c["lag_s"] or 0 for c in s1["clients"]), default=0) if s1 else None,
            "lag_end_median_s": statistics.median(c["lag_s"] or 0 for c in s1["clients"]) if s1 else None,
            "errors": sorted({c["error"] for c in s1["clients"] if c["error"]})[:5] if s1 else []}


def mjpeg_clients(edges: tuple) -> dict:
    s0, s1 = edges
    dt = s1["t"] - s0["t"]
    fps = [(b["jpegs"] - a["jpegs"]) / dt for a, b in zip(s0["clients"], s1["clients"])]
    rates = [(b["bytes"] - a["bytes"]) / dt for a, b in zip(s0["clients"], s1["clients"])]
    c = s1["clients"]
    return {"viewers": len(fps), "fps_min": min(fps), "fps_median": statistics.median(fps), "fps_max": max(fps),
            "bytes_per_s_median": statistics.median(rates), "jpegs": sum(v["jpegs"] for v in c),
            "bad_markers": sum(v["bad_markers"] for v in c), "checked": sum(v["checked"] for v in c),
            "decoded": sum(v["decoded"] for v in c), "sizes": sorted({tuple(s) for v in c for s in v["sizes"]}),
            "errors": sorted({v["error"] for v in c if v["error"]})[:5]}


# ================================================================ the phases

def rtsp_phase(rig: Rig, client: ClientProcess, args: argparse.Namespace, url: str, work: Path, name: str,
               camvault_ps: psutil.Process) -> dict:
    """1 client (ffmpeg), then `args.rtsp_clients` (ffmpeg + raw readers) of `url`."""
    print(f"[{name}] 1 client (ffmpeg)", flush=True)
    ff = FfmpegClient(args.ffmpeg, url, work, f"ffmpeg-{name}")
    rig.procs["ffmpeg"] = ff.ps
    try:
        time.sleep(args.settle_s)
        one = rig.measure(args.seconds, lambda: {"stats": None, "ffmpeg": ff.frames()})
        one["clients"] = rtsp_clients(*one.pop("edges"), one["window_s"])
        print(f"[{name}] {args.rtsp_clients} clients (ffmpeg + {args.rtsp_clients - 1} raw readers)", flush=True)
        connect = client.ask("rtsp", group=name, url=url, n=args.rtsp_clients - 1,
                             stagger_s=args.connect_gap_ms / 1000)
        print(f"[{name}] {connect['playing']} raw readers playing after {connect['wait_s']:.1f} s "
              f"{connect['errors'] or ''}; settling", flush=True)
        time.sleep(args.settle_s)
        many = rig.measure(args.seconds, lambda: {"stats": client.ask("stats", group=name), "ffmpeg": ff.frames()})
        many["clients"] = rtsp_clients(*many.pop("edges"), many["window_s"])
        many["connect"] = connect
        if args.profile and name == "camvault":
            many["profile"] = profile(camvault_ps, args, f"rtsp-{args.rtsp_clients}")
        client.ask("close", group=name)
    finally:
        ff.stop()
        rig.procs["ffmpeg"] = None
    return {"one": one, "many": many}


def mjpeg_phase(rig: Rig, client: ClientProcess, args: argparse.Namespace, url: str,
                camvault_ps: psutil.Process) -> dict:
    out = {}
    for label, total in (("one", 1), ("many", args.mjpeg_viewers)):
        current = len(client.ask("stats", group="mjpeg")["clients"])
        print(f"[mjpeg] {total} viewer(s)", flush=True)
        connect = client.ask("mjpeg", group="mjpeg", url=url, n=total - current)
        print(f"[mjpeg] {connect['playing']} viewers receiving after {connect['wait_s']:.1f} s "
              f"{connect['errors'] or ''}; settling", flush=True)
        time.sleep(args.settle_s)
        window = rig.measure(args.seconds, lambda: client.ask("stats", group="mjpeg"))
        window["clients"] = mjpeg_clients(window.pop("edges"))
        window["connect"] = connect
        out[label] = window
    if args.profile:
        out["many"]["profile"] = profile(camvault_ps, args, f"mjpeg-{args.mjpeg_viewers}")
    client.ask("close", group="mjpeg")
    return out


def ttff_phase(client: ClientProcess, args: argparse.Namespace, cv: Camvault, gst_url: str) -> dict:
    """Time to first frame, `args.ttff_repeat` times each, one attempt at a time."""
    n, out = args.ttff_repeat, {}
    print(f"[ttff] RTSP raw client and ffprobe, {n} times each, camvault then GStreamer", flush=True)
    for key, url in (("camvault", cv.rtsp_url()), ("gst", gst_url)):
        out[f"rtsp_raw_{key}"] = [_pause(client.ask("ttff_rtsp", url=url)) for _ in range(n)]
        out[f"ffprobe_{key}"] = [_pause(ffprobe_first_frame(args.ffprobe, url)) for _ in range(n)]
    out["ffprobe_start"] = [ffprobe_start(args.ffprobe) for _ in range(n)]
    print(f"[ttff] MJPEG cold ({n} times, each after the decoder stopped), then warm", flush=True)
    cold = []
    for _ in range(n):
        stopped_after = wait_decoder_stopped(cv)
        cold.append(client.ask("ttff_mjpeg", url=cv.mjpeg_url()) | {"waited_stop_s": stopped_after})
    out["mjpeg_cold"] = cold
    client.ask("mjpeg", group="warm", url=cv.mjpeg_url(), n=1)
    time.sleep(1)
    out["mjpeg_warm"] = [_pause(client.ask("ttff_mjpeg", url=cv.mjpeg_url())) for _ in range(n)]
    client.ask("close", group="warm")
    return out


def _pause(result: dict, pause_s: float = 0.3) -> dict:
    time.sleep(pause_s)
    return result


def ffprobe_first_frame(ffprobe: str, url: str, timeout_s: float = 20) -> dict:
    """Wall time from ffprobe's start to its first decoded frame printed (one line per frame)."""
    cmd = [ffprobe, "-v", "error", "-rtsp_transport", "tcp", "-select_streams", "v:0",
           "-show_entries", "frame=key_frame,width,height", "-of", "csv=p=0", url]
    if shutil.which("stdbuf"):
        cmd = ["stdbuf", "-oL", *cmd]
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    timer = threading.Timer(timeout_s, proc.kill)
    timer.start()
    line = proc.stdout.readline().strip()
    took = time.monotonic() - t0
    timer.cancel()
    proc.kill()
    _, err = proc.communicate()
    return {"first_frame_s": took if line else None, "frame": line, "error": "" if line else err[-300:]}


def ffprobe_start(ffprobe: str) -> float:
    t0 = time.monotonic()
    subprocess.run([ffprobe, "-version"], capture_output=True, check=False)
    return time.monotonic() - t0


def wait_decoder_stopped(cv: Camvault, timeout_s: float = 30) -> float:
    """Wait until every MJPEG pipeline of stream 1.1 started has stopped (camvault's log lines)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout_s:
        log = cv.log()
        if log.count("mjpeg: pipeline 1.1 started") == log.count("mjpeg: pipeline 1.1 stopped"):
            break
        time.sleep(0.1)
    time.sleep(0.3)
    return time.monotonic() - t0


def profile(ps: psutil.Process, args: argparse.Namespace, name: str) -> dict:
    """Profiles of the camvault process for `args.seconds` each (after a window, never during one):
    py-spy (Python stacks: samples per thread, functions by own samples, camvault functions by
    inclusive samples), then `perf record` if perf is installed (share of CPU samples per binary or
    library and per symbol, kernel included)."""
    args.profile.mkdir(parents=True, exist_ok=True)
    out = {"py_spy": py_spy_profile(ps, args, name)}
    if shutil.which("perf"):
        out["perf"] = perf_profile(ps, args, name)
    return out


def py_spy_profile(ps: psutil.Process, args: argparse.Namespace, name: str) -> dict:
    raw = args.profile / f"{name}.py-spy.txt"
    print(f"[profile] py-spy {name} for {args.seconds:.0f} s -> {raw}", flush=True)
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    try:
        run = subprocess.run([py_spy, "record", "-p", str(ps.pid), "-d", str(int(args.seconds)), "-r", "100",
                              "--threads", "--nonblocking", "-f", "raw", "-o", str(raw)],
                             capture_output=True, text=True, check=False)
    except OSError as exc:
        print(f"[profile] py-spy did not run: {exc}", flush=True)
        return {"error": str(exc)}
    if run.returncode != 0 or not raw.exists():
        print(f"[profile] py-spy failed: {run.stderr[-300:]}", flush=True)
        return {"error": run.stderr[-500:]}
    threads, own, inclusive, total = collections.Counter(), collections.Counter(), collections.Counter(), 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames, n = stack.split(";"), int(count)
        total += n
        threads[re.sub(r"^thread \(\d+\): ", "", frames[0])] += n
        own[_frame(frames[-1])] += n
        for f in {_frame(f) for f in frames[1:] if "camvault/" in f}:
            inclusive[f] += n

    def top(counter: collections.Counter) -> list:
        return [(k, round(100 * v / total, 1)) for k, v in counter.most_common(args.profile_top)]
    return {"samples": total, "threads_pct": top(threads), "self_pct": top(own), "camvault_inclusive_pct": top(inclusive),
            "file": str(raw)}


def perf_profile(ps: psutil.Process, args: argparse.Namespace, name: str) -> dict:
    data = args.profile / f"{name}.perf.data"
    print(f"[profile] perf {name} for {args.seconds:.0f} s -> {data}", flush=True)
    run = subprocess.run(["perf", "record", "-F", "499", "-p", str(ps.pid), "-o", str(data), "--",
                          "sleep", str(args.seconds)], capture_output=True, text=True, check=False)
    if run.returncode != 0 or not data.exists():
        print(f"[profile] perf failed: {run.stderr[-300:]}", flush=True)
        return {"error": run.stderr[-500:]}
    out = {"file": str(data)}
    for key in ("dso", "sym"):
        report = subprocess.run(["perf", "report", "-i", str(data), "--sort", key, "--stdio"],
                                capture_output=True, text=True, check=False).stdout
        rows = [re.match(r"\s*([\d.]+)%\s+(.*)$", line) for line in report.splitlines() if not line.startswith("#")]
        out[key] = [(m[2].strip(), float(m[1])) for m in rows if m][:args.profile_top]
    return out


def _frame(frame: str) -> str:
    """`function (path/file.py:line)` -> `function (file.py)`."""
    match = re.match(r"(.*) \((?:.*/)?([^/:]+)(?::\d+)?\)$", frame)
    return f"{match[1]} ({match[2]})" if match else frame


# ================================================================ report

LIVE_PATH = ("camvault/video/live.py", "camvault/video/rtsp/", "camvault/video/feeds/", "camvault/video/mjpeg/",
             "camvault/api/camtrace/push.py", "camvault/services/live_view.py", "camvault/services/playback.py",
             "camvault/video/ingest.py", "camvault/video/recorder.py", "camvault/video/sources/")


def code_state() -> dict:
    """Which camvault code ran: the commit, and a digest of uncommitted changes under camvault/."""
    def git(*a: str) -> str:
        return subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True, check=False).stdout

    diff = git("diff", "HEAD", "--", "camvault")
    untracked = git("ls-files", "--others", "--exclude-standard", "--", "camvault").split()
    digest = hashlib.sha256(diff.encode() + b"".join((ROOT / f).read_bytes() for f in untracked)).hexdigest()
    changed = git("diff", "HEAD", "--name-only", "--", "camvault").split() + untracked
    return {"commit": git("rev-parse", "--short", "HEAD").strip(), "changed": changed,
            "uncommitted_sha256": digest[:12] if changed else "",
            "on_live_path": [f for f in changed if f.startswith(LIVE_PATH)]}


def versions(args: argparse.Namespace) -> dict:
    import av

    gst = subprocess.run(["gst-launch-1.0", "--version"], capture_output=True, text=True, check=False).stdout.split("\n")
    return {"python": sys.version.split()[0], "pyav": av.__version__, "psutil": psutil.__version__,
            "ffmpeg": subprocess.run([args.ffmpeg, "-version"], capture_output=True, text=True, check=False).stdout.split("\n")[0],
            "gstreamer": next((line for line in gst if line.startswith("GStreamer")), "?"),
            "cpus": psutil.cpu_count()}


def _ratio(a: float, b: float) -> float | None:
    return a / b if b else None


def summarise(results: dict, args: argparse.Namespace) -> dict:
    cv, gst, mj = results["rtsp_camvault"], results["rtsp_gst"], results["mjpeg"]
    n, v = args.rtsp_clients, args.mjpeg_viewers
    cv0 = results["idle"]["pct"]["camvault"]
    cv1, cvn = cv["one"]["pct"]["camvault"], cv["many"]["pct"]["camvault"]
    g1, gn = gst["one"]["pct"]["gst"], gst["many"]["pct"]["gst"]
    m1, mn = mj["one"]["pct"]["camvault"], mj["many"]["pct"]["camvault"]
    out = {"rtsp": {"camvault_0_pct": cv0, "camvault_1_pct": cv1, f"camvault_{n}_pct": cvn,
                    "ratio": _ratio(cvn, cv1), "target": 2.0,
                    "per_extra_client_pct": (cvn - cv1) / (n - 1),
                    "gst_1_pct": g1, f"gst_{n}_pct": gn, "gst_ratio": _ratio(gn, g1),
                    "gst_per_extra_client_pct": (gn - g1) / (n - 1),
                    "clients": cv["many"]["clients"], "gst_clients": gst["many"]["clients"]},
           "mjpeg": {"camvault_1_pct": m1, f"camvault_{v}_pct": mn, "ratio": _ratio(mn, m1), "target": 1.2,
                     "per_extra_viewer_pct": (mn - m1) / (v - 1), "decode_pct_over_idle": m1 - cv0,
                     "viewers": mj["many"]["clients"], "one_viewer": mj["one"]["clients"]},
           "ttff": {}}
    for key, values in results["ttff"].items():
        if key == "ffprobe_start":
            secs = values
        elif key.startswith("rtsp_raw"):
            secs = [r["first_key_s"] for r in values]
        elif key.startswith("ffprobe"):
            secs = [r["first_frame_s"] for r in values]
        else:
            secs = [r["first_jpeg_s"] for r in values]
        out["ttff"][key] = _spread_ms(secs)
        if key.startswith("rtsp_raw"):
            out["ttff"][key]["first_key_age"] = _spread_ms([r["first_key_age_s"] for r in values])
    return out


def _spread_ms(secs: list[float | None]) -> dict:
    ok = [s for s in secs if s is not None]
    return {"n": len(secs), "failed": len(secs) - len(ok), "median_ms": 1000 * statistics.median(ok) if ok else None,
            "max_ms": 1000 * max(ok) if ok else None, "min_ms": 1000 * min(ok) if ok else None}


def report(results: dict, summary: dict, args: argparse.Namespace) -> None:
    n, v = args.rtsp_clients, args.mjpeg_viewers
    print(f"\nsource {WIDTH}x{HEIGHT} {FPS} fps x264 {KBPS} kbit/s GOP {GOP}, pattern {args.pattern}; "
          f"windows T={args.seconds:.0f} s after {args.settle_s:.0f} s settling; CPU in % of one core")
    print(f"{'window':24} {'camvault':>8} {'gst srv':>8} {'clients':>8} {'ffmpeg':>7} {'other':>6} "
          f"{'busy':>5} {'cv RSS MB':>9} {'cv thr':>6}")
    rows = [("camvault 0 clients", results["idle"]),
            ("camvault RTSP 1 client", results["rtsp_camvault"]["one"]),
            (f"camvault RTSP {n} clients", results["rtsp_camvault"]["many"]),
            ("gst RTSP 1 client", results["rtsp_gst"]["one"]), (f"gst RTSP {n} clients", results["rtsp_gst"]["many"]),
            ("camvault MJPEG 1 viewer", results["mjpeg"]["one"]),
            (f"camvault MJPEG {v} viewers", results["mjpeg"]["many"])]
    for label, w in rows:
        p = w["pct"]
        print(f"{label:24} {p['camvault']:8.1f} {p['gst']:8.1f} {p['clients']:8.1f} {p['ffmpeg']:7.1f} "
              f"{w['other_pct']:6.1f} {w['busy_pct']:4.0f}% {w['camvault_rss_mb']:9.1f} {w['camvault_threads']:6d}")
    print("camvault CPU by thread (% core):")
    for label, w in rows:
        if not label.startswith("gst"):
            print(f"  {label:24} " + ", ".join(f"{k} {v:.1f}" for k, v in w["camvault_by_thread_pct"].items()))
    r, m = summary["rtsp"], summary["mjpeg"]
    print(f"\nRTSP  camvault: 0 clients {r['camvault_0_pct']:.1f}, 1 client {r['camvault_1_pct']:.1f}, {n} clients "
          f"{r[f'camvault_{n}_pct']:.1f} % core -> ratio {r['ratio']:.2f} (target <= {r['target']}); "
          f"+{r['per_extra_client_pct']:.3f} % core per extra client")
    print(f"RTSP  gst ref:  1 client {r['gst_1_pct']:.1f}, {n} clients {r[f'gst_{n}_pct']:.1f} % core -> ratio "
          f"{r['gst_ratio']:.2f}; +{r['gst_per_extra_client_pct']:.3f} % core per extra client")
    for label, c in (("camvault", r["clients"]), ("gst ref", r["gst_clients"])):
        print(f"RTSP  {label} clients: fps min/median/max {c['fps_min']:.2f}/{c['fps_median']:.2f}/{c['fps_max']:.2f} "
              f"(ffmpeg {c['ffmpeg_fps']:.2f}), kB/s min/median {(c['bytes_per_s_min'] or 0) / 1e3:.1f}/"
              f"{(c['bytes_per_s_median'] or 0) / 1e3:.1f}, RTP packets/s median {c['rtp_packets_per_s_median'] or 0:.0f}, "
              f"fell behind {c['behind']} {c['behind_reasons'] or ''}, "
              f"missing frames {c['missing']}, seq gaps {c['seq_gaps']}, incomplete AUs {c['incomplete']}, "
              f"lag median/max {c['lag_end_median_s']:.2f}/{c['lag_end_max_s']:.2f} s {c['errors'] or ''}")
    vw = m["viewers"]
    print(f"MJPEG camvault: 1 viewer {m['camvault_1_pct']:.1f}, {v} viewers {m[f'camvault_{v}_pct']:.1f} % core -> "
          f"ratio {m['ratio']:.2f} (target <= {m['target']}); +{m['per_extra_viewer_pct']:.3f} % core per extra "
          f"viewer; decoding+encoding over idle {m['decode_pct_over_idle']:.1f} % core")
    print(f"MJPEG viewers: fps min/median/max {vw['fps_min']:.2f}/{vw['fps_median']:.2f}/{vw['fps_max']:.2f} "
          f"(1 viewer: {m['one_viewer']['fps_median']:.2f}), kB/s median {vw['bytes_per_s_median'] / 1e3:.0f}, "
          f"JPEGs {vw['jpegs']}, bad SOI/EOI {vw['bad_markers']}, Pillow decoded {vw['decoded']}/{vw['checked']} "
          f"sizes {vw['sizes']} {vw['errors'] or ''}")
    print(f"\n{'time to first frame':34} {'n':>3} {'fail':>4} {'median ms':>9} {'min ms':>7} {'max ms':>7}")
    names = {"rtsp_raw_camvault": "RTSP raw client, camvault", "rtsp_raw_gst": "RTSP raw client, gst ref",
             "ffprobe_camvault": "ffprobe, camvault", "ffprobe_gst": "ffprobe, gst ref",
             "ffprobe_start": "(ffprobe -version: process start)", "mjpeg_cold": "MJPEG cold (decoder stopped)",
             "mjpeg_warm": "MJPEG warm (1 other viewer)"}
    for key, t in summary["ttff"].items():
        def fmt(x: float | None) -> str:
            return f"{x:7.0f}" if x is not None else "      -"
        print(f"{names.get(key, key):34} {t['n']:3d} {t['failed']:4d} {fmt(t['median_ms']):>9} {fmt(t['min_ms'])} "
              f"{fmt(t['max_ms'])}")
        if "first_key_age" in t:
            age = t["first_key_age"]
            print(f"{'  its first keyframe behind live':34} {age['n']:3d} {age['failed']:4d} {fmt(age['median_ms']):>9} "
                  f"{fmt(age['min_ms'])} {fmt(age['max_ms'])}")
    for label, prof in (("RTSP", results["rtsp_camvault"]["many"].get("profile")),
                        ("MJPEG", results["mjpeg"]["many"].get("profile"))):
        spy, perf = (prof or {}).get("py_spy") or {}, (prof or {}).get("perf") or {}
        if "self_pct" in spy:
            print(f"\npy-spy of camvault, {label} ({spy['samples']} samples, {spy['file']})")
            print("  threads:    " + ", ".join(f"{k} {p}%" for k, p in spy["threads_pct"][:6]))
            print("  own:        " + "\n              ".join(f"{p:5.1f}% {k}" for k, p in spy["self_pct"]))
            print("  camvault inclusive: " + "\n                      ".join(
                f"{p:5.1f}% {k}" for k, p in spy["camvault_inclusive_pct"]))
        if "dso" in perf:
            print(f"perf of camvault, {label} ({perf['file']})")
            print("  by binary:  " + ", ".join(f"{k} {p:.1f}%" for k, p in perf["dso"]))
            print("  by symbol:  " + "\n              ".join(f"{p:5.1f}% {k}" for k, p in perf["sym"]))


# ================================================================ orchestration

def leftovers(pids: list[int], work: Path) -> list[str]:
    """Processes still alive that this run started, or whose command line names its work directory."""
    out = []
    for proc in psutil.process_iter(["pid", "cmdline", "status"]):
        if proc.info["pid"] == os.getpid() or proc.info["status"] == psutil.STATUS_ZOMBIE:
            continue
        cmdline = " ".join(proc.info["cmdline"] or [])
        if proc.info["pid"] in pids or str(work) in cmdline:
            out.append(f"{proc.info['pid']} {cmdline[:120]}")
    return out


def wait_live(client: ClientProcess, url: str, timeout_s: float = 60) -> dict:
    """Wait until camvault serves the stream (a raw client gets a keyframe)."""
    deadline = time.monotonic() + timeout_s
    while True:
        got = client.ask("ttff_rtsp", url=url, timeout_s=10)
        if got["first_key_s"] is not None or time.monotonic() > deadline:
            return got
        time.sleep(1)


def run(args: argparse.Namespace, work: Path, started: list[int]) -> dict:
    rig, gst_port = Rig(), free_port()
    gst = start_gst(gst_port, args.pattern, work / "gst.log")
    started.append(gst.pid)
    rig.procs["gst"] = psutil.Process(gst.pid)
    gst_url = f"rtsp://127.0.0.1:{gst_port}/cam"
    cv = Camvault(work, gst_url, "bench-" + secrets.token_hex(6))
    client = None
    try:
        rig.procs["camvault"] = cv.start()
        started.append(cv.proc.pid)
        client = ClientProcess(work / "clients.log")
        started.append(client.proc.pid)
        rig.procs["clients"] = client.ps
        first = wait_live(client, cv.rtsp_url())
        if first["first_key_s"] is None:
            raise RuntimeError(f"camvault does not serve the stream: {first}; see {cv.log_path}")
        print(f"camvault {cv.rtsp_url()} serving (first keyframe after {first['first_key_s'] * 1000:.0f} ms); "
              f"GStreamer {gst_url}", flush=True)
        time.sleep(args.settle_s)
        print("[idle] camvault with 0 clients (ingest + recording)", flush=True)
        results = {"idle": rig.measure(args.seconds)}
        results["idle"].pop("edges")
        results["rtsp_camvault"] = rtsp_phase(rig, client, args, cv.rtsp_url(), work, "camvault", rig.procs["camvault"])
        results["rtsp_gst"] = rtsp_phase(rig, client, args, gst_url, work, "gst", rig.procs["camvault"])
        results["mjpeg"] = mjpeg_phase(rig, client, args, cv.mjpeg_url(), rig.procs["camvault"])
        results["ttff"] = ttff_phase(client, args, cv, gst_url)
        results["camvault_warnings"] = [line for line in cv.log().splitlines()
                                        if " WARNING " in line or " ERROR " in line][:20]
        return results
    finally:
        if client is not None:
            client.close()
        rc = cv.stop()
        print(f"camvault stopped (rc={rc}){'' if 'camvault stopped' in cv.log() else ', no clean-stop line in its log'}",
              flush=True)
        gst.send_signal(signal.SIGTERM)
        try:
            gst.wait(10)
        except subprocess.TimeoutExpired:
            gst.kill()
            gst.wait()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20, help="measurement window T")
    parser.add_argument("--settle-s", type=float, default=5, help="wait after clients connect before a window")
    parser.add_argument("--rtsp-clients", type=int, default=100, help="RTSP clients of the big window")
    parser.add_argument("--mjpeg-viewers", type=int, default=50, help="MJPEG viewers of the big window")
    parser.add_argument("--connect-gap-ms", type=float, default=50,
                        help="gap between RTSP reader connects (0: all at once; GStreamer's server then leaves "
                             "clients seconds behind live)")
    parser.add_argument("--ttff-repeat", type=int, default=10, help="time-to-first-frame attempts of each kind")
    parser.add_argument("--pattern", default="smpte", help="GStreamer videotestsrc pattern served")
    parser.add_argument("--ffmpeg", default=shutil.which("ffmpeg") or "ffmpeg")
    parser.add_argument("--ffprobe", default=shutil.which("ffprobe") or "ffprobe")
    parser.add_argument("--profile", type=Path, help="also profile camvault (py-spy, perf) after the big windows; files here")
    parser.add_argument("--profile-top", type=int, default=12, help="functions listed per profile")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, recordings)")
    parser.add_argument("--client-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--fps", type=float, default=FPS, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main() -> int:
    args = parse_args()
    if args.client_worker:
        return client_worker(args)
    work = Path(tempfile.mkdtemp(prefix="camvault-bench-live-"))
    state, env = code_state(), versions(args)
    print(f"work dir {work}; Python {env['python']}, PyAV {env['pyav']}; {env['ffmpeg']}; {env['gstreamer']}; "
          f"{env['cpus']} CPUs", flush=True)
    print(f"camvault code: commit {state['commit']}" + (
        f", {len(state['changed'])} uncommitted files (digest {state['uncommitted_sha256']}), on the live path: "
        f"{', '.join(state['on_live_path']) or 'none'}" if state["changed"] else ""), flush=True)
    print(f"machine busy before the run: {psutil.cpu_percent(3):.0f}%", flush=True)
    started: list[int] = []
    failed = True
    try:
        results = run(args, work, started)
        failed = False
    finally:
        time.sleep(1)
        left = leftovers(started, work)
        print(f"leftover processes: {left or 'none'}", flush=True)
        if failed or args.keep:
            print(f"kept {work}", flush=True)
        else:
            shutil.rmtree(work, ignore_errors=True)
    summary = summarise(results, args)
    report(results, summary, args)
    doc = {"args": {k: str(x) for k, x in vars(args).items()}, "versions": env, "code_state": state,
           "summary": summary, "results": results, "leftover_processes": left}
    brief_state = {k: v for k, v in state.items() if k != "changed"} | {"changed_files": len(state["changed"])}
    print("\nJSON " + json.dumps({"code_state": brief_state, "summary": summary, "leftover_processes": left},
                                 default=str))
    if args.json:
        args.json.write_text(json.dumps(doc, indent=1, default=str))
    return 0 if not left else 1


if __name__ == "__main__":
    sys.exit(main())
