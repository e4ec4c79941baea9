"""Startup reconciliation decisions: compare slice files on disk with slice rows in the database.

Pure: the store lists files and rows, this decides, the store acts and logs (DESIGN rule 2).
- a partial file (`*.mkv.part`, the slice being written at a crash) is to be finished (remuxed
  to a proper file, then indexed) or removed when nothing in it is decodable;
- a complete file with no row is to be indexed;
- a row whose file vanished is to be dropped;
- a file listed in the garbage list is to be unlinked, not indexed.

A plan that would drop most of the index at once (the media folder unmounted or moved, not files
deleted one by one) is flagged `suspicious`: rows are then kept and the operator is told.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

PARTIAL_SUFFIX = ".part"
SUSPICIOUS_MIN_ROWS = 100
SUSPICIOUS_SHARE = 0.5


@dataclass
class ReconcilePlan:
    """What startup must do; every list holds paths relative to the media root."""

    finish_partials: list[str] = field(default_factory=list)
    index_files: list[str] = field(default_factory=list)
    drop_rows: list[str] = field(default_factory=list)
    unlink_garbage: list[str] = field(default_factory=list)
    suspicious: bool = False

    @property
    def is_empty(self) -> bool:
        return not (self.finish_partials or self.index_files or self.drop_rows or self.unlink_garbage)


def plan_reconcile(files: Iterable[str], row_paths: Iterable[str], garbage_paths: Iterable[str]) -> ReconcilePlan:
    """Decide the startup actions from the files present, the indexed paths and the garbage list."""
    garbage = set(garbage_paths)
    rows = set(row_paths)
    present = set(files)
    plan = ReconcilePlan()
    for path in sorted(present):
        if path in garbage:
            plan.unlink_garbage.append(path)
        elif path.endswith(PARTIAL_SUFFIX):
            plan.finish_partials.append(path)
        elif path not in rows:
            plan.index_files.append(path)
    plan.drop_rows = sorted(rows - present)
    plan.suspicious = len(plan.drop_rows) > SUSPICIOUS_MIN_ROWS and len(plan.drop_rows) > len(rows) * SUSPICIOUS_SHARE
    return plan
