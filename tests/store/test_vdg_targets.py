"""VDG export targets on a real filesystem: folders confined to the export roots (.., absolute
paths outside, symlinks out are refused and nothing is created outside), and the throttled copy."""

from __future__ import annotations

import os
import threading
import time

import pytest

from camvault.core import vdg
from camvault.core.vdg import VdgError
from camvault.store.vdg_targets import (
    ExportCopyStopped,
    ExportTargets,
    copy_throttled,
    unique_name,
)


@pytest.fixture
def roots(tmp_path):
    default, extra, outside = tmp_path / "exports", tmp_path / "nas", tmp_path / "outside"
    for d in (extra, outside):
        d.mkdir()
    return ExportTargets([default, extra], default), default, extra, outside


def code_of(targets, path) -> int:
    with pytest.raises(VdgError) as caught:
        targets.folder(path)
    return caught.value.code


def test_relative_and_absolute_paths_inside_roots_are_created(roots):
    targets, default, extra, _outside = roots
    assert targets.folder("case1/cam a") == default / "case1" / "cam a"
    assert (default / "case1" / "cam a").is_dir()
    assert targets.folder(f"{extra}/x/y") == extra / "x" / "y"
    assert targets.folder(str(extra)) == extra


def test_escapes_are_refused_and_nothing_is_written_outside(roots):
    targets, default, _extra, outside = roots
    assert code_of(targets, "../outside/x") == vdg.INCORRECT_PATH
    assert code_of(targets, f"{outside}/x") == vdg.INCORRECT_PATH
    assert code_of(targets, f"{default}/../outside/x") == vdg.INCORRECT_PATH
    default.mkdir(exist_ok=True)
    (default / "link").symlink_to(outside)
    assert code_of(targets, "link/sub") == vdg.INCORRECT_PATH
    assert code_of(targets, f"{default}/link") == vdg.INCORRECT_PATH
    assert list(outside.iterdir()) == []


def test_a_symlink_inside_the_root_is_followed(roots):
    targets, default, _extra, _outside = roots
    (default / "real").mkdir(parents=True)
    (default / "alias").symlink_to(default / "real")
    assert targets.folder("alias/new") == default / "real" / "new"


def test_folders_that_cannot_be_made_are_minus_61(roots):
    targets, default, _extra, _outside = roots
    default.mkdir()
    (default / "file").write_text("x")
    assert code_of(targets, "file/sub") == vdg.CANNOT_CREATE_DIR
    locked = default / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user that ignores permissions")
        assert code_of(targets, "locked/sub") == vdg.CANNOT_CREATE_DIR
    finally:
        locked.chmod(0o700)


def test_check_inside_notices_a_folder_swapped_for_a_symlink(roots):
    targets, _default, _extra, outside = roots
    folder = targets.folder("swap")
    folder.rmdir()
    folder.symlink_to(outside)
    with pytest.raises(VdgError) as caught:
        targets.check_inside(folder)
    assert caught.value.code == vdg.INCORRECT_PATH


def test_throttled_copy_takes_size_over_rate(tmp_path):
    source = tmp_path / "src.bin"
    source.write_bytes(os.urandom(300_000))
    seen = []
    started = time.monotonic()
    size = copy_throttled(source, tmp_path, "out.mkv", rate_bytes_per_s=1_000_000, on_progress=seen.append,
                          wait=lambda s: threading.Event().wait(s))
    elapsed = time.monotonic() - started
    assert size == 300_000 and (tmp_path / "out.mkv").read_bytes() == source.read_bytes()
    assert 0.25 <= elapsed <= 0.45
    assert seen == sorted(seen) and seen[-1] == 300_000
    assert not (tmp_path / "out.mkv.part").exists()
    assert unique_name(tmp_path, "out.mkv") == "out-2.mkv"


def test_a_stopped_copy_leaves_no_file(tmp_path):
    source = tmp_path / "src.bin"
    source.write_bytes(b"x" * 100_000)
    calls = []
    with pytest.raises(ExportCopyStopped):
        copy_throttled(source, tmp_path, "out.mkv", rate_bytes_per_s=10_000, on_progress=lambda n: None,
                       wait=lambda s: calls.append(s) or len(calls) > 3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["src.bin"]
