"""Export volumes: the directories export files are written to (CamTrace "disks"), their
filesystem and space, and the file work on them (zip packing, md5, publish, unlink).

The volume with id None is the default export directory (`<data dir>/exports` unless configured).
File names handed to other layers are relative to their volume's root; `file_path()` refuses any
name that would leave it. A file is written as `<name>.part` and renamed once complete and fsynced,
so a finished name always holds a complete file. Thread-safe (no shared mutable state).
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import time
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from camvault.core.volumes import mount_of, parse_mounts

log = logging.getLogger(__name__)

PARTIAL_SUFFIX = ".part"
CHUNK_BYTES = 1 << 20
DEFAULT_DIR_NAME = "exports"

Progress = Callable[[float], None]


@dataclass(frozen=True)
class ExportVolume:
    id: int | None
    name: str
    root: Path


@dataclass(frozen=True)
class VolumeUsage:
    volume: ExportVolume
    fstype: str
    total_bytes: int
    free_bytes: int


class ExportVolumes:
    def __init__(self, volumes: Iterable[ExportVolume], mounts_file: Path = Path("/proc/mounts")) -> None:
        self._volumes = list(volumes)
        self._mounts_file = mounts_file

    @classmethod
    def build(cls, data_dir: Path, dirs: Iterable) -> ExportVolumes:
        """Volumes from configured directories (objects with `id`, `name`, `path`; a relative path is
        inside `data_dir`); the default volume (id None) is `<data_dir>/exports` unless one is configured."""
        volumes = [ExportVolume(d.id, d.name, (data_dir / d.path).resolve()) for d in dirs]
        if not any(v.id is None for v in volumes):
            volumes.insert(0, ExportVolume(None, "default", (data_dir / DEFAULT_DIR_NAME).resolve()))
        return cls(volumes)

    def list(self) -> list[ExportVolume]:
        return list(self._volumes)

    def get(self, disk_id: int | None) -> ExportVolume | None:
        return next((v for v in self._volumes if v.id == disk_id), None)

    def usage(self, volume: ExportVolume) -> VolumeUsage:
        """Filesystem type (longest matching mount point) and space of the volume; creates its folder."""
        try:
            volume.root.mkdir(parents=True, exist_ok=True)
            space = shutil.disk_usage(volume.root)
        except OSError as exc:
            log.error("export disk %s (%s) cannot be measured: %s", volume.name, volume.root, exc)
            return VolumeUsage(volume, "unknown", 0, 0)
        try:
            mount = mount_of(str(volume.root), parse_mounts(self._mounts_file.read_text()))
        except OSError as exc:
            log.warning("cannot read %s: %s", self._mounts_file, exc)
            mount = None
        return VolumeUsage(volume, mount.fstype if mount else "unknown", space.total, space.free)

    def file_path(self, disk_id: int | None, name: str) -> Path:
        volume = self.get(disk_id)
        if volume is None:
            raise KeyError(disk_id)
        path = (volume.root / name).resolve()
        if not path.is_relative_to(volume.root):
            raise ValueError(f"file name escapes the export volume: {name}")
        return path

    def partial_path(self, disk_id: int | None, name: str) -> Path:
        """Where `name` is written until it is complete (its folder is created)."""
        path = self.file_path(disk_id, name + PARTIAL_SUFFIX)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def publish(self, disk_id: int | None, name: str) -> int:
        """fsync the complete partial file, rename it to `name`, fsync the folder; returns its size."""
        partial, final = self.file_path(disk_id, name + PARTIAL_SUFFIX), self.file_path(disk_id, name)
        with open(partial, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, final)
        fd = os.open(final.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        return final.stat().st_size

    def unlink(self, disk_id: int | None, name: str) -> None:
        """Remove a file and its partial; files already gone are fine."""
        for candidate in (name, name + PARTIAL_SUFFIX):
            try:
                self.file_path(disk_id, candidate).unlink()
            except FileNotFoundError:
                pass
            except (OSError, KeyError) as exc:
                log.error("cannot remove export file %s on disk %s: %s", candidate, disk_id, exc)

    def remove_partials(self) -> int:
        """Startup: remove the partial files left by jobs a stop or crash interrupted."""
        removed = 0
        for volume in self._volumes:
            for path in volume.root.glob(f"*{PARTIAL_SUFFIX}") if volume.root.is_dir() else ():
                path.unlink(missing_ok=True)
                removed += 1
        if removed:
            log.info("removed %d partial export files", removed)
        return removed


def pack_zip(source: Path, dest: Path, arcname: str, on_progress: Progress) -> None:
    """Write `source` into the new zip `dest` as `arcname`, stored (video does not compress),
    streaming in chunks; `on_progress` gets the fraction copied."""
    total = source.stat().st_size
    info = zipfile.ZipInfo(arcname, date_time=time.gmtime()[:6])
    info.compress_type = zipfile.ZIP_STORED
    info.file_size = total
    with zipfile.ZipFile(dest, "w", allowZip64=True) as archive, source.open("rb") as src, \
            archive.open(info, "w", force_zip64=total > zipfile.ZIP64_LIMIT // 2) as out:
        copied = 0
        while chunk := src.read(CHUNK_BYTES):
            out.write(chunk)
            copied += len(chunk)
            on_progress(copied / total if total else 1.0)


def md5_of(path: Path, on_progress: Progress) -> str:
    """Hex MD5 of a file, read in chunks; `on_progress` gets the fraction read."""
    total = path.stat().st_size
    digest, done = hashlib.md5(), 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
            done += len(chunk)
            on_progress(done / total if total else 1.0)
    return digest.hexdigest()
