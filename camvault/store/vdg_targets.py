"""VDG Sense export targets: the folder a client's `path` names, confined to the export roots
(the configured export volumes), created if missing, its free space, and the throttled copy of a
finished export file into it.

Confinement: a relative path is inside the default root; an absolute path must lie inside one
root. Each component is resolved (symlinks followed) and checked against the root before the next
one is used or created, and the folder is checked again right before a file is written, which is
opened with O_EXCL|O_NOFOLLOW. A path that leaves its root is INCORRECT_PATH (-58); a folder that
cannot be made is CANNOT_CREATE_DIR (-61). Nothing is ever created outside a root.
Files are written as `<name>.part` and renamed once complete and fsynced. Thread-safe (no state).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from camvault.core.vdg import (
    CANNOT_CREATE_DIR,
    INCORRECT_PATH,
    TokenBucket,
    VdgError,
    chunk_bytes,
    path_parts,
)

PARTIAL_SUFFIX = ".part"


class ExportCopyStopped(Exception):
    """`should_stop` answered True during a copy; the partial file is gone."""


class ExportTargets:
    def __init__(self, roots: Iterable[Path], default_root: Path) -> None:
        self._default_root = default_root.resolve()
        self._roots = [r.resolve() for r in roots]

    def folder(self, path: str) -> Path:
        """The folder `path` names, created if missing (see the module's confinement rules)."""
        absolute, parts = path_parts(path)
        root, rest = self._split(path, absolute, parts)
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise VdgError(CANNOT_CREATE_DIR, f"Unable to create the export root: {exc.strerror}") from None
        current = root
        for part in rest:
            current = self._step(root, current / part, path)
        return current

    def _split(self, path: str, absolute: bool, parts: tuple[str, ...]) -> tuple[Path, tuple[str, ...]]:
        if not absolute:
            return self._default_root, parts
        candidate = Path("/").joinpath(*parts)
        for root in sorted(self._roots, key=lambda r: -len(r.parts)):
            if candidate.is_relative_to(root):
                return root, candidate.relative_to(root).parts
        raise VdgError(INCORRECT_PATH, f"Incorrect path {path!r}: not inside an export folder of this server")

    @staticmethod
    def _step(root: Path, nxt: Path, path: str) -> Path:
        if not (nxt.exists() or nxt.is_symlink()):
            try:
                os.mkdir(nxt, 0o755)
            except FileExistsError:
                pass
            except OSError as exc:
                raise VdgError(CANNOT_CREATE_DIR, f"Unable to create directory {nxt.name!r}: {exc.strerror}") from None
        resolved = nxt.resolve()
        if not resolved.is_relative_to(root):
            raise VdgError(INCORRECT_PATH, f"Incorrect path {path!r}: it leaves the export folder")
        if not resolved.is_dir():
            raise VdgError(CANNOT_CREATE_DIR, f"Unable to create directory {nxt.name!r}: a file is in the way")
        return resolved

    def check_inside(self, folder: Path) -> None:
        """Right before writing: the folder still resolves inside a root (INCORRECT_PATH otherwise)."""
        resolved = folder.resolve()
        if resolved != folder or not any(resolved.is_relative_to(r) for r in (self._default_root, *self._roots)):
            raise VdgError(INCORRECT_PATH, f"The export folder {folder} moved out of the export folders")


def free_bytes(folder: Path) -> int:
    return shutil.disk_usage(folder).free


def unique_name(folder: Path, name: str) -> str:
    """`name`, or `stem-2.ext`, `stem-3.ext`... so that neither it nor its partial exists."""
    stem, dot, ext = name.rpartition(".")
    candidate, n = name, 1
    while (folder / candidate).exists() or (folder / (candidate + PARTIAL_SUFFIX)).exists():
        n += 1
        candidate = f"{stem}-{n}{dot}{ext}"
    return candidate


def copy_throttled(source: Path, folder: Path, name: str, *, rate_bytes_per_s: int,
                   on_progress: Callable[[int], None], wait: Callable[[float], bool],
                   monotonic: Callable[[], float] = time.monotonic) -> int:
    """Copy `source` to `folder/name` at most `rate_bytes_per_s` (0: unlimited); `on_progress` gets
    the bytes written so far; `wait(s)` sleeps and returns True when the copy must stop
    (ExportCopyStopped, partial removed). Returns the size."""
    partial = folder / (name + PARTIAL_SUFFIX)
    bucket = TokenBucket(rate_bytes_per_s, chunk_bytes(rate_bytes_per_s)) if rate_bytes_per_s > 0 else None
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    written = 0
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as src:
            while chunk := src.read(chunk_bytes(rate_bytes_per_s)):
                delay_s = bucket.delay_s(monotonic(), len(chunk)) if bucket else 0.0
                if wait(delay_s):
                    raise ExportCopyStopped()
                out.write(chunk)
                out.flush()
                written += len(chunk)
                on_progress(written)
            os.fsync(out.fileno())
        os.replace(partial, folder / name)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return written
