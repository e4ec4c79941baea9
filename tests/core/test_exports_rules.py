"""Pure rules of exports, protected records, tasks and export volumes."""

import pytest

from camvault.core.errors import BadRequest
from camvault.core.exports import check_range, check_slice_type, overlaps
from camvault.core.tasks import check_task_filter, clamp_pct
from camvault.core.volumes import mount_of, parse_mounts

MOUNTS = """\
/dev/vda / ext4 rw,relatime 0 0
proc /proc proc rw 0 0
/dev/vdb /mnt/usb vfat rw 0 0
/dev/vdc /mnt/usb/inner xfs rw 0 0
tmpfs /mnt/with\\040space tmpfs rw 0 0
/dev/vdd /mnt/usb btrfs rw 0 0
"""


def test_the_longest_mount_point_holds_a_path():
    mounts = parse_mounts(MOUNTS)
    assert mount_of("/var/lib/camvault/exports", mounts).fstype == "ext4"
    assert mount_of("/mnt/usb/inner/x", mounts).fstype == "xfs"
    assert mount_of("/mnt/usbkey/x", mounts).fstype == "ext4"          # a prefix of the name is not a parent
    assert mount_of("/mnt/usb", mounts).fstype == "btrfs"              # mounted over: the last one wins
    assert mount_of("/mnt/with space/e", mounts).mount_point == "/mnt/with space"
    assert mount_of("/x", []) is None


def test_overlap_excludes_touching_ranges():
    assert overlaps(0, 10, 5, 15) and overlaps(5, 15, 0, 10) and overlaps(0, 10, 2, 3)
    assert not overlaps(0, 10, 10, 20) and not overlaps(10, 20, 0, 10)


def test_ranges_and_types_are_checked():
    check_range(1, 2)
    with pytest.raises(BadRequest):
        check_range(2, 2)
    check_slice_type("a")
    with pytest.raises(BadRequest):
        check_slice_type("x")


def test_task_filters_accept_only_documented_values():
    check_task_filter("postindex", "killed")
    check_task_filter(None, None)
    with pytest.raises(BadRequest, match="type"):
        check_task_filter("purge", None)
    with pytest.raises(BadRequest, match="status"):
        check_task_filter(None, "failed")


def test_percentages_are_clamped_whole_numbers():
    assert [clamp_pct(f) for f in (-1, 0, 0.499, 0.5, 1, 3)] == [0, 0, 49, 50, 100, 100]
