"""Typed dependencies shared by dialect adapters: the assembled services, from app state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from camvault.services.alarms import AlarmService
from camvault.services.audit import AuditService
from camvault.services.bandit import BanditService
from camvault.services.cameras import CameraService
from camvault.services.commands import CommandService
from camvault.services.exports import ExportService
from camvault.services.fleet_api import FleetServices
from camvault.services.folders import FolderService
from camvault.services.live_view import LiveViewService
from camvault.services.maps import MapService
from camvault.services.metadata import MetadataService
from camvault.services.monitoring import MonitoringService
from camvault.services.mosaics import MosaicService
from camvault.services.playback import PlaybackService
from camvault.services.playback_http import RecordedMp4Service
from camvault.services.protection import ProtectionService
from camvault.services.ptz import PtzService
from camvault.services.recordings import RecordingService
from camvault.services.scenarios import ScenarioService
from camvault.services.sensors import SensorService
from camvault.services.sessions import SessionService
from camvault.services.source_check import SourceCheckService
from camvault.services.screens import ScreenService
from camvault.services.snapshots import SnapshotService
from camvault.services.stills import StillService
from camvault.services.system import SystemService
from camvault.services.timeline import TimelineService
from camvault.services.tasks import TaskService
from camvault.services.uploads import UploadService
from camvault.services.users import UserService
from camvault.services.vdg_exports import VdgExportService


@dataclass(frozen=True)
class Services:
    """Everything an adapter may call."""

    users: UserService
    cameras: CameraService
    recordings: RecordingService
    stills: StillService
    snapshots: SnapshotService
    system: SystemService
    audit: AuditService
    monitoring: MonitoringService
    tasks: TaskService
    exports: ExportService
    protection: ProtectionService
    alarms: AlarmService
    ptz: PtzService
    live_view: LiveViewService
    playback: PlaybackService
    recorded_mp4: RecordedMp4Service
    timeline: TimelineService
    mosaics: MosaicService
    screens: ScreenService
    commands: CommandService
    maps: MapService
    folders: FolderService
    metadata: MetadataService
    scenarios: ScenarioService
    bandit: BanditService
    sensors: SensorService
    fleet: FleetServices
    uploads: UploadService
    vdg: VdgExportService
    sessions: SessionService
    source_check: SourceCheckService


def get_services(request: Request) -> Services:
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(get_services)]
