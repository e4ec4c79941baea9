"""Matroska CRC-32 verification: the checksums libavformat's Matroska muxer writes (option
`write_crc32`, on by default) as the first child of each top-level element of the Segment (SeekHead,
Info, Tracks, every Cluster, Cues). A CRC-32 element (ID 0xBF, 4 bytes, little-endian IEEE CRC-32)
covers the rest of its parent's data, so any damaged byte of a cluster shows, where demuxing alone
would resync past it silently.

Reads the file one top-level element at a time (a cluster is a few MB at most), so memory stays
bounded whatever the file size. Elements without a CRC-32 (other muxers) are not judged.
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import BinaryIO

EBML_HEADER_ID = 0x1A45DFA3
SEGMENT_ID = 0x18538067
CRC32_ID = 0xBF
MAX_ELEMENT_BYTES = 256 * 1024 * 1024
"""Larger top-level elements are not read into memory (a damaged size field would claim them)."""
_UNKNOWN_SIZES = {(1 << (7 * n)) - 1 for n in range(1, 9)}


class MatroskaError(ValueError):
    """The file is not Matroska as the muxer writes it (bad header, element past the end, ...)."""


def crc_problems(path: Path) -> list[str]:
    """One line per top-level element whose CRC-32 does not match (or whose framing is broken)."""
    try:
        with open(path, "rb") as f:
            end = f.seek(0, 2)
            f.seek(0)
            return _segment_problems(f, end)
    except MatroskaError as exc:
        return [str(exc)]
    except OSError as exc:
        return [f"unreadable: {exc}"]


def _segment_problems(f: BinaryIO, end: int) -> list[str]:
    element_id, size, _ = _read_header(f)
    if element_id != EBML_HEADER_ID:
        raise MatroskaError("not a Matroska file (no EBML header)")
    f.seek(size, 1)
    element_id, size, _ = _read_header(f)
    if element_id != SEGMENT_ID:
        raise MatroskaError("no Matroska segment after the EBML header")
    segment_end = end if size in _UNKNOWN_SIZES else min(end, f.tell() + size)
    problems: list[str] = []
    while f.tell() < segment_end:
        offset = f.tell()
        element_id, size, _ = _read_header(f)
        if size in _UNKNOWN_SIZES or size > MAX_ELEMENT_BYTES or f.tell() + size > end:
            raise MatroskaError(f"element 0x{element_id:X} at offset {offset} has a broken size")
        problem = _element_problem(f.read(size), element_id, offset)
        if problem:
            problems.append(problem)
    return problems


def _element_problem(data: bytes, element_id: int, offset: int) -> str | None:
    if len(data) < 6 or data[0] != CRC32_ID or data[1] != 0x84:
        return None
    stored = int.from_bytes(data[2:6], "little")
    if zlib.crc32(data[6:]) != stored:
        return f"CRC-32 mismatch in element 0x{element_id:X} at offset {offset}"
    return None


def _read_header(f: BinaryIO) -> tuple[int, int, int]:
    """(element id with its length marker, data size, header length) at the current position."""
    element_id, id_len = _read_vint(f, keep_marker=True)
    size, size_len = _read_vint(f, keep_marker=False)
    return element_id, size, id_len + size_len


def _read_vint(f: BinaryIO, *, keep_marker: bool) -> tuple[int, int]:
    first = f.read(1)
    if not first:
        raise MatroskaError("file ends inside an element header")
    length = 9 - first[0].bit_length()
    if not 1 <= length <= 8:
        raise MatroskaError("invalid EBML variable-length integer")
    rest = f.read(length - 1)
    if len(rest) != length - 1:
        raise MatroskaError("file ends inside an element header")
    value = first[0] if keep_marker else first[0] & ((0x80 >> (length - 1)) - 1)
    for byte in rest:
        value = (value << 8) | byte
    return value, length
