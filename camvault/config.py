"""The configuration tree: strict YAML (unknown keys refused, every field described) plus
environment overrides. Errors name the file, the line and the field.

Environment: CAMVAULT_CONFIG (YAML path), CAMVAULT_DATA_DIR, CAMVAULT_HTTP_PORT, CAMVAULT_RTSP_PORT,
CAMVAULT_DATABASE_URL; CAMVAULT_ADMIN_PASSWORD is read at first start by the user service.
With no config file the demo configuration (5 synthetic cameras) is used.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from camvault.config_scenarios import ScenarioList

Role = Literal["rrecord", "arecord", "detect", "mosaic", "index"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ServerConfig(Strict):
    name: str = Field("Local", description="Name of this node in the CamTrace servers list.")
    http_host: str = Field("0.0.0.0", description="Address the HTTP API listens on.")
    http_port: int = Field(8080, ge=1, le=65535, description="HTTP API port (env CAMVAULT_HTTP_PORT).")
    rtsp_port: int = Field(8554, ge=1, le=65535, description="RTSP service port (env CAMVAULT_RTSP_PORT).")
    public_host: str | None = Field(None, description="Host name clients use to reach this node; "
                                    "defaults to the Host header of each request.")
    timezone: str = Field("UTC", description="IANA time zone reported by getservertime.")
    session_ttl_s: float = Field(12 * 3600, ge=60, le=30 * 86400, description="Lifetime of a web UI login "
                                 "(session cookie), in seconds.")


class ExportDirConfig(Strict):
    id: int | None = Field(None, ge=1, description="CamTrace diskId of this export directory; null is the "
                           "default directory (used when an export names no diskId).")
    name: str = Field(min_length=1, description="Name shown in GET /exports/disks.")
    path: Path = Field(description="Folder export files are written to; a relative path is inside the data dir.")


class S3Config(Strict):
    endpoint_url: str = Field(description="URL of the S3-compatible service (path-style addressing), "
                              "e.g. http://127.0.0.1:8333.")
    bucket: str = Field(min_length=3, description="Bucket the slices are uploaded to (it must exist).")
    access_key: str = Field(description="Access key id.")
    secret_key: str = Field(description="Secret access key.")
    region: str = Field("us-east-1", description="Region name used to sign requests.")
    key_prefix: str = Field("", description="Prefix of every object key (e.g. `node1/`); the rest of the "
                            "key is the slice's path under the data dir.")
    keep_local_s: float | None = Field(None, ge=0, description="How long a slice stays on local disk after "
                                       "its upload is confirmed: 0 removes it at once, null keeps it until "
                                       "retention deletes it.")
    retry_initial_s: float = Field(1, gt=0, description="First wait after a failed upload; doubles per failure.")
    retry_max_s: float = Field(300, gt=0, description="Longest wait between two attempts of one upload.")
    presign_expiry_s: int = Field(3600, ge=60, description="Lifetime of the signed URLs readers (PyAV) "
                                  "open slices that live only in S3 with.")


class StorageConfig(Strict):
    s3: S3Config | None = Field(None, description="Upload finished slices to S3-compatible object storage; "
                                "absent: slices stay on local disk only.")
    data_dir: Path = Field(Path("./var"), description="Root of the database, slices and logs "
                           "(env CAMVAULT_DATA_DIR).")
    min_free_bytes: int = Field(1_000_000_000, ge=0, description="Retention deletes the oldest "
                                "unprotected slices while the data disk has less free space than this.")
    export_dirs: list[ExportDirConfig] = Field(
        default_factory=lambda: [ExportDirConfig(id=None, name="default", path=Path("exports"))],
        description="Export directories (CamTrace disks). Default: `exports` in the data dir as the default "
        "directory (id null); without an entry of id null that default is still used for diskId null.")

    @model_validator(mode="after")
    def _unique_export_dir_ids(self) -> "StorageConfig":
        ids = [d.id for d in self.export_dirs]
        if len(set(ids)) != len(ids):
            raise ValueError(f"export_dirs ids must be unique (one null at most), got {ids}")
        return self


class DatabaseConfig(Strict):
    url: str | None = Field(None, description="SQLAlchemy URL (env CAMVAULT_DATABASE_URL); default "
                            "SQLite file camvault.db in the data dir. PostgreSQL: postgresql+psycopg://...")


class RecordingConfig(Strict):
    slice_max_s: int = Field(600, ge=1, le=86400, description="Longest slice, in seconds; a camera may override it.")
    retention_days: float | None = Field(30, gt=0, description="Delete unprotected slices older than this; "
                                         "null keeps them until space runs short.")
    retention_interval_s: float = Field(60, gt=0, description="How often retention runs, in seconds.")
    pre_alarm_s: float = Field(5, ge=0, le=60, description="Seconds of video before an alarm that its "
                               "alarm recording starts with (kept in memory); a camera may override it.")
    post_alarm_s: float = Field(5, ge=0, le=3600, description="Seconds an alarm recording goes on after "
                                "the camera's last alarm ended.")
    alarm_max_s: float = Field(300, gt=0, le=86400, description="Longest alarm, in seconds: a triggered "
                               "alarm not untriggered ends then; a motion that goes on raises a new alarm.")
    pre_alarm_max_bytes: int = Field(64 * 1024 * 1024, ge=1_000_000, description="Memory bound of each "
                                     "stream's pre-alarm buffer; past it the oldest video is dropped (logged).")


class LiveConfig(Strict):
    delay_s: float = Field(10, gt=0, le=300, description="Delay of the delayed live view "
                           "(rtsp://.../live/delayed/X.Y), in seconds.")
    delay_max_bytes: int = Field(64 * 1024 * 1024, ge=1_000_000, description="Memory bound of the history "
                                 "kept for each stream viewed delayed; past it the delay shortens (oldest dropped).")
    mjpeg_max_fps: float = Field(10, gt=0, le=60, description="Highest frame rate of PUSH HTTP (MJPEG) views.")
    mjpeg_grace_s: float = Field(2, ge=0, le=600, description="Seconds an MJPEG decoder or mosaic keeps running "
                                 "after its last viewer left (a reloading page finds it warm), then stops.")
    mosaic_width_px: int = Field(1280, ge=64, le=7680, description="Width of a PUSH HTTP mosaic (/m) picture "
                                 "when the request gives none.")
    mosaic_height_px: int = Field(720, ge=64, le=4320, description="Height of a PUSH HTTP mosaic (/m) picture "
                                  "when the request gives none.")


class StreamConfig(Strict):
    id: int = Field(ge=1, description="Stream number Y in the X.Y stream id.")
    name: str = Field("", description="Stream name (e.g. the camera's media profile).")
    source: str | None = Field(None, description="Source URL of this stream; defaults to the camera's source.")
    roles: list[Role] = Field(default_factory=list, description="Roles: rrecord, arecord, detect, mosaic, index.")
    quality: int = Field(3, ge=1, le=3, description="1 = low, 2 = medium, 3 = high quality.")
    on_demand: bool = Field(False, description="Pull only while someone watches (not recorded).")


class MotionZoneConfig(Strict):
    x: float = Field(ge=0, lt=1, description="Left edge, relative to the picture width (0 = left).")
    y: float = Field(ge=0, lt=1, description="Top edge, relative to the picture height (0 = top).")
    width: float = Field(gt=0, le=1, description="Width, relative to the picture width.")
    height: float = Field(gt=0, le=1, description="Height, relative to the picture height.")


class MotionConfig(Strict):
    enabled: bool = Field(False, description="Detect motion on the camera's `detect` stream (else its "
                          "lowest-quality stream) and raise MOTION alarms.")
    sensitivity: int = Field(50, ge=1, le=100, description="1 = only strong changes count, 100 = faint "
                             "changes count (grey-level threshold 70 down to 10).")
    min_area: float = Field(0.01, gt=0, le=1, description="Smallest moving area that counts, as a fraction "
                            "of the picture; changes thinner than a few pixels (clock, noise) never count.")
    zones: list[MotionZoneConfig] = Field(default_factory=list, description="Rectangles where motion is "
                                          "looked for; empty = the whole picture.")
    release_s: float = Field(5, ge=0, le=3600, description="Seconds without motion before a motion alarm ends.")


class OnvifConfig(Strict):
    host: str | None = Field(None, description="ONVIF device address; default: the host of the camera's "
                             "rtsp:// source.")
    port: int = Field(80, ge=1, le=65535, description="ONVIF HTTP port (the device service is "
                      "http://host:port/onvif/device_service).")
    user: str = Field(min_length=1, description="ONVIF user (sent as a WS-Security UsernameToken digest).")
    password: str = Field(description="ONVIF password of that user.")
    profile_token: str | None = Field(None, description="Media profile whose PTZ configuration is driven; "
                                      "default: the device's first profile.")
    timeout_s: float = Field(5, gt=0, le=60, description="Longest wait for one ONVIF request, in seconds.")
    connect_timeout_s: float = Field(20, gt=0, le=300, description="Extra wait, in seconds, for a command that "
                                     "must connect first (service discovery and loading the ONVIF WSDL files).")


class PositionConfig(Strict):
    lat_deg: float = Field(ge=-90, le=90, description="Latitude in degrees (WGS 84), -90..90.")
    lon_deg: float = Field(ge=-180, le=180, description="Longitude in degrees (WGS 84), -180..180.")


class CameraConfig(Strict):
    id: int = Field(ge=1, description="CamTrace camera id, stable across restarts.")
    name: str = Field(min_length=1, description="Camera name.")
    source: str = Field(min_length=1, description="URL: rtsp://, rtsps://, file:// or synthetic://.")
    model: str = Field("", description="Camera model name.")
    serial_number: str | None = Field(None, description="Serial number; default derived from the id.")
    enabled: bool = Field(True, description="False: the camera is ignored (no connection, no recording).")
    transport: Literal["tcp", "udp"] = Field("tcp", description="RTSP transport for rtsp:// sources.")
    upside_down: bool = Field(False, description="The image is mounted upside down.")
    slice_max_s: int | None = Field(None, ge=1, le=86400, description="Overrides recording.slice_max_s.")
    retention_days: float | None = Field(None, gt=0, description="Overrides recording.retention_days.")
    motion: MotionConfig = Field(default_factory=MotionConfig, description="Motion detection.")
    pre_alarm_s: float | None = Field(None, ge=0, le=60, description="Overrides recording.pre_alarm_s.")
    onvif: OnvifConfig | None = Field(None, description="ONVIF access of an rtsp:// camera: PTZ commands go "
                                      "through ONVIF PTZ. Synthetic cameras have PTZ without it.")
    streams: list[StreamConfig] | None = Field(None, description="Streams; default: one stream from "
                                               "`source` with every role, quality 3.")
    position: PositionConfig | None = Field(None, description="Where the camera stands; shown as the "
                                            "lat_deg/lon_deg of its Bandit images (omitted when null).")

    @model_validator(mode="after")
    def _onvif_needs_rtsp(self) -> "CameraConfig":
        if self.onvif is not None and not self.source.lower().startswith(("rtsp://", "rtsps://")):
            raise ValueError("onvif settings need an rtsp:// or rtsps:// source")
        return self


class ScreenConfig(Strict):
    id: int = Field(ge=1, description="CamTrace passive screen id, stable across restarts.")
    num: int = Field(ge=0, description="Screen number (`num`), unique among screens.")
    name: str = Field(min_length=1, description="Screen name.")
    host: str = Field("", description="Address of the machine that drives the screen (informative).")
    display_code: int | None = Field(None, ge=0, description="CamTrace `displayCode`, a number (informative).")


class BanditConfig(Strict):
    open_camera_id: int | None = Field(None, ge=1, description="Opens `/bandit/<this id>/api/...` read-only "
                                       "(GET only) without credentials, for a device-local client that cannot "
                                       "authenticate; null: every Bandit request needs credentials.")


class OakConfig(Strict):
    anonymous_user: str | None = Field(None, min_length=1, description="A camvault user whose rights apply to "
                                       "`/oak` requests sent without credentials (OAK clients that cannot "
                                       "authenticate); null: every OAK request needs credentials.")


class FleetConfig(Strict):
    token_ttl_s: int = Field(86400, ge=60, le=31_536_000, description="Lifetime of a `/fleet` OAuth2 access "
                             "token, in seconds.")
    default_timezone: str = Field("UTC", description="IANA time zone of fleet cameras without a site.")
    opening_hours: dict[Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
                        list[str]] = Field(default_factory=dict, description="Opening hours of sites that set "
                                           "none: per weekday, local \"HH:MM-HH:MM\" intervals (end 24:00 = "
                                           "midnight); a weekday not listed is closed.")
    state_request_poll_s: float = Field(5, gt=0, le=3600, description="How often queued put-camera-state "
                                        "requests are looked for (they are also applied as soon as queued).")


class VdgConfig(Strict):
    session_idle_s: float = Field(600, gt=0, description="A VDG Sense API session (its export ids) ends after "
                                  "this many seconds without a /command request; the next one starts at id 1.")
    min_free_bytes: int = Field(0, ge=0, description="exportVideo refuses (-60) an export whose estimated size "
                                "would leave less than this free in the target folder.")


class Config(Strict):
    server: ServerConfig = Field(default_factory=ServerConfig, description="Network and identity.")
    storage: StorageConfig = Field(default_factory=StorageConfig, description="Where media lives.")
    database: DatabaseConfig = Field(default_factory=DatabaseConfig, description="The index database.")
    recording: RecordingConfig = Field(default_factory=RecordingConfig, description="Slices and retention.")
    live: LiveConfig = Field(default_factory=LiveConfig, description="Live, delayed and MJPEG views.")
    cameras: list[CameraConfig] = Field(default_factory=list, description="Cameras defined by this file "
                                        "(read-only through the API).")
    scenarios: ScenarioList = Field(default_factory=list, description="Scenarios (rules) defined by this "
                                    "file, applied at every start (read-only through the API but for ignore).")

    screens: list[ScreenConfig] = Field(default_factory=list, description="Passive screens defined by this "
                                        "file (not deletable through the API; what they show is set by the API).")
    bandit: BanditConfig = Field(default_factory=BanditConfig, description="The Bandit sessions dialect.")
    oak: OakConfig = Field(default_factory=OakConfig, description="The OAK streams dialect.")
    fleet: FleetConfig = Field(default_factory=FleetConfig, description="The Fleet cloud dialect (`/fleet`).")
    vdg: VdgConfig = Field(default_factory=VdgConfig, description="The VDG Sense command dialect (/command).")

    @model_validator(mode="after")
    def _unique_screens(self) -> "Config":
        for what in ("id", "num"):
            values = [getattr(s, what) for s in self.screens]
            repeated = sorted({v for v in values if values.count(v) > 1})
            if repeated:
                raise ValueError(f"screen {what}s must be unique, repeated: {repeated}")
        return self

    @model_validator(mode="after")
    def _unique_camera_ids(self) -> "Config":
        ids = [c.id for c in self.cameras]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"camera ids must be unique, repeated: {duplicates}")
        return self

    @property
    def database_url(self) -> str:
        return self.database.url or f"sqlite:///{self.storage.data_dir / 'camvault.db'}"


class ConfigError(Exception):
    """A configuration that cannot be used; the message names file, line and field."""


def demo_cameras() -> list[CameraConfig]:
    """Five synthetic cameras; camera 1 has a high and a low quality stream, and motion detection
    on the low one (its box always moves: a MOTION alarm every `recording.alarm_max_s`); camera 5
    is the stereo camera (OAK streams CAM_A, CAM_B, CAM_C recorded; DEPTH_B_C off until activated)."""
    base = "synthetic://?width={w}&height={h}&fps=15&bitrate={b}&gop=15"
    cams = [CameraConfig(id=1, name="Demo entrance", source=base.format(w=1280, h=720, b=1_500_000),
                         model="camvault synthetic", motion=MotionConfig(enabled=True), streams=[
                             StreamConfig(id=1, name="main", roles=["rrecord", "arecord", "index", "mosaic"], quality=3),
                             StreamConfig(id=2, name="sub", source=base.format(w=320, h=180, b=200_000),
                                          roles=["detect"], quality=1)])]
    for cam_id, name in ((2, "Demo parking"), (3, "Demo hall"), (4, "Demo loading bay")):
        cams.append(CameraConfig(id=cam_id, name=name, model="camvault synthetic",
                                 source=base.format(w=640, h=360, b=600_000)))
    cams.append(CameraConfig(id=5, name="Demo stereo", model="camvault synthetic stereo", source="synthetic://stereo"))
    return cams


def load_config(path: str | os.PathLike | None = None, env: dict[str, str] | None = None) -> tuple[Config, bool]:
    """Load the config (from `path`, else CAMVAULT_CONFIG, else the demo) and apply env overrides.

    Returns (config, is_demo).
    """
    env = dict(os.environ if env is None else env)
    path = path or env.get("CAMVAULT_CONFIG")
    if path:
        config, is_demo = _load_yaml(Path(path)), False
    else:
        config, is_demo = Config(cameras=demo_cameras()), True
    return _apply_env(config, env), is_demo


def _apply_env(config: Config, env: dict[str, str]) -> Config:
    data = config.model_dump()
    overrides = {"CAMVAULT_DATA_DIR": ("storage", "data_dir"), "CAMVAULT_HTTP_PORT": ("server", "http_port"),
                 "CAMVAULT_RTSP_PORT": ("server", "rtsp_port"), "CAMVAULT_DATABASE_URL": ("database", "url")}
    for var, (section, key) in overrides.items():
        if env.get(var):
            data[section][key] = env[var]
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"environment: {_describe(exc)}") from None


def _load_yaml(path: Path) -> Config:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc.strerror}") from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ConfigError(f"{where}: invalid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: the config must be a mapping of sections")
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        line = _line_of(root, err["loc"])
        field = ".".join(str(p) for p in err["loc"]) or "(root)"
        raise ConfigError(f"{path}:{line}: field '{field}': {err['msg']}") from None


def _describe(exc: ValidationError) -> str:
    err = exc.errors()[0]
    return f"field '{'.'.join(str(p) for p in err['loc'])}': {err['msg']}"


def _line_of(node: yaml.Node | None, loc: tuple) -> int:
    """1-based line of the deepest YAML node reachable along a pydantic error location."""
    line = node.start_mark.line + 1 if node is not None else 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == part), None)
            if match is None:
                break
            line, node = match[0].start_mark.line + 1, match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line
