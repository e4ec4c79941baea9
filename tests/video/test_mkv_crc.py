"""Matroska CRC-32 verification on real files written by PyAV's Matroska muxer."""

from __future__ import annotations

import threading
from pathlib import Path

import av
import pytest

from camvault.video.mkv_crc import SEGMENT_ID, _read_header, crc_problems
from camvault.video.sources import open_source


@pytest.fixture(scope="module")
def mkv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("mkv") / "slice.mkv"
    session = open_source("synthetic://?width=160&height=90&fps=10&gop=10&realtime=0").open(threading.Event())
    with av.open(str(path), "w", format="matroska") as out:
        stream = session.add_output_stream(out)
        for count, packet in enumerate(session.packets(), 1):
            packet.stream = stream
            out.mux(packet)
            if count == 40:
                break
    session.close()
    return path


def _clusters(path: Path) -> list[tuple[int, int]]:
    """(data offset, size) of each Cluster."""
    found = []
    with open(path, "rb") as f:
        end = f.seek(0, 2)
        f.seek(_segment_start(path))
        while f.tell() < end:
            element_id, size, _ = _read_header(f)
            if element_id == 0x1F43B675:
                found.append((f.tell(), size))
            f.seek(size, 1)
    return found


def _segment_start(path: Path) -> int:
    with open(path, "rb") as f:
        _, size, _ = _read_header(f)
        f.seek(size, 1)
        element_id, _, _ = _read_header(f)
        assert element_id == SEGMENT_ID
        return f.tell()


def _damaged(src: Path, dst: Path, offset: int) -> Path:
    data = bytearray(src.read_bytes())
    data[offset] ^= 0x40
    dst.write_bytes(bytes(data))
    return dst


def test_a_sound_file_has_a_checksum_on_every_cluster_and_no_problem(mkv):
    assert len(_clusters(mkv)) >= 2
    assert crc_problems(mkv) == []


def test_one_flipped_bit_inside_any_cluster_is_found(mkv, tmp_path):
    for n, (offset, size) in enumerate(_clusters(mkv)):
        problems = crc_problems(_damaged(mkv, tmp_path / f"c{n}.mkv", offset + size // 2))
        assert len(problems) == 1 and "CRC-32 mismatch" in problems[0]


def test_a_truncated_file_and_a_foreign_file_are_problems(mkv, tmp_path):
    cut = tmp_path / "cut.mkv"
    cut.write_bytes(mkv.read_bytes()[: mkv.stat().st_size * 2 // 3])
    assert crc_problems(cut) and "broken size" in crc_problems(cut)[0]
    foreign = tmp_path / "x.mkv"
    foreign.write_bytes(b"\x00\x00\x01\xb3" + bytes(100))
    assert crc_problems(foreign)
    assert crc_problems(tmp_path / "missing.mkv")[0].startswith("unreadable")
