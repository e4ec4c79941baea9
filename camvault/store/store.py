"""The store facade: one engine, one media root and the repositories over them."""

from __future__ import annotations

from pathlib import Path

from camvault.store.alarms import AlarmRepo, AlarmSettingsRepo
from camvault.store.cameras import CameraRepo
from camvault.store.commands import CommandRepo
from camvault.store.connections import ConnectionRepo
from camvault.store.db import make_engine, migrate
from camvault.store.exports import ExportRepo
from camvault.store.fleet import FleetRepo
from camvault.store.folders import FolderRepo
from camvault.store.logs import SystemLogRepo, UserActionRepo
from camvault.store.maps import MapRepo
from camvault.store.media import MediaStore
from camvault.store.metadata import ConnectorRepo, MetadataEventRepo
from camvault.store.mosaics import MosaicRepo
from camvault.store.object_store import ObjectStore
from camvault.store.precords import ProtectedRangeRepo
from camvault.store.ptz import PtzRepo
from camvault.store.scenarios import ScenarioRepo
from camvault.store.screens import ScreenRepo
from camvault.store.sensor_controls import SensorControlRepo
from camvault.store.settings import SettingsRepo
from camvault.store.slice_files import SliceFiles
from camvault.store.slices import SliceRepo
from camvault.store.snapshots import SnapshotRepo
from camvault.store.sort_criteria import SortCriterionRepo
from camvault.store.tasks import TaskRepo
from camvault.store.uploads import UploadRepo
from camvault.store.users import UserRepo


class Store:
    """Constructing it connects nothing; `open()` migrates the schema."""

    def __init__(self, database_url: str, data_dir: Path, objects: ObjectStore | None = None) -> None:
        self.engine = make_engine(database_url)
        self.media = MediaStore(data_dir)
        self.uploads = UploadRepo(self.engine)
        self.slice_files = SliceFiles(self.media, self.uploads, objects)
        self.cameras = CameraRepo(self.engine)
        self.slices = SliceRepo(self.engine)
        self.users = UserRepo(self.engine)
        self.connections = ConnectionRepo(self.engine)
        self.alarms = AlarmRepo(self.engine)
        self.alarm_settings = AlarmSettingsRepo(self.engine)
        self.snapshots = SnapshotRepo(self.engine)
        self.mosaics = MosaicRepo(self.engine)
        self.screens = ScreenRepo(self.engine)
        self.settings = SettingsRepo(self.engine)
        self.user_actions = UserActionRepo(self.engine)
        self.system_logs = SystemLogRepo(self.engine)
        self.tasks = TaskRepo(self.engine)
        self.exports = ExportRepo(self.engine)
        self.precords = ProtectedRangeRepo(self.engine)
        self.ptz = PtzRepo(self.engine)
        self.metadata_connectors = ConnectorRepo(self.engine)
        self.metadata_events = MetadataEventRepo(self.engine)
        self.folders = FolderRepo(self.engine)
        self.sort_criteria = SortCriterionRepo(self.engine)
        self.maps = MapRepo(self.engine)
        self.commands = CommandRepo(self.engine)
        self.scenarios = ScenarioRepo(self.engine)
        self.sensor_controls = SensorControlRepo(self.engine)
        self.fleet = FleetRepo(self.engine)

    def open(self) -> None:
        migrate(self.engine)

    def close(self) -> None:
        self.engine.dispose()
