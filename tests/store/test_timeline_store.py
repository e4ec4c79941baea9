"""Timeline queries on a real database (SQLite and PostgreSQL): the window's slices, alarms and
protected records of the asked cameras only, in index order."""

from camvault.core.alarms import Alarm
from camvault.core.exports import ProtectedRange
from camvault.core.model import Slice
from camvault.store.timeline import TimelineQueries


def sl(cam, start, stop, kind="r", stream=1):
    return Slice(0, cam, stream, start, stop, kind, 1000, f"slices/{cam}/x/{cam}.{stream}-{start}-{kind}.mkv")


def test_one_query_per_kind_over_the_window(store):
    for s in [sl(1, 0, 100), sl(1, 100, 200), sl(1, 150, 180, "a"), sl(1, 500, 600), sl(1, 900, 1000),
              sl(2, 0, 1000, stream=2), sl(3, 0, 1000)]:
        store.slices.insert(s)
    for cam, t, kind in [(1, 50, "motion"), (1, 150, "trigger"), (2, 160, "motion"), (1, 950, "motion"),
                         (3, 100, "motion")]:
        store.alarms.insert(Alarm(0, cam, t, kind, "d"))
    for cam, lo, hi, kind in [(1, 100, 190, "r"), (1, 880, 990, "a"), (3, 0, 100, "r")]:
        store.precords.add(ProtectedRange(0, cam, lo, hi, kind, "", None, 0))
    queries = TimelineQueries(store.engine)

    assert list(queries.recorded([1, 2], 120, 600)) == [
        (1, "r", 100, 200), (1, "a", 150, 180), (1, "r", 500, 600), (2, "r", 0, 1000)]
    assert [(a.camera_id, a.time_ms, a.kind) for a in queries.alarms([1, 2], 100, 1000, limit=10)] == [
        (1, 150, "trigger"), (2, 160, "motion"), (1, 950, "motion")]
    assert len(queries.alarms([1, 2], 0, 1000, limit=2)) == 2
    assert queries.protected([1, 2], 150, 900) == [(1, "r", 100, 190), (1, "a", 880, 990)]
    assert queries.protected([2], 0, 1000) == []
