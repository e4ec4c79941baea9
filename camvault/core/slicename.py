"""Slice file names: `slices/<camera>/<YYYY-MM-DD>/<camera>.<stream>-<start_ms>-<type>.mkv`.

The name alone lets startup reconciliation index a file that lost its row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

_NAME = re.compile(r"^(?P<cam>\d+)\.(?P<stream>\d+)-(?P<start>\d+)-(?P<type>[ra])\.mkv$")


@dataclass(frozen=True)
class SliceName:
    camera_id: int
    stream_id: int
    start_ms: int
    type: str


def slice_relpath(camera_id: int, stream_id: int, start_ms: int, slice_type: str) -> str:
    """Relative path (POSIX separators) of a finished slice file under the media root."""
    day = datetime.fromtimestamp(start_ms / 1000, tz=timezone.utc).strftime("%Y-%m-%d")
    return f"slices/{camera_id}/{day}/{camera_id}.{stream_id}-{start_ms}-{slice_type}.mkv"


def parse_slice_name(relpath: str) -> SliceName | None:
    """Parse the file name part of a slice path; None if it is not a slice name."""
    match = _NAME.match(relpath.rsplit("/", 1)[-1])
    if not match:
        return None
    return SliceName(int(match["cam"]), int(match["stream"]), int(match["start"]), match["type"])
