"""Media files under the data dir: where slices are written, listed, measured and unlinked.

Paths handed to other layers are relative (POSIX separators) to `root`; `absolute()` resolves them
and refuses anything that would leave the root.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from camvault.core.reconcile import PARTIAL_SUFFIX


class MediaStore:
    """Local-disk media root."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def absolute(self, relpath: str) -> Path:
        path = (self.root / relpath).resolve()
        if not path.is_relative_to(self.root):
            raise ValueError(f"path escapes the media root: {relpath}")
        return path

    def partial_path(self, relpath: str) -> Path:
        """Where a slice is written until it is closed."""
        path = self.absolute(relpath + PARTIAL_SUFFIX)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def publish(self, relpath: str) -> int:
        """fsync the closed partial file, rename it to its final name, fsync the folder; returns its size."""
        partial = self.absolute(relpath + PARTIAL_SUFFIX)
        final = self.absolute(relpath)
        with open(partial, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, final)
        _fsync_dir(final.parent)
        return final.stat().st_size

    def list_slice_files(self) -> Iterator[str]:
        """Every file under slices/, finished or partial."""
        base = self.root / "slices"
        if not base.exists():
            return
        for dirpath, _dirs, names in os.walk(base):
            for name in names:
                yield (Path(dirpath) / name).relative_to(self.root).as_posix()

    def size(self, relpath: str) -> int:
        return self.absolute(relpath).stat().st_size

    def unlink(self, relpath: str) -> None:
        """Remove a file; a file already gone is fine."""
        try:
            self.absolute(relpath).unlink()
        except FileNotFoundError:
            pass

    def free_bytes(self) -> int:
        self.root.mkdir(parents=True, exist_ok=True)
        return shutil.disk_usage(self.root).free

    def write_file(self, relpath: str, data: bytes) -> int:
        """Write a small file whole and durably (temporary name, fsync, rename, folder fsync), so a
        reader or a crash never sees half of it; returns its size."""
        final = self.absolute(relpath)
        final.parent.mkdir(parents=True, exist_ok=True)
        partial = final.with_name(final.name + ".tmp")
        with open(partial, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, final)
        _fsync_dir(final.parent)
        return len(data)

    def read_file(self, relpath: str) -> bytes:
        """The whole content of a small file (FileNotFoundError if it is gone)."""
        return self.absolute(relpath).read_bytes()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
