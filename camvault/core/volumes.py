"""Which mounted filesystem holds a path, from the text of /proc/mounts.

Pure: the caller reads the file. Mount points in /proc/mounts escape space, tab, newline and
backslash as octal (`\\040`); they are unescaped here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

_OCTAL = re.compile(r"\\([0-7]{3})")


@dataclass(frozen=True)
class Mount:
    device: str
    mount_point: str
    fstype: str


def parse_mounts(text: str) -> list[Mount]:
    """Every well-formed line of /proc/mounts, in file order."""
    found = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 3:
            found.append(Mount(_unescape(fields[0]), _unescape(fields[1]), fields[2]))
    return found


def mount_of(path: str, mounts: list[Mount]) -> Mount | None:
    """The mount whose mount point is the longest prefix of the absolute `path` (the last one listed
    wins among equal mount points, as later mounts hide earlier ones)."""
    target = PurePosixPath(path)
    best: Mount | None = None
    for mount in mounts:
        point = PurePosixPath(mount.mount_point)
        if (target == point or point in target.parents) and (
                best is None or len(point.parts) >= len(PurePosixPath(best.mount_point).parts)):
            best = mount
    return best


def _unescape(text: str) -> str:
    return _OCTAL.sub(lambda m: chr(int(m.group(1), 8)), text)
