"""Small pure helpers: ISO times, slice names, back-off, rights."""

import pytest

from camvault.core.backoff import Backoff
from camvault.core.errors import BadRequest, Forbidden
from camvault.core.model import CameraRight, Profile, User
from camvault.core.rights import can_play_records, can_view, require_admin
from camvault.core.slicename import parse_slice_name, slice_relpath
from camvault.core.timefmt import format_iso_ms, format_iso_s, parse_iso_ms


def test_iso_round_trip_keeps_milliseconds():
    ms = parse_iso_ms("2020-06-16T16:26:36.903Z")
    assert format_iso_ms(ms) == "2020-06-16T16:26:36.903Z"
    assert format_iso_s(ms) == "2020-06-16T16:26:36Z"
    assert parse_iso_ms("2020-06-16T18:26:36.903+02:00") == ms
    assert parse_iso_ms("2020-06-16T16:26:36.903") == ms


@pytest.mark.parametrize("bad", ["yesterday", "2020-13-01T00:00:00Z", ""])
def test_bad_dates_are_refused_naming_the_field(bad):
    with pytest.raises(BadRequest, match="'from'"):
        parse_iso_ms(bad, field="from")


def test_slice_names_round_trip():
    path = slice_relpath(3, 2, 1592324796903, "a")
    assert path == "slices/3/2020-06-16/3.2-1592324796903-a.mkv"
    name = parse_slice_name(path)
    assert (name.camera_id, name.stream_id, name.start_ms, name.type) == (3, 2, 1592324796903, "a")
    assert parse_slice_name("slices/3/2020-06-16/notes.txt") is None


def test_backoff_doubles_up_to_the_cap_and_resets():
    b = Backoff(initial_s=0.5, cap_s=30)
    delays = [b.next_delay_s() for _ in range(9)]
    assert delays[:4] == [0.5, 1, 2, 4]
    assert max(delays) == 30 and delays[-1] == 30
    b.reset()
    assert b.next_delay_s() == 0.5


def test_rights():
    admin = User(1, "a", Profile.ADMIN)
    viewer = User(2, "c", Profile.CONSULT, {1: CameraRight(1, live=True, records=False)})
    assert can_view(admin, 7) and can_view(viewer, 1) and not can_view(viewer, 2)
    assert not can_play_records(viewer, 1)
    require_admin(admin)
    with pytest.raises(Forbidden):
        require_admin(viewer)


def test_require_profile():
    from camvault.core.rights import require_profile

    require_profile(User(1, "a", Profile.ADMIN), Profile.PROTECTION)
    require_profile(User(2, "p", Profile.PROTECTION), Profile.PROTECTION)
    with pytest.raises(Forbidden, match="Admin or Protection"):
        require_profile(User(3, "c", Profile.CONSULT), Profile.PROTECTION)
