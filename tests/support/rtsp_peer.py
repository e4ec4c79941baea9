"""Runs `gst_rtsp_server.py` (GStreamer's gst-rtsp-server, an RTSP server camvault did not write) as a
child process for the tests, on a free 127.0.0.1 port.

`GstRtspServer` is a context manager: `start()` launches the server under Debian's /usr/bin/python3
(its GStreamer bindings only load there) and returns once it printed READY (or raises after
`ready_timeout_s`); `stop()` sends SIGTERM, then kills it after `stop_timeout_s`; `restart()` stops it
and starts it again on the same port, so a client's URL stays valid. Not thread-safe.
`pattern_defect` tells whether a decoded frame of the served picture is damaged.
"""

from __future__ import annotations

import os
import selectors
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

SERVER_SCRIPT = Path(__file__).with_name("gst_rtsp_server.py")
SYSTEM_PYTHON = "/usr/bin/python3"


class PortTaken(RuntimeError):
    """The server could not bind its port."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class GstRtspServer:
    """One GStreamer RTSP server serving a live x264 test pattern at `url`."""

    def __init__(self, *, path: str = "/cam", port: int | None = None, width: int = 640, height: int = 360,
                 fps: int = 25, bitrate_kbps: int = 1000, gop: int = 25, user: str = "", password: str = "",
                 ready_timeout_s: float = 15.0, stop_timeout_s: float = 5.0,
                 script: Path | None = None) -> None:
        self.script = script or SERVER_SCRIPT
        self.path = path if path.startswith("/") else "/" + path
        self.port = port or free_port()
        self._may_move = port is None       # until the first start, a taken free port is replaced
        self.width, self.height, self.fps = width, height, fps
        self.bitrate_kbps, self.gop = bitrate_kbps, gop
        self.user, self.password = user, password
        self.ready_timeout_s, self.stop_timeout_s = ready_timeout_s, stop_timeout_s
        self._proc: subprocess.Popen | None = None
        self._stderr = None

    @property
    def url(self) -> str:
        """The stream URL, without credentials (see `url_with`)."""
        return f"rtsp://127.0.0.1:{self.port}{self.path}"

    def url_with(self, user: str, password: str) -> str:
        """The stream URL with credentials in it."""
        return f"rtsp://{user}:{password}@127.0.0.1:{self.port}{self.path}"

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def command(self) -> list[str]:
        cmd = [SYSTEM_PYTHON, str(self.script), "--port", str(self.port), "--path", self.path,
               "--width", str(self.width), "--height", str(self.height), "--fps", str(self.fps),
               "--bitrate-kbps", str(self.bitrate_kbps), "--gop", str(self.gop)]
        if self.user:
            cmd += ["--user", self.user, "--password", self.password]
        return cmd

    def start(self) -> "GstRtspServer":
        """Launch the server and wait until it listens."""
        if self.running:
            raise RuntimeError("the GStreamer RTSP server is already running")
        if not os.path.exists(SYSTEM_PYTHON):
            raise RuntimeError(f"{SYSTEM_PYTHON} not found (GStreamer's Python bindings need Debian's python3)")
        for attempt in range(3 if self._may_move else 1):
            try:
                self._launch()
                break
            except PortTaken:
                if not self._may_move or attempt == 2:
                    raise
                self.port = free_port()     # someone took the port between free_port() and the bind
        self._may_move = False
        return self

    def _launch(self) -> None:
        self._stderr = tempfile.TemporaryFile()
        self._proc = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                      stderr=self._stderr)
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after `stop_timeout_s`; closes the pipes. Safe to call twice."""
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(self.stop_timeout_s)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            proc.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def restart(self, pause_s: float = 0.0) -> None:
        """Stop, wait `pause_s`, start again on the same port."""
        self.stop()
        time.sleep(pause_s)
        self.start()

    def __enter__(self) -> "GstRtspServer":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.ready_timeout_s
        output = b""
        with selectors.DefaultSelector() as selector:
            selector.register(self._proc.stdout, selectors.EVENT_READ)
            while b"READY" not in output:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise RuntimeError(f"GStreamer RTSP server not ready within {self.ready_timeout_s} s"
                                       f"{self._diagnostics(output)}")
                if not selector.select(left):
                    continue
                chunk = os.read(self._proc.stdout.fileno(), 4096)
                if not chunk:
                    self._proc.wait(self.stop_timeout_s)
                    error = PortTaken if b"FAILED to bind" in output else RuntimeError
                    raise error(f"GStreamer RTSP server exited with {self._proc.returncode}"
                                       f"{self._diagnostics(output)}")
                output += chunk

    def _diagnostics(self, output: bytes) -> str:
        self._stderr.seek(0)
        err = self._stderr.read()[-2000:].decode(errors="replace")
        return f"; stdout: {output.decode(errors='replace').strip()!r}; stderr: {err.strip()!r}"


def pattern_defect(frame) -> str | None:
    """Why a decoded frame of the served picture (videotestsrc `ball`: a white ball on black, no
    colour) is damaged, or None. A picture with missing slices decodes with green or grey areas."""
    planes = frame.to_ndarray(format="yuv420p")
    luma, chroma = planes[:frame.height], planes[frame.height:]
    colour = int(np.abs(chroma.astype(np.int16) - 128).max())
    if colour > 6:
        return f"coloured pixels (chroma off by up to {colour}): missing or damaged slices"
    background = float(np.mean(luma < 40))
    if background < 0.8:
        return f"only {background:.0%} of the picture is the black background"
    if int(luma.max()) < 200:
        return "the white ball is missing"
    return None
