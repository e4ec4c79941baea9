"""Bandit sessions dialect, pure rules: video sessions from runs of slices, the document's paging
(`sort`, `order`, `offset`, `count`), resolution / aspect-ratio / megapixel names, and the ids, file
names and paths the dialect shows for slices, snapshots and alarm pictures.

Names sort like their files: a file name starts with its UTC time (to the millisecond), then the
camera, stream/kind and id in fixed width, so sorting by file name is sorting by time (ties: camera,
then stream and type, or kind and id). Times are epoch ms UTC. No I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from camvault.core.errors import BadRequest
from camvault.core.model import Slice

SESSION_GAP_TOLERANCE_MS = 1000
"""Largest hole between two slices of one run that still counts as one session. The recorder
(`video/recorder.py`) cuts a run on a keyframe: the closing slice's `stop_ms` is its start (wall
clock of its first keyframe) plus the media time of its last packet's end, and the next slice
starts at the wall clock of the cutting keyframe. In one connection the two differ only by how far
wall clock and media clock drifted apart over one slice (arrival jitter of a keyframe, camera clock
drift: ~0.1 s on a LAN over a 600 s slice); test recordings give exactly 0. A reconnect costs at
least the 0.5 s back-off plus the source's open and first keyframe (3-4.5 s for RTSP), so a real
interruption is a larger hole. Overlaps (negative holes) always join."""

OPEN_ALARM_BURST_MS = 300_000
"""An alarm without an end (still active, or left open by a crash) gathers snapshots taken at most
this long after it started (the default `recording.alarm_max_s`)."""

MAX_COUNT = 1000
"""Largest `count` of one listing; more is a 400 (the document's "out of range")."""

DURATION_TOLERANCE_MS = 500
"""A file's measured duration may differ this much from its slice's indexed duration (B-frame
delay, Matroska millisecond rounding) and still be consistent."""

MAX_PATH_CHARS = 255
MAX_ID_CHARS = 49

RESOLUTIONS = ((2160, "4k"), (1520, "2.7k"), (1080, "1080p"), (720, "720p"))
"""Smallest frame height of each resolution name; below 720 lines it is `wvga`."""

ASPECT_RATIOS = (("16/9", 16 / 9), ("4/3", 4 / 3))

_VIDEO_ID = re.compile(r"^(?P<cam>\d{1,9})\.(?P<stream>\d{1,9})-(?P<start>\d{1,15})-(?P<type>[ra])$")
_IMAGE_ID = re.compile(r"^(?P<kind>snapshot|alarm)-(?P<id>\d{1,18})$")


# --- sessions ---------------------------------------------------------------------------------
def run_key(s: Slice) -> tuple[int, int, str]:
    """Slices of one run share camera, stream and type."""
    return s.camera_id, s.stream_id, s.type


def group_sessions(slices: Iterable[Slice], tolerance_ms: int = SESSION_GAP_TOLERANCE_MS) -> list[list[Slice]]:
    """Sessions: runs of slices of one camera stream and one type, each slice starting at most
    `tolerance_ms` after the latest stop seen so far in its run. Each session is in start order;
    sessions are ordered like their first file's name."""
    by_run: dict[tuple[int, int, str], list[Slice]] = {}
    for s in slices:
        by_run.setdefault(run_key(s), []).append(s)
    sessions: list[list[Slice]] = []
    for run in by_run.values():
        latest_stop_ms: int | None = None
        for s in sorted(run, key=lambda x: (x.start_ms, x.id)):
            if latest_stop_ms is None or s.start_ms > latest_stop_ms + tolerance_ms:
                sessions.append([])
            sessions[-1].append(s)
            latest_stop_ms = s.stop_ms if latest_stop_ms is None else max(latest_stop_ms, s.stop_ms)
    return sorted(sessions, key=lambda session: video_file_name(session[0]))


# --- paging -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Paging:
    """A listing request: `descending` by file name, from `offset` (0-based), at most `count`."""

    descending: bool = False
    offset: int = 0
    count: int = 1


def parse_paging(query: Mapping[str, str]) -> Paging:
    """The document's parameters (case-sensitive values); anything out of range is BadRequest.
    Other parameters are ignored."""
    sort = query.get("sort", "filename")
    if sort != "filename":
        raise BadRequest(f"'sort' must be 'filename', not {sort!r}", key="invalid_sort")
    order = query.get("order", "asc")
    if order not in ("asc", "desc"):
        raise BadRequest(f"'order' must be 'asc' or 'desc', not {order!r}", key="invalid_order")
    offset = _natural(query.get("offset"), "offset", default=0)
    count = _natural(query.get("count"), "count", default=1)
    if count > MAX_COUNT:
        raise BadRequest(f"'count' must be at most {MAX_COUNT}", key="count_out_of_range")
    return Paging(order == "desc", offset, count)


def check_offset(paging: Paging, total: int) -> None:
    """An offset past the total is an error; offset == total is an empty page."""
    if paging.offset > total:
        raise BadRequest(f"'offset' {paging.offset} is past the last of {total} items", key="offset_out_of_range")


def _natural(raw: str | None, name: str, *, default: int) -> int:
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 15:
        raise BadRequest(f"'{name}' must be a non-negative integer, not {raw!r}", key=f"invalid_{name}")
    return int(raw)


# --- names of media properties ----------------------------------------------------------------
def resolution_name(height_px: int) -> str:
    """`4k` from 2160 lines, `2.7k` from 1520, `1080p` from 1080, `720p` from 720, else `wvga`."""
    return next((name for lines, name in RESOLUTIONS if height_px >= lines), "wvga")


def aspect_ratio_name(width_px: int, height_px: int) -> str:
    """`16/9` or `4/3`, whichever is nearer to long side / short side (`16/9` when unknown)."""
    if width_px <= 0 or height_px <= 0:
        return "16/9"
    ratio = max(width_px, height_px) / min(width_px, height_px)
    return min(ASPECT_RATIOS, key=lambda named: abs(ratio - named[1]))[0]


def megapixels_name(width_px: int, height_px: int) -> str:
    """Pixels in millions: whole from 10 MP (`16MP`), one decimal from 0.1 MP (`0.9MP`), else two
    decimals (`0.01MP`)."""
    mp = width_px * height_px / 1e6
    if mp >= 10:
        return f"{round(mp)}MP"
    return f"{mp:.1f}MP" if mp >= 0.1 else f"{mp:.2f}MP"


def length_secs(duration_ms: int) -> float:
    """Seconds rounded to 2 decimal places."""
    return round(duration_ms / 1000, 2)


def iso_created(epoch_ms: int) -> str:
    """ISO 8601 UTC with `Z`, whole seconds, as in the document's examples."""
    return datetime.fromtimestamp(epoch_ms // 1000, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- ids, file names and paths ----------------------------------------------------------------
@dataclass(frozen=True)
class VideoKey:
    """What a video id names: one slice."""

    camera_id: int
    stream_id: int
    start_ms: int
    type: str


@dataclass(frozen=True)
class ImageKey:
    """What an image id names: a snapshot or an alarm's picture."""

    kind: str      # "snapshot" | "alarm"
    id: int


def video_id(s: Slice) -> str:
    """The slice file's stem, `<camera>.<stream>-<start_ms>-<type>`: stable and unique."""
    return f"{s.camera_id}.{s.stream_id}-{s.start_ms}-{s.type}"


def parse_video_id(text: str) -> VideoKey | None:
    match = _VIDEO_ID.match(text)
    if not match:
        return None
    return VideoKey(int(match["cam"]), int(match["stream"]), int(match["start"]), match["type"])


def image_id(kind: str, row_id: int) -> str:
    return f"{kind}-{row_id}"


def parse_image_id(text: str) -> ImageKey | None:
    match = _IMAGE_ID.match(text)
    return ImageKey(match["kind"], int(match["id"])) if match else None


def folder_name(camera_id: int) -> str:
    """The DCIM-style folder of a camera's files."""
    return f"CAM{camera_id:04d}"


def video_file_name(s: Slice) -> str:
    """`MOV_<YYYYMMDD>_<HHMMSS>_<mmm>_<camera>_<stream><R|A>.MKV` (Matroska, as recorded)."""
    return f"MOV_{_stamp(s.start_ms)}_{s.camera_id:04d}_{s.stream_id:02d}{s.type.upper()}.MKV"


def image_file_name(kind: str, camera_id: int, time_ms: int, row_id: int) -> str:
    """`IMG_<YYYYMMDD>_<HHMMSS>_<mmm>_<camera>_<A|S><id>.JPG` (A: alarm picture, S: snapshot)."""
    letter = "A" if kind == "alarm" else "S"
    return f"IMG_{_stamp(time_ms)}_{camera_id:04d}_{letter}{row_id:08d}.JPG"


def file_path(camera_id: int, file_name: str) -> str:
    """`'/' + folder + '/' + file name`."""
    return f"/{folder_name(camera_id)}/{file_name}"


def _stamp(epoch_ms: int) -> str:
    moment = datetime.fromtimestamp(epoch_ms // 1000, tz=timezone.utc)
    return f"{moment:%Y%m%d_%H%M%S}_{epoch_ms % 1000:03d}"


# --- image bursts -----------------------------------------------------------------------------
def burst_end_ms(time_ms: int, end_ms: int | None) -> int:
    """Until when an alarm gathers the camera's snapshots into its burst."""
    return end_ms if end_ms is not None else time_ms + OPEN_ALARM_BURST_MS


def burst_position(member_times: Sequence[tuple[int, int]], snapshot: tuple[int, int]) -> int:
    """1-based `order` of a snapshot (time_ms, id) in a burst whose first file is the alarm's
    picture and whose other files are `member_times` (time_ms, id)."""
    return 2 + sorted(member_times).index(snapshot)
