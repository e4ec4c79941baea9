"""Startup reconciliation decisions from files, rows and the garbage list."""

from camvault.core.reconcile import plan_reconcile


def test_each_kind_of_mismatch_gets_its_action():
    files = ["slices/1/d/1.1-1-r.mkv", "slices/1/d/1.1-2-r.mkv", "slices/1/d/1.1-3-r.mkv.part",
             "slices/1/d/1.1-4-r.mkv"]
    rows = ["slices/1/d/1.1-1-r.mkv", "slices/1/d/1.1-9-r.mkv"]
    garbage = ["slices/1/d/1.1-4-r.mkv"]
    plan = plan_reconcile(files, rows, garbage)
    assert plan.finish_partials == ["slices/1/d/1.1-3-r.mkv.part"]
    assert plan.index_files == ["slices/1/d/1.1-2-r.mkv"]
    assert plan.drop_rows == ["slices/1/d/1.1-9-r.mkv"]
    assert plan.unlink_garbage == ["slices/1/d/1.1-4-r.mkv"]


def test_consistent_state_needs_nothing():
    files = ["slices/1/d/1.1-1-r.mkv"]
    assert plan_reconcile(files, files, []).is_empty


def test_losing_most_files_at_once_is_suspicious_not_a_reason_to_drop_the_index():
    rows = [f"slices/1/d/1.1-{i}-r.mkv" for i in range(1000)]
    plan = plan_reconcile(rows[:10], rows, [])
    assert plan.suspicious and len(plan.drop_rows) == 990
    assert not plan_reconcile(rows[:900], rows, []).suspicious
    assert not plan_reconcile([], rows[:50], []).suspicious     # a few rows are dropped as usual
