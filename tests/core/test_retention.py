"""Retention choice: expired first, then oldest for space; protected slices never."""

from camvault.core.model import Slice
from camvault.core.retention import RetentionPolicy, choose_prunable

DAY = 86_400_000
NOW = 100 * DAY


def sl(i, cam, start_day, size=100, protected=False):
    start = start_day * DAY
    return Slice(i, cam, 1, start, start + 600_000, "r", size, f"p{i}", protected)


def policy(days=30, per_camera=None, min_free=0):
    return RetentionPolicy({k: v * DAY for k, v in (per_camera or {}).items()}, days * DAY if days else None, min_free)


def test_prunes_only_expired_slices_when_space_is_plenty():
    slices = [sl(1, 1, 60), sl(2, 1, 69), sl(3, 1, 71), sl(4, 1, 99)]
    assert [s.id for s in choose_prunable(slices, policy(30), now_ms=NOW, free_bytes=10**12)] == [1, 2]


def test_protected_slices_are_never_pruned_even_when_expired_or_short_of_space():
    slices = [sl(1, 1, 10, protected=True), sl(2, 1, 11), sl(3, 1, 95, protected=True)]
    chosen = choose_prunable(slices, policy(30, min_free=10**9), now_ms=NOW, free_bytes=0)
    assert [s.id for s in chosen] == [2]


def test_space_pressure_prunes_oldest_until_enough_is_free():
    slices = [sl(1, 1, 90, size=300), sl(2, 2, 91, size=300), sl(3, 1, 92, size=300), sl(4, 1, 93, size=300)]
    chosen = choose_prunable(slices, policy(30, min_free=1000), now_ms=NOW, free_bytes=500)
    assert [s.id for s in chosen] == [1, 2]   # 500 missing bytes: two slices of 300


def test_per_camera_age_overrides_the_default():
    slices = [sl(1, 1, 95), sl(2, 2, 95)]
    chosen = choose_prunable(slices, policy(30, per_camera={2: 2}), now_ms=NOW, free_bytes=10**12)
    assert [s.id for s in chosen] == [2]


def test_no_age_limit_keeps_everything_while_space_is_fine():
    slices = [sl(1, 1, 1), sl(2, 1, 2)]
    assert choose_prunable(slices, policy(None), now_ms=NOW, free_bytes=10**12) == []
