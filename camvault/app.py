"""The one assembly point: builds the store, services and workers in a visible order.

Constructing `Camvault` starts nothing; `start()` migrates the database, creates the first admin,
applies the config's cameras, reconciles files with rows, then starts ingest and retention.
`stop()` finishes every open slice (so it is indexed) before closing the store.
"""

from __future__ import annotations

import logging

from camvault.api.deps import Services
from camvault.config import Config
from camvault.core.clock import Clock, SystemClock
from camvault.services.cameras import CameraService, CameraSpec
from camvault.services.ingest import IngestService
from camvault.services.recordings import RecordingService, RetentionWorker
from camvault.services.system import SystemService
from camvault.services.users import UserService
from camvault.store.store import Store

log = logging.getLogger(__name__)


class Camvault:
    def __init__(self, config: Config, *, is_demo: bool = False, clock: Clock | None = None,
                 admin_password: str | None = None) -> None:
        self.config = config
        self.is_demo = is_demo
        self.clock = clock or SystemClock()
        self._admin_password = admin_password
        rec = config.recording
        self.store = Store(config.database_url, config.storage.data_dir)
        self.recordings = RecordingService(self.store, self.clock, retention_days=rec.retention_days,
                                           min_free_bytes=config.storage.min_free_bytes)
        self.ingest = IngestService(self.store, self.clock, default_slice_max_s=rec.slice_max_s,
                                    on_slice=self.recordings.add_slice)
        self.cameras = CameraService(self.store, self.ingest, self.clock)
        self.users = UserService(self.store.users, self.clock)
        self.system = SystemService(config.server, self.clock)
        self.retention = RetentionWorker(self.recordings, rec.retention_interval_s)
        self.services = Services(users=self.users, cameras=self.cameras, recordings=self.recordings,
                                 system=self.system)

    def start(self) -> str | None:
        """Bring the node up; returns the generated admin password on a first start without one."""
        self.config.storage.data_dir.mkdir(parents=True, exist_ok=True)
        self.store.open()
        generated = self.users.ensure_admin(self._admin_password)
        self.cameras.sync_config([CameraSpec.from_config(c) for c in self.config.cameras], seed_only=self.is_demo)
        self.recordings.reconcile()
        self.cameras.start_all()
        self.retention.start()
        log.info("camvault started: data in %s", self.config.storage.data_dir.resolve())
        return generated

    def stop(self) -> None:
        self.retention.stop()
        self.ingest.stop_all()
        self.store.close()
        log.info("camvault stopped")
