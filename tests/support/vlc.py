"""VLC (`cvlc`) as an outside RTSP client for tests: play a URL for a few seconds and dump the
received stream to an MPEG-TS file with `--sout`, then look at that file with ffprobe.

VLC refuses to run as root; as root (CI, these machines) it runs as `nobody` through `setpriv`,
with its HOME and output in a private directory owned by that user. VLC's RTSP client is its
live555 module, but Debian builds VLC with `--disable-live555` (and ships no live555 library).
Debian's VLC then opens `rtsp://` with its SAT>IP access module (an RTSP session of its own whose
payload it cannot use) and, with `--demux=avformat --avformat-format=rtsp`, plays the URL through
libavformat's RTSP client (a second session); when the SAT>IP session is refused (wrong password)
nothing plays. `rtsp_client()` says which client this VLC has and `vlc_record` adapts: live555
takes `--rtsp-tcp`/`--no-rtsp-tcp` and `--rtsp-user/--rtsp-pwd`; the avformat path takes
credentials in the URL (answered with Digest when offered, as ffmpeg does) and cannot be told to
use TCP (VLC 3 opens the demuxer without options and `--avformat-options` only reach the codecs;
this libavformat ignores `?tcp`): it sets up UDP, falling back to TCP only if UDP stays silent, so
asking it for TCP raises `VlcUnsupported`.
Timestamps in VLC's dump are VLC's re-stamped ones: steady at the frame rate but with a few jumps
back (e.g. after the 4th and the ~22nd frame), which ffprobe on the same RTSP URL does not see.
"""

from __future__ import annotations

import functools
import json
import os
import pwd
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from tests.support.rtsp_interop import ffprobe_frames

UNPRIVILEGED_USER = "nobody"


class VlcUnsupported(RuntimeError):
    """This VLC cannot play the way asked (e.g. RTSP over TCP without live555)."""


def cvlc_path() -> str | None:
    return shutil.which("cvlc")


def _as_user(command: list[str]) -> list[str]:
    """The command run as an unprivileged user when we are root (VLC exits at once as root)."""
    if os.geteuid() != 0:
        return command
    return ["setpriv", f"--reuid={UNPRIVILEGED_USER}", f"--regid={pwd.getpwnam(UNPRIVILEGED_USER).pw_gid}",
            "--clear-groups", *command]


def _private_dir() -> tempfile.TemporaryDirectory:
    """A scratch directory the VLC process can write (its HOME and its output)."""
    scratch = tempfile.TemporaryDirectory(prefix="camvault-vlc-")
    if os.geteuid() == 0:
        user = pwd.getpwnam(UNPRIVILEGED_USER)
        os.chown(scratch.name, user.pw_uid, user.pw_gid)
    return scratch


@functools.cache
def rtsp_client() -> str | None:
    """VLC's RTSP client here: "live555", "avformat" (Debian's build), or None without cvlc."""
    cvlc = cvlc_path()
    if cvlc is None:
        return None
    with _private_dir() as home:
        out = subprocess.run(_as_user([cvlc, "--list"]), capture_output=True, text=True, timeout=60, check=False,
                             env={**os.environ, "HOME": home})
    if re.search(r"^\s+live555\s", out.stdout, re.M):
        return "live555"
    if re.search(r"^\s+avformat\s+Avformat demuxer", out.stdout, re.M):
        return "avformat"
    raise RuntimeError(f"cvlc has neither a live555 nor an avformat demuxer:\n{out.stdout[-2000:]}{out.stderr[-2000:]}")


@dataclass(frozen=True)
class VlcRecording:
    """What VLC received: the dump file (absent when nothing came), its exit code and log tail."""

    path: Path
    returncode: int
    log: str
    client: str

    def frames(self, count: int = 1000) -> list[dict]:
        """The dump's decoded frames (ffprobe), [] when VLC wrote nothing."""
        if not self.path.is_file() or self.path.stat().st_size == 0:
            return []
        return ffprobe_frames(str(self.path), None, count)

    def codec(self) -> str | None:
        """ffmpeg's name of the dump's video codec, None when VLC wrote nothing."""
        if not self.path.is_file() or self.path.stat().st_size == 0:
            return None
        out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                              "stream=codec_name", "-of", "json", str(self.path)], capture_output=True, text=True,
                             timeout=30, check=True)
        streams = json.loads(out.stdout).get("streams", [])
        return streams[0]["codec_name"] if streams else None


def vlc_command(url: str, seconds: float, dump: str, *, tcp: bool | None, user: str | None,
                password: str | None, client: str) -> list[str]:
    """The cvlc command line: play `url` for `seconds`, dump it to `dump` (MPEG-TS), then quit."""
    command = [cvlc_path() or "cvlc", "-I", "dummy", "--no-dbus", "--aout=adummy", "--no-audio",
               "--network-caching=300"]
    if client == "live555":
        if tcp is not None:
            command.append("--rtsp-tcp" if tcp else "--no-rtsp-tcp")
        if user is not None:
            command += [f"--rtsp-user={user}", f"--rtsp-pwd={password or ''}"]
    else:
        command += ["--demux=avformat", "--avformat-format=rtsp"]
        if user is not None:
            url = _with_credentials(url, user, password or "")
    return command + [url, f"--run-time={seconds:g}", f"--sout=#std{{access=file,mux=ts,dst={dump}}}",
                      "vlc://quit"]


def _with_credentials(url: str, user: str, password: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{quote(user, safe='')}:{quote(password, safe='')}@{host}"))


def vlc_record(url: str, seconds: float, out_path: Path, *, tcp: bool | None = None, user: str | None = None,
               password: str | None = None, timeout_s: float | None = None) -> VlcRecording:
    """Play `url` with VLC for `seconds` and move what it dumped to `out_path` (MPEG-TS). `tcp`:
    True RTP over the RTSP connection, False over UDP, None VLC's default (UDP first). `user` and
    `password` go to VLC's own credential options (live555) or into the URL (avformat); credentials
    may also be in `url` itself. Raises VlcUnsupported when cvlc is not installed or cannot play
    over TCP (no live555)."""
    client = rtsp_client()
    if client is None:
        raise VlcUnsupported("cvlc is not installed (scripts/install-test-deps.sh installs vlc-bin)")
    if tcp and client != "live555":
        raise VlcUnsupported("this VLC has no live555 module (Debian builds it with --disable-live555): it "
                             "plays RTSP through libavformat, which VLC 3 cannot set to TCP")
    with _private_dir() as scratch:
        dump = Path(scratch) / "dump.ts"
        command = vlc_command(url, seconds, str(dump), tcp=tcp, user=user, password=password, client=client)
        out = subprocess.run(_as_user(command), capture_output=True, text=True, check=False,
                             timeout=timeout_s or seconds + 30, env={**os.environ, "HOME": scratch})
        out_path.unlink(missing_ok=True)
        if dump.is_file():
            shutil.move(dump, out_path)
    return VlcRecording(out_path, out.returncode, (out.stdout + out.stderr)[-4000:], client)
