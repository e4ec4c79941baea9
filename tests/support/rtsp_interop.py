"""Helpers for playing camvault's RTSP service with outside clients: an in-process node with
synthetic cameras on a free RTSP port, URLs with or without credentials, and ffprobe's view of the
frames (checked for size, a keyframe first and increasing timestamps at the camera's rate).
"""

from __future__ import annotations

import json
import logging
import subprocess
from itertools import pairwise
from pathlib import Path

from camvault.app import Camvault
from camvault.config import CameraConfig, Config, DatabaseConfig, ServerConfig, StorageConfig
from tests.support.server import free_port

log = logging.getLogger(__name__)


def start_node(tmp: Path, cameras: list[CameraConfig], admin_password: str, **sections) -> tuple[Camvault, int]:
    """A started node (SQLite under `tmp`) serving RTSP on 127.0.0.1:<port>; `sections` are more
    Config fields (recording=, live=...). The caller stops it."""
    port = free_port()
    config = Config(server=ServerConfig(http_host="127.0.0.1", rtsp_port=port),
                    storage=StorageConfig(data_dir=tmp / "data", min_free_bytes=0),
                    database=DatabaseConfig(url=f"sqlite:///{tmp / 'db.sqlite'}"), cameras=cameras, **sections)
    node = Camvault(config, admin_password=admin_password)
    node.start()
    assert node.rtsp.listening
    return node, port


def gst_decode(port: int, path: str, creds: tuple[str, str], protocols: str, frames: int,
               timeout_s: float = 30, caplog=None) -> subprocess.CompletedProcess:
    """GStreamer's rtspsrc (user-id/user-pw properties) decoding `frames` pictures then ending.

    rtspsrc sends PAUSE only while shutting down after the `frames` pictures were decoded. Now and
    then (3 times in ~20 full runs, over TCP and UDP) its shutdown sends that PAUSE on a connection
    it already closed itself: the server logs no error, only the client's close. Other RTSP servers
    see the same (e.g. MediaMTX after a TEARDOWN). Such a teardown-only failure is retried once and
    logged as a warning with the server's log (pytest turns warnings into errors)."""
    command = ["gst-launch-1.0", "-q", "rtspsrc", f"location=rtsp://127.0.0.1:{port}/{path}",
               f"user-id={creds[0]}", f"user-pw={creds[1]}", f"protocols={protocols}", "!",
               "rtph264depay", "!", "h264parse", "!", "avdec_h264", "!", "identity",
               f"eos-after={frames}", "!", "fakesink"]
    out = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s, check=False)
    if out.returncode != 0 and "gst_rtspsrc_pause" in out.stderr:
        log.warning("GStreamer failed at teardown (PAUSE) on %s over %s, retried once: %s%s", path, protocols,
                    out.stderr[-600:], server_log(caplog) if caplog is not None else "")
        out = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s, check=False)
    return out


def server_log(caplog) -> str:
    """What the RTSP service logged during the test (put in a failed assertion's message)."""
    lines = [f"{r.levelname} {r.name}: {r.getMessage()}" for r in caplog.records
             if r.name.startswith("camvault.video") or r.name == "asyncio"]
    return "\n--- server log ---\n" + "\n".join(lines[-40:])


def rtsp_url(port: int, path: str, creds: tuple[str, str] | None = None) -> str:
    auth = f"{creds[0]}:{creds[1]}@" if creds else ""
    return f"rtsp://{auth}127.0.0.1:{port}/{path}"


def ffprobe_frames(url: str, transport: str | None = None, frames: int = 15, timeout_s: float = 30) -> list[dict]:
    """The first `frames` decoded frames (pts, size, key_frame, pict_type) of the first video stream
    of an RTSP URL (`transport` tcp/udp) or a file (`transport` None)."""
    command = ["ffprobe", "-v", "error"]
    if transport:
        command += ["-rtsp_transport", transport]
    command += ["-select_streams", "v:0", "-read_intervals", f"%+#{frames}", "-show_frames", "-show_entries",
                "frame=pts,pts_time,width,height,key_frame,pict_type", "-of", "json", url]
    out = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s, check=False)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout).get("frames", [])


def check_frames(frames: list[dict], size: tuple[int, int], fps: float, min_frames: int = 10,
                 clock_hz: int = 90000) -> None:
    """At least `min_frames` frames of `size`, a keyframe first, timestamps increasing by about one
    frame (`clock_hz` ticks per second; ffmpeg leaves the very first RTSP frame unstamped)."""
    assert len(frames) >= min_frames, len(frames)
    assert frames[0]["key_frame"] == 1
    assert all((f["width"], f["height"]) == size for f in frames)
    assert all("pts" in f for f in frames[1:])
    pts = [f["pts"] for f in frames[1:]]
    assert all(b > a for a, b in pairwise(pts)), pts
    step = (pts[-1] - pts[0]) / (len(pts) - 1)
    assert clock_hz / fps * 0.5 < step < clock_hz / fps * 2, step
