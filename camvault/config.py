"""The configuration tree: strict YAML (unknown keys refused, every field described) plus
environment overrides. Errors name the file, the line and the field.

Environment: CAMVAULT_CONFIG (YAML path), CAMVAULT_DATA_DIR, CAMVAULT_HTTP_PORT, CAMVAULT_RTSP_PORT,
CAMVAULT_DATABASE_URL; CAMVAULT_ADMIN_PASSWORD is read at first start by the user service.
With no config file the demo configuration (4 synthetic cameras) is used.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

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


class StorageConfig(Strict):
    data_dir: Path = Field(Path("./var"), description="Root of the database, slices and logs "
                           "(env CAMVAULT_DATA_DIR).")
    min_free_bytes: int = Field(1_000_000_000, ge=0, description="Retention deletes the oldest "
                                "unprotected slices while the data disk has less free space than this.")


class DatabaseConfig(Strict):
    url: str | None = Field(None, description="SQLAlchemy URL (env CAMVAULT_DATABASE_URL); default "
                            "SQLite file camvault.db in the data dir. PostgreSQL: postgresql+psycopg://...")


class RecordingConfig(Strict):
    slice_max_s: int = Field(600, ge=1, le=86400, description="Longest slice, in seconds; a camera may override it.")
    retention_days: float | None = Field(30, gt=0, description="Delete unprotected slices older than this; "
                                         "null keeps them until space runs short.")
    retention_interval_s: float = Field(60, gt=0, description="How often retention runs, in seconds.")


class StreamConfig(Strict):
    id: int = Field(ge=1, description="Stream number Y in the X.Y stream id.")
    name: str = Field("", description="Stream name (e.g. the camera's media profile).")
    source: str | None = Field(None, description="Source URL of this stream; defaults to the camera's source.")
    roles: list[Role] = Field(default_factory=list, description="Roles: rrecord, arecord, detect, mosaic, index.")
    quality: int = Field(3, ge=1, le=3, description="1 = low, 2 = medium, 3 = high quality.")
    on_demand: bool = Field(False, description="Pull only while someone watches (not recorded).")


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
    streams: list[StreamConfig] | None = Field(None, description="Streams; default: one stream from "
                                               "`source` with every role, quality 3.")


class Config(Strict):
    server: ServerConfig = Field(default_factory=ServerConfig, description="Network and identity.")
    storage: StorageConfig = Field(default_factory=StorageConfig, description="Where media lives.")
    database: DatabaseConfig = Field(default_factory=DatabaseConfig, description="The index database.")
    recording: RecordingConfig = Field(default_factory=RecordingConfig, description="Slices and retention.")
    cameras: list[CameraConfig] = Field(default_factory=list, description="Cameras defined by this file "
                                        "(read-only through the API).")

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
    """Four synthetic cameras; camera 1 has a high and a low quality stream."""
    base = "synthetic://?width={w}&height={h}&fps=15&bitrate={b}&gop=15"
    cams = [CameraConfig(id=1, name="Demo entrance", source=base.format(w=1280, h=720, b=1_500_000),
                         model="camvault synthetic", streams=[
                             StreamConfig(id=1, name="main", roles=["rrecord", "arecord", "index", "mosaic"], quality=3),
                             StreamConfig(id=2, name="sub", source=base.format(w=320, h=180, b=200_000),
                                          roles=["detect"], quality=1)])]
    for cam_id, name in ((2, "Demo parking"), (3, "Demo hall"), (4, "Demo loading bay")):
        cams.append(CameraConfig(id=cam_id, name=name, model="camvault synthetic",
                                 source=base.format(w=640, h=360, b=600_000)))
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
