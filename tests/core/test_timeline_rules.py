"""Timeline rules: merging ranges into runs at a resolution, clipping, clustering alarms."""

import pytest

from camvault.core.errors import BadRequest
from camvault.core.timeline import AlarmMarker, RunMerger, TimelineQuery, cluster_alarms, merge_ranges


def test_touching_overlapping_and_close_ranges_join_far_ones_do_not():
    ranges = [(0, 10), (10, 20), (15, 18), (25, 30), (100, 110), (60, 70)]
    assert merge_ranges(ranges, from_ms=0, to_ms=1000, min_gap_ms=5) == [[0, 30], [60, 70], [100, 110]]
    assert merge_ranges(ranges, from_ms=0, to_ms=1000, min_gap_ms=0) == [[0, 20], [25, 30], [60, 70], [100, 110]]
    assert merge_ranges(ranges, from_ms=0, to_ms=1000, min_gap_ms=40) == [[0, 110]]


def test_runs_are_clipped_to_the_window_and_ranges_outside_it_dropped():
    merger = RunMerger(50, 105, 0)
    for start, stop in [(0, 40), (45, 60), (70, 80), (100, 200), (300, 400)]:
        merger.add(start, stop)
    assert merger.runs == [[50, 60], [70, 80], [100, 105]]


def test_alarms_closer_than_the_gap_become_one_marker_counting_them():
    alarms = [AlarmMarker(i, 1, t, "motion" if i % 2 else "trigger") for i, t in
              enumerate([0, 400, 900, 1000, 5000], start=1)]
    clustered = cluster_alarms(alarms, 1000)
    assert clustered == [AlarmMarker(1, 1, 0, "motion", 3), AlarmMarker(4, 1, 1000, "trigger", 1),
                         AlarmMarker(5, 1, 5000, "motion", 1)]
    assert cluster_alarms(alarms, 0) == alarms


@pytest.mark.parametrize("query", [TimelineQuery(None, 10, 5), TimelineQuery(None, 0, 5, min_gap_ms=-1),
                                   TimelineQuery(None, 0, 5, max_alarms=0)])
def test_a_bad_query_is_refused(query):
    with pytest.raises(BadRequest):
        query.check()
