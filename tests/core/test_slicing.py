"""Slice boundary rule: cut on a keyframe before the slice would exceed its maximum."""

from camvault.core.slicing import should_cut


def test_never_cuts_on_a_non_keyframe():
    assert not should_cut(elapsed_ms=10_000, is_keyframe=False, gop_ms=1000, slice_max_ms=3000)


def test_cuts_when_waiting_for_the_next_keyframe_would_overrun():
    assert not should_cut(elapsed_ms=2000, is_keyframe=True, gop_ms=1000, slice_max_ms=3000)
    assert should_cut(elapsed_ms=2001, is_keyframe=True, gop_ms=1000, slice_max_ms=3000)
    assert should_cut(elapsed_ms=3000, is_keyframe=True, gop_ms=1000, slice_max_ms=3000)


def test_without_a_known_gop_cuts_at_the_limit():
    assert not should_cut(elapsed_ms=2999, is_keyframe=True, gop_ms=None, slice_max_ms=3000)
    assert should_cut(elapsed_ms=3000, is_keyframe=True, gop_ms=None, slice_max_ms=3000)


def test_first_packet_of_a_slice_never_cuts():
    assert not should_cut(elapsed_ms=0, is_keyframe=True, gop_ms=5000, slice_max_ms=3000)


def test_gop_longer_than_the_limit_cuts_at_every_keyframe():
    assert should_cut(elapsed_ms=5000, is_keyframe=True, gop_ms=5000, slice_max_ms=3000)
