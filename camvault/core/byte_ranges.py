"""HTTP `Range: bytes=...` requests over a resource of known size (RFC 9110 14.1), pure.

Only a single range is served as 206; several ranges (rare for media players) are answered with the
whole resource, as the RFC allows. Offsets are inclusive byte positions.
"""

from __future__ import annotations

from dataclasses import dataclass


class RangeNotSatisfiable(ValueError):
    """The range starts past the end of the resource (416)."""


@dataclass(frozen=True)
class ByteRange:
    first: int
    last: int

    @property
    def length_bytes(self) -> int:
        return self.last - self.first + 1

    def content_range(self, size_bytes: int) -> str:
        return f"bytes {self.first}-{self.last}/{size_bytes}"


def parse_range(header: str | None, size_bytes: int) -> ByteRange | None:
    """The one range a `Range` header asks for, None for the whole resource (no header, a header
    that is not a bytes range, several ranges, or a malformed one: all ignored as the RFC allows).
    Raises RangeNotSatisfiable when the range lies wholly past the end."""
    if not header or not header.strip().lower().startswith("bytes="):
        return None
    spec = header.strip()[len("bytes="):].strip()
    if "," in spec or "-" not in spec:
        return None
    first_raw, last_raw = (part.strip() for part in spec.split("-", 1))
    if not (first_raw.isdigit() or first_raw == "") or not (last_raw.isdigit() or last_raw == ""):
        return None
    if first_raw == "":
        if last_raw == "" or int(last_raw) == 0:
            return None if last_raw == "" else _unsatisfiable(size_bytes)
        return ByteRange(max(0, size_bytes - int(last_raw)), size_bytes - 1) if size_bytes else _unsatisfiable(0)
    first = int(first_raw)
    last = min(int(last_raw), size_bytes - 1) if last_raw else size_bytes - 1
    if first >= size_bytes:
        _unsatisfiable(size_bytes)
    if last < first:
        return None
    return ByteRange(first, last)


def _unsatisfiable(size_bytes: int):
    raise RangeNotSatisfiable(f"no byte of the range lies within the {size_bytes} bytes")
