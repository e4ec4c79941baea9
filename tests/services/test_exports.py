"""Export jobs through the services on real slices and a real database: while an export is being
made its slices are never pruned and its progress is visible; deleting it kills its job; a stop
leaves it failed and relaunchable. The concat is the real one, paused halfway by the test."""

import threading
import time

import pytest

from camvault.core.clock import SystemClock
from camvault.core.model import Camera, Profile, Stream
from camvault.services.cameras import CameraService
from camvault.services.export_jobs import ExportRunner
from camvault.services.exports import ExportRequest, ExportService
from camvault.services.ingest import IngestService
from camvault.services.recordings import RecordingService
from camvault.services.runner import QueueWorker
from camvault.services.tasks import ProgressReporter, TaskService
from camvault.store.export_volumes import ExportVolumes
from camvault.store.store import Store
from camvault.video.export import concat_slices
from tests.support.media import record_packets
from tests.support.recordings import URL, recent_start_ms


class PausedConcat:
    """The real concat, held halfway (after one more progress report a moment later, as a slower
    disk would give) until the test releases it."""

    def __init__(self) -> None:
        self.halfway = threading.Event()
        self.release = threading.Event()

    def __call__(self, parts, from_ms, to_ms, out, *, on_progress, should_stop):
        def progress(fraction):
            on_progress(fraction)
            if fraction >= 0.5 and not self.halfway.is_set():
                time.sleep(0.25)
                on_progress(fraction)
                self.halfway.set()
                self.release.wait(20)
        return concat_slices(parts, from_ms, to_ms, out, on_progress=progress, should_stop=should_stop)


class Parts:
    def __init__(self, database_url, tmp_path):
        self.store = Store(database_url, tmp_path / "data")
        self.store.open()
        self.store.cameras.upsert(Camera(1, "Cam", URL, "00000000-0000-0000-0000-000000000001", "SN1",
                                         streams=(Stream(1, 1, URL, roles=("rrecord",)),)), created_ms=0)
        uid = self.store.users.insert("admin", Profile.ADMIN, "$2b$10$x", "0" * 32, now_ms=0)
        self.admin = self.store.users.get(uid)
        clock = SystemClock()
        self.recordings = RecordingService(self.store, clock, retention_days=60 / 86400, min_free_bytes=0)
        self.tasks = TaskService(self.store.tasks, clock)
        ingest = IngestService(self.store, clock, default_slice_max_s=600, on_slice=self.recordings.add_slice)
        volumes = ExportVolumes.build(tmp_path / "data", [])
        self.concat = PausedConcat()
        self.runner = ExportRunner(self.store, volumes, self.tasks, concat=self.concat)
        self.exports = ExportService(self.store, volumes, CameraService(self.store, ingest, clock), self.tasks,
                                     self.runner, clock)
        self.recordings.hooks.keep.append(self.runner.pinned_slice_ids)
        self.worker = QueueWorker(self.runner, "exports", poll_s=0.05)
        self.volume_dir = tmp_path / "data" / "exports"

    def record(self):
        made = record_packets(URL, self.store.media, packets=400, slice_max_s=10, wall_start_ms=recent_start_ms())
        return [self.recordings.add_slice(s) for s in made]

    def export_slices(self, made):
        return self.exports.create(self.admin, ExportRequest(1, made[1].start_ms, made[2].stop_ms))

    def wait(self, export_id, predicate, timeout_s=20):
        deadline = time.monotonic() + timeout_s
        while not predicate(self.store.exports.get(export_id)):
            assert time.monotonic() < deadline, "timed out"
            time.sleep(0.02)


@pytest.fixture
def parts(database_url, tmp_path):
    p = Parts(database_url, tmp_path)
    p.worker.start()
    yield p
    p.concat.release.set()
    p.worker.stop()
    p.store.close()


def test_slices_being_exported_are_not_pruned_and_progress_shows(parts):
    made = parts.record()                                          # 4 slices of 10 s, an hour old
    export = parts.export_slices(made)                             # reads slices 2 and 3
    assert parts.concat.halfway.wait(20)
    running = parts.store.exports.get(export.id)
    assert running.state == "running" and 0 < running.p100 < 90
    task = parts.tasks.get(export.task_id)
    assert (task.status, task.progress_pct, task.user_name) == ("running", running.p100, "admin")
    pruned = parts.recordings.prune_once()
    assert sorted(s.id for s in pruned) == [made[0].id, made[3].id]
    assert all(parts.store.media.absolute(s.path).is_file() for s in made[1:3])
    parts.concat.release.set()
    parts.wait(export.id, lambda e: e.state == "done")
    assert parts.store.exports.get(export.id).p100 == 100 and parts.tasks.get(export.task_id).status == "done"
    parts.wait(export.id, lambda _e: not parts.runner.pinned_slice_ids())         # the job has ended
    assert sorted(s.id for s in parts.recordings.prune_once()) == [made[1].id, made[2].id]
    assert parts.exports.file_for(parts.admin, export.id)[1].is_file()


def test_deleting_an_export_being_made_kills_its_job_and_leaves_no_file(parts):
    made = parts.record()
    export = parts.export_slices(made)
    assert parts.concat.halfway.wait(20)
    parts.exports.delete(parts.admin, export.id)
    parts.concat.release.set()
    deadline = time.monotonic() + 20
    while parts.runner.pinned_slice_ids() and time.monotonic() < deadline:     # until the job has ended
        time.sleep(0.02)
    assert parts.tasks.get(export.task_id).status == "killed"
    assert parts.store.exports.get(export.id) is None
    assert list(parts.volume_dir.iterdir()) == []


def test_a_stop_leaves_the_export_failed_and_relaunchable(parts):
    made = parts.record()
    export = parts.export_slices(made)
    assert parts.concat.halfway.wait(20)
    stopper = threading.Thread(target=parts.worker.stop)
    stopper.start()
    parts.concat.release.set()
    stopper.join(20)
    failed = parts.store.exports.get(export.id)
    assert failed.state == "failed" and parts.tasks.get(export.task_id).status == "aborted"
    assert list(parts.volume_dir.iterdir()) == []
    relaunched = parts.exports.relaunch(parts.admin, export.id)
    assert relaunched.state == "new" and relaunched.p100 == 0 and relaunched.task_id != export.task_id
    parts.worker.start()
    parts.wait(export.id, lambda e: e.state == "done")
    assert parts.tasks.get(relaunched.task_id).status == "done"


def test_progress_is_written_on_whole_percent_steps_at_a_bounded_rate():
    now = [0.0]
    written = []
    report = ProgressReporter(written.append, 10, 50, min_interval_s=1.0, monotonic_s=lambda: now[0])
    for fraction in (0.0, 0.001, 0.5, 0.6, 1.0):
        report(fraction)
    assert written == [10, 50]                                    # 30 and 34 came too soon; the last always goes
    now[0] = 2.0
    report(0.5)
    assert written == [10, 50, 30]
