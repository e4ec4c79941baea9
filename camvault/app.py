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
from camvault.core.model import User
from camvault.core.tiles import Size
from camvault.services.alarms import AlarmExpiryWorker, AlarmPolicy, AlarmService
from camvault.services.audit import AuditService, SystemLogWriter
from camvault.services.bandit import BanditService
from camvault.services.cameras import CameraService, CameraSpec
from camvault.services.commands import CommandService
from camvault.services.events import EventBus
from camvault.services.export_jobs import ExportRunner
from camvault.services.fleet_api import FleetServices
from camvault.services.exports import ExportService
from camvault.services.folders import FolderService
from camvault.services.ingest import IngestService
from camvault.services.live_view import LiveViewService
from camvault.services.maps import MapService
from camvault.services.metadata import MetadataService
from camvault.services.metadata_connectors import ConnectorService
from camvault.services.monitoring import MonitoringService
from camvault.services.mosaics import MosaicService
from camvault.services.playback import PlaybackService, PlaybackSettings
from camvault.services.playback_http import RecordedMp4Service
from camvault.services.protection import ProtectionService
from camvault.services.ptz import PtzService, onvif_settings
from camvault.services.recordings import RecordingService, RetentionWorker
from camvault.services.runner import QueueWorker
from camvault.services.scenario_actions import ScenarioActions
from camvault.services.scenarios import ScenarioService
from camvault.services.screens import ScreenService, ScreenSpec
from camvault.services.sensor_controls import SensorControls
from camvault.services.sensors import SensorService
from camvault.services.sessions import SessionService
from camvault.services.source_check import SourceCheckService
from camvault.services.snapshots import SnapshotService
from camvault.services.stills import StillService
from camvault.services.system import SystemService
from camvault.services.timeline import TimelineService
from camvault.services.tasks import TaskService
from camvault.services.uploads import UploadService, UploadWorker
from camvault.services.users import UserService
from camvault.services.vdg_exports import VdgExportService, VdgSettings
from camvault.store.bandit import BanditQueries
from camvault.store.export_volumes import ExportVolumes
from camvault.store.object_store import S3ObjectStore
from camvault.store.store import Store
from camvault.store.timeline import TimelineQueries
from camvault.store.vdg_targets import ExportTargets
from camvault.video.live import LiveHub
from camvault.video.mjpeg.hub import MjpegHub
from camvault.video.rtsp.server import RtspWorker

log = logging.getLogger(__name__)


class Camvault:
    def __init__(self, config: Config, *, is_demo: bool = False, clock: Clock | None = None,
                 admin_password: str | None = None) -> None:
        self.config = config
        self.is_demo = is_demo
        self.clock = clock or SystemClock()
        self._admin_password = admin_password
        rec = config.recording
        s3 = config.storage.s3
        self.store = Store(config.database_url, config.storage.data_dir, S3ObjectStore(s3) if s3 else None)
        self.recordings = RecordingService(self.store, self.clock, retention_days=rec.retention_days,
                                           min_free_bytes=config.storage.min_free_bytes)
        self.ingest = IngestService(self.store, self.clock, default_slice_max_s=rec.slice_max_s,
                                    on_slice=self.recordings.add_slice)
        self.events = EventBus()
        self.alarms = AlarmService(self.store, self.ingest, self.clock, AlarmPolicy(
            pre_alarm_s=rec.pre_alarm_s, post_alarm_s=rec.post_alarm_s, max_s=rec.alarm_max_s,
            buffer_max_bytes=rec.pre_alarm_max_bytes, slice_max_s=rec.slice_max_s,
            timezone=config.server.timezone), on_slice=self.recordings.add_slice, events=self.events)
        self.ingest.add_sink_factory(self.alarms.sinks_for)
        self.live = LiveHub()
        self.ingest.add_sink_factory(self.live.sinks_for, forget=self.live.forget)
        self.ptz = PtzService(self.store, self.clock, onvif=onvif_settings(config.cameras))
        self.ingest.set_ptz_lookup(self.ptz.controller_for)
        self.alarm_expiry = AlarmExpiryWorker(self.alarms)
        self.monitoring = MonitoringService(self.store, self.clock, self.ingest,
                                            min_free_bytes=config.storage.min_free_bytes)
        self.cameras = CameraService(self.store, self.ingest, self.clock,
                                     alarm_recording=self.alarms.is_recording_alarm, ptz_info=self.ptz.info,
                                     video_source_limit=self.monitoring.max_video_sources)
        self.tasks = TaskService(self.store.tasks, self.clock)
        self.protection = ProtectionService(self.store, self.cameras, self.clock)
        volumes = ExportVolumes.build(config.storage.data_dir, config.storage.export_dirs)
        self.export_runner = ExportRunner(self.store, volumes, self.tasks)
        self.exports = ExportService(self.store, volumes, self.cameras, self.tasks, self.export_runner, self.clock)
        self.export_worker = QueueWorker(self.export_runner, "exports")
        self.recordings.hooks.before_index.append(self.protection.mark)
        self.recordings.hooks.keep.append(self.export_runner.pinned_slice_ids)
        self.recordings.hooks.after_prune.append(self.tasks.note_purge)
        self.stills = StillService(self.store, self.cameras, self.ingest)
        self.snapshots = SnapshotService(self.store, self.cameras, self.stills, self.clock)
        self.users = UserService(self.store.users, self.clock, secret=self.store.settings.secret)
        self.sessions = SessionService(self.users, self.clock, self.store.settings.secret,
                                       ttl_s=config.server.session_ttl_s)
        self.playback = PlaybackService(self.store, self.live, self.alarms,
                                        PlaybackSettings(delay_s=config.live.delay_s,
                                                         delay_max_bytes=config.live.delay_max_bytes,
                                                         post_alarm_s=rec.post_alarm_s))
        self.recorded_mp4 = RecordedMp4Service(self.playback)
        self.timeline = TimelineService(self.store, TimelineQueries(self.store.engine))
        self.mjpeg = MjpegHub(self.live, max_fps=config.live.mjpeg_max_fps, grace_s=config.live.mjpeg_grace_s)
        self.live_view = LiveViewService(self.cameras, self.live, self.mjpeg, mosaic_size=Size(
            config.live.mosaic_width_px, config.live.mosaic_height_px))
        self.rtsp = RtspWorker(self.playback.open, self.users.authenticate_password, self.users.authenticate_digest,
                               config.server.http_host, config.server.rtsp_port)
        self.system = SystemService(config.server, self.clock)
        self.audit = AuditService(self.store, self.clock)
        self.system_log = SystemLogWriter(self.store)
        self.retention = RetentionWorker(self.recordings, rec.retention_interval_s)
        # CamTrace part 2, in dependency order
        self.mosaics = MosaicService(self.store, self.users, self.cameras, self.live_view, self.clock)
        self.screens = ScreenService(self.store, self.cameras, mosaics=self.mosaics)
        self.commands = CommandService(self.store, self.clock)
        self.maps = MapService(self.store, self.users, self.clock,
                               licensed=lambda: self.monitoring.has_module("maps"))
        self.folders = FolderService(self.store)
        self.metadata = MetadataService(self.store, ConnectorService(
            self.store, self.users, self.clock, source_limit=self.monitoring.max_metadata_sources),
            self.alarms, self.events, self.clock)
        self.scenarios = ScenarioService(
            self.store, self.clock, self.events, ScenarioActions(self.alarms, self.commands, lambda: self.screens),
            timezone_name=config.server.timezone, from_config=[s.to_scenario() for s in config.scenarios])
        self.sensors = SensorService(self.store, self.ingest, SensorControls(
            self.store, self.clock, onvif=onvif_settings(config.cameras)), self.clock,
            anonymous_user=self._oak_anonymous_user)
        self.ingest.set_controls_lookup(self.sensors.controls_for)
        self.bandit = BanditService(self.store, BanditQueries(self.store.engine), self.cameras, self.recordings,
                                    self.ingest, self.clock, slice_max_s=rec.slice_max_s,
                                    min_free_bytes=config.storage.min_free_bytes,
                                    open_camera_id=config.bandit.open_camera_id)
        self.uploads = UploadService(self.store, self.clock, self.store.slice_files.objects,
                                     keep_local_s=s3.keep_local_s if s3 else None,
                                     retry_initial_s=s3.retry_initial_s if s3 else 1,
                                     retry_max_s=s3.retry_max_s if s3 else 300,
                                     pinned=self.export_runner.pinned_slice_ids)
        if self.uploads.enabled:
            self.recordings.hooks.after_index.append(self.uploads.enqueue)
            self.recordings.hooks.after_delete.append(self.uploads.forget)
        self.upload_worker = UploadWorker(self.uploads)
        self.fleet = FleetServices.build(config.fleet, self.store, self.ingest, self.stills, self.users, self.clock,
                                         upload_metrics=self.uploads.metrics)
        self.ingest.set_pause_lookup(self.fleet.cameras.is_paused)
        self.alarms.set_pause_lookup(self.fleet.cameras.is_paused)
        self.vdg = VdgExportService(
            self.store, ExportTargets([v.root for v in volumes.list()], volumes.get(None).root), self.clock,
            VdgSettings(session_idle_s=config.vdg.session_idle_s, min_free_bytes=config.vdg.min_free_bytes,
                        work_dir=config.storage.data_dir / "vdg-work"),
            node_uuid=self.monitoring.node_uuid, licensed=lambda: self.monitoring.has_module("api"))
        self.recordings.hooks.keep.append(self.vdg.pinned_slice_ids)
        self.services = Services(users=self.users, cameras=self.cameras, recordings=self.recordings,
                                 stills=self.stills, snapshots=self.snapshots, system=self.system,
                                 audit=self.audit, monitoring=self.monitoring, tasks=self.tasks,
                                 exports=self.exports, protection=self.protection, alarms=self.alarms,
                                 ptz=self.ptz, live_view=self.live_view,
                                 playback=self.playback, recorded_mp4=self.recorded_mp4, timeline=self.timeline,
                                 mosaics=self.mosaics, screens=self.screens,
                                 commands=self.commands, maps=self.maps, folders=self.folders,
                                 metadata=self.metadata, scenarios=self.scenarios, bandit=self.bandit,
                                 sensors=self.sensors, vdg=self.vdg, uploads=self.uploads, fleet=self.fleet,
                                 sessions=self.sessions, source_check=SourceCheckService())

    def _oak_anonymous_user(self) -> User | None:
        name = self.config.oak.anonymous_user
        user = self.users.by_name(name) if name else None
        if name and user is None:
            log.error("oak.anonymous_user %r is not a camvault user: OAK requests need credentials", name)
        return user

    def start(self) -> str | None:
        """Bring the node up; returns the generated admin password on a first start without one."""
        self.config.storage.data_dir.mkdir(parents=True, exist_ok=True)
        self.store.open()
        self.system_log.start()
        self.monitoring.ensure_licence()
        generated = self.users.ensure_admin(self._admin_password)
        self.cameras.sync_config([CameraSpec.from_config(c) for c in self.config.cameras], seed_only=self.is_demo)
        self.screens.sync_config([ScreenSpec.from_config(s) for s in self.config.screens])
        self.tasks.abort_unfinished()
        self.exports.recover()
        self.tasks.note_repair(self.recordings.reconcile())
        self.alarm_expiry.start()
        self.cameras.start_all()
        self.retention.start()
        self.export_worker.start()
        self.upload_worker.start()
        self.vdg.worker.start()
        self.commands.start()
        self.scenarios.start()
        self.fleet.worker.start()
        self.rtsp.start()
        log.info("camvault started: data in %s", self.config.storage.data_dir.resolve())
        return generated

    def stop(self) -> None:
        self.rtsp.stop()
        self.mjpeg.close_all()
        self.ptz.stop()
        self.sensors.close()
        self.fleet.worker.stop()
        self.scenarios.stop()
        self.commands.stop()
        self.vdg.worker.stop()
        self.upload_worker.stop()
        self.export_worker.stop()
        self.retention.stop()
        self.ingest.stop_all()
        self.alarm_expiry.stop()
        self.alarms.close_all()
        self.events.stop()
        self.system_log.stop()
        self.store.close()
        log.info("camvault stopped")
