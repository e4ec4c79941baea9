"""Task, export and protected-record repositories on SQLite and PostgreSQL."""

import pytest

from camvault.core.exports import Export, ProtectedRange
from camvault.core.model import Profile, Slice


def export(cam, from_ms, to_ms, state="done"):
    return Export(0, cam, None, from_ms, to_ms, "r", "", None, state, 0, 0, None, False, None, None, 1)


def test_tasks_list_newest_first_with_user_names_and_filters(store):
    uid = store.users.insert("bob", Profile.ADMIN, "$2b$10$x", "0" * 32, now_ms=1)
    a = store.tasks.insert("concat", "done", 100, uid, now_ms=10)
    b = store.tasks.insert("purgecam", "done", 100, None, now_ms=20)
    c = store.tasks.insert("concat", "running", 5, uid, now_ms=30)
    assert [t.id for t in store.tasks.list(task_type=None, status=None, limit=10, offset=0)] == [c, b, a]
    assert [t.id for t in store.tasks.list(task_type="concat", status="done", limit=10, offset=0)] == [a]
    assert [t.id for t in store.tasks.list(task_type=None, status=None, limit=1, offset=1)] == [b]
    got = store.tasks.get(c)
    assert (got.user_name, got.progress_pct, got.updated_ms) == ("bob", 5, 30)
    assert store.tasks.get(b).user_name is None
    store.tasks.update(c, 40, progress_pct=50)
    assert (store.tasks.get(c).progress_pct, store.tasks.get(c).status, store.tasks.get(c).updated_ms) == (50, "running", 40)
    assert store.tasks.finish_unfinished("aborted", now_ms=50) == 1
    assert store.tasks.get(c).status == "aborted"
    assert store.tasks.forget_finished_before(25) == 2
    assert [t.id for t in store.tasks.list(task_type=None, status=None, limit=10, offset=0)] == [c]


def test_exports_filter_by_camera_and_overlap(store):
    e1 = store.exports.insert(export(1, 1000, 2000))
    e2 = store.exports.insert(export(1, 3000, 4000, state="running"))
    e3 = store.exports.insert(export(2, 1000, 5000))
    ids = lambda **kw: [e.id for e in store.exports.list(limit=10, offset=0, **kw)]
    assert ids(camera_ids=None, from_ms=None, to_ms=None) == [e1.id, e2.id, e3.id]
    assert ids(camera_ids=[1], from_ms=2500, to_ms=None) == [e2.id]
    assert ids(camera_ids=None, from_ms=None, to_ms=1000) == [e1.id, e3.id]
    assert [e.id for e in store.exports.in_states(["running", "new"])] == [e2.id]
    assert store.exports.update(e2.id, state="done", p100=100, md5="a" * 32)
    assert store.exports.get(e2.id).md5 == "a" * 32
    store.exports.delete(e2.id)
    assert store.exports.get(e2.id) is None and not store.exports.update(e2.id, p100=1)
    with pytest.raises(ValueError):
        store.exports.update(e1.id, colour="red")


def test_a_protected_range_marks_overlapping_slices_of_its_type(store):
    def sl(start, kind="r", cam=1):
        return store.slices.insert(Slice(0, cam, 1, start, start + 1000, kind, 10, f"slices/{cam}-{start}-{kind}.mkv"))
    slices = [sl(0), sl(1000), sl(2000), sl(1000, "a"), sl(1000, cam=2)]
    stored, marked = store.precords.add(ProtectedRange(0, 1, 1500, 2000, "r", "keep", None, 5))
    assert stored.id > 0 and marked == 1                                # [1000, 2000) only; 2000 just touches
    protected = {s.id: s.protected for s in store.slices.list(camera_ids=None)}
    assert [protected[s.id] for s in slices] == [False, True, False, False, False]
    assert store.precords.covering(1, "r", 1900, 2100) and not store.precords.covering(1, "r", 2000, 3000)
    assert not store.precords.covering(1, "a", 1000, 2000) and not store.precords.covering(2, "r", 1000, 2000)
    assert [r.comment for r in store.precords.list(1)] == ["keep"]
