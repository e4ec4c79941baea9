"""The one way every reader opens a slice, wherever it lives: on local disk, or (once uploaded
and removed locally) only in S3-compatible object storage.

`SliceFiles.locate(slice)` returns a `SliceSource`: `media_input` is what PyAV/ffmpeg opens (a local
path, or a signed HTTP URL it reads with Range requests), `read(first, last)` yields a byte range for
HTTP downloads (206 answers proxy S3 ranges). The local file wins when both exist. Sizes in bytes.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from camvault.core.model import Slice
from camvault.store.media import MediaStore
from camvault.store.object_store import ObjectStore, ObjectStoreError
from camvault.store.uploads import UploadRepo

READ_CHUNK_BYTES = 256 * 1024


@dataclass(frozen=True)
class SliceSource:
    """A readable slice: `local` when it is on disk, else `object_key` in `objects`."""

    size_bytes: int
    local: Path | None = None
    object_key: str | None = None
    objects: ObjectStore | None = None

    @property
    def media_input(self) -> str:
        """What av.open() takes: the local path or a signed URL (ranged HTTP reads)."""
        if self.local is not None:
            return str(self.local)
        return self.objects.url(self.object_key)

    @property
    def identity(self) -> tuple:
        """Changes when the content may have changed (cache keys of verdicts)."""
        if self.local is not None:
            stat = self.local.stat()
            return ("file", stat.st_size, stat.st_mtime_ns)
        return ("object", self.object_key, self.size_bytes)

    @contextmanager
    def local_copy(self) -> Iterator[Path]:
        """A local file with the slice's bytes for readers that need a file (integrity checks): the
        file itself, or a temporary copy of the object removed on exit."""
        if self.local is not None:
            yield self.local
            return
        with tempfile.NamedTemporaryFile(suffix=".mkv") as handle:
            for chunk in self.read(0, self.size_bytes - 1):
                handle.write(chunk)
            handle.flush()
            yield Path(handle.name)

    def read(self, first: int, last: int) -> Iterator[bytes]:
        """Bytes first..last (inclusive)."""
        if self.local is None:
            yield from self.objects.read_range(self.object_key, first, last)
            return
        with open(self.local, "rb") as handle:
            handle.seek(first)
            left = last - first + 1
            while left > 0:
                chunk = handle.read(min(READ_CHUNK_BYTES, left))
                if not chunk:
                    return
                left -= len(chunk)
                yield chunk


class SliceFiles:
    """Locates slices on disk first, then in the object store (when S3 is configured)."""

    def __init__(self, media: MediaStore, uploads: UploadRepo, objects: ObjectStore | None) -> None:
        self._media = media
        self._uploads = uploads
        self.objects = objects

    def locate(self, s: Slice) -> SliceSource | None:
        """Where the slice can be read from; None when it is neither on disk nor in S3."""
        path = self._media.absolute(s.path)
        try:
            return SliceSource(size_bytes=path.stat().st_size, local=path)
        except OSError:
            pass
        if self.objects is None:
            return None
        key = self._uploads.object_key(s.id)
        if key is None:
            return None
        return SliceSource(size_bytes=s.size_bytes, object_key=key, objects=self.objects)

    def media_input(self, s: Slice) -> str | None:
        """What PyAV opens for the slice (None: missing everywhere, or S3 unreachable for signing)."""
        found = self.locate(s)
        if found is None:
            return None
        try:
            return found.media_input
        except ObjectStoreError:
            return None
