"""Pure fleet rules: lifecycle transitions, scopes per profile, opening hours across DST."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from camvault.core import fleet
from camvault.core.errors import BadRequest, Conflict, Forbidden, Unprocessable
from camvault.core.model import Profile, User


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_register_keeps_a_claimed_camera_claimed():
    assert fleet.after_register(None) == fleet.REGISTERED
    assert fleet.after_register(fleet.DECOMMISSIONED) == fleet.REGISTERED
    assert fleet.after_register(fleet.PAUSED) == fleet.PAUSED


def test_claim_refuses_a_claimed_camera():
    fleet.check_claim(fleet.REGISTERED)
    with pytest.raises(Conflict):
        fleet.check_claim(fleet.RUNNING)
    assert fleet.is_claimable(fleet.REGISTERED) and not fleet.is_claimable(fleet.DECOMMISSIONED)


@pytest.mark.parametrize("state", [fleet.REGISTERED, fleet.DECOMMISSIONED])
def test_unclaimed_cameras_neither_change_state_nor_decommission(state):
    with pytest.raises(Unprocessable):
        fleet.check_state_change(state, fleet.PAUSED)
    with pytest.raises(Unprocessable):
        fleet.check_decommission(state)
    with pytest.raises(Unprocessable):
        fleet.check_claimed(state, "moved")


def test_state_change_between_running_and_paused_only():
    fleet.check_state_change(fleet.RUNNING, fleet.PAUSED)
    fleet.check_decommission(fleet.PAUSED)
    with pytest.raises(BadRequest):
        fleet.check_state_change(fleet.RUNNING, fleet.DECOMMISSIONED)


def test_scopes_follow_the_profile():
    admin, consult = User(1, "a", Profile.ADMIN), User(2, "c", Profile.CONSULT)
    assert fleet.granted_scopes(admin, None) == (fleet.SCOPE_READ, fleet.SCOPE_WRITE, fleet.SCOPE_ADMIN)
    assert fleet.granted_scopes(admin, "cameras:read") == ("cameras:read",)
    assert fleet.granted_scopes(consult, "") == ("cameras:read",)
    assert fleet.granted_scopes(consult, "cameras:read cameras:write") is None
    assert fleet.granted_scopes(admin, "bogus") is None
    with pytest.raises(Forbidden):
        fleet.require_scope(("cameras:read",), fleet.SCOPE_WRITE)


def test_opening_hours_parse_and_refuse_malformed():
    hours = fleet.OpeningHours.parse({"monday": ["08:00-12:00", "14:00-24:00"]})
    assert hours.to_json() == {"monday": ["08:00-12:00", "14:00-24:00"]}
    for bad in ({"mon": []}, {"monday": ["12:00-08:00"]}, {"monday": ["8-9"]}, {"monday": "08:00-09:00"}):
        with pytest.raises(BadRequest):
            fleet.OpeningHours.parse(bad)
    with pytest.raises(BadRequest):
        fleet.zone("Mars/Olympus")


def test_opening_hours_follow_dst_in_paris():
    hours = fleet.OpeningHours.parse({d: ["08:00-18:00"] for d in fleet.WEEKDAYS[5:]} | {"sunday": ["00:00-24:00"]})
    saturday = fleet.opening_instants_ms(hours, "Europe/Paris", date(2024, 3, 30))
    assert [_iso(ms) for ms in saturday] == ["2024-03-30T07:00:00Z", "2024-03-30T17:00:00Z"]
    sunday = fleet.opening_instants_ms(hours, "Europe/Paris", date(2024, 3, 31))     # clocks go forward at 02:00
    assert [_iso(ms) for ms in sunday] == ["2024-03-30T23:00:00Z", "2024-03-31T22:00:00Z"]
    assert sunday[1] - sunday[0] == 23 * 3600_000
    autumn = fleet.opening_instants_ms(hours, "Europe/Paris", date(2024, 10, 27))    # and back at 03:00
    assert autumn[1] - autumn[0] == 25 * 3600_000
    assert fleet.opening_instants_ms(hours, "Europe/Paris", date(2024, 4, 1)) == []   # Monday: closed
