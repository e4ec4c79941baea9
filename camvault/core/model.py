"""Domain dataclasses shared by every layer: cameras, streams, slices, users and their rights.

Times are epoch milliseconds UTC (`*_ms`), durations carry their unit in the name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

ROLES = ("rrecord", "arecord", "detect", "mosaic", "index")
"""Stream roles, as the CamTrace document names them."""

SLICE_TYPES = ("r", "a")
"""Slice types: regular (`r`) and alarm (`a`) recording."""


class Profile(str, Enum):
    """User profiles, from most to least privileged."""

    ADMIN = "admin"
    PROTECTION = "protection"
    MONITOR = "monitor"
    CONSULT = "consult"


@dataclass(frozen=True)
class Stream:
    """One encoded video flow of a camera: `X.Y` is camera X, stream Y."""

    camera_id: int
    stream_id: int
    source: str
    name: str = ""
    roles: tuple[str, ...] = ()
    quality: int = 3
    ignored: bool = False
    on_demand: bool = False
    encoding: str | None = None
    width: int | None = None
    height: int | None = None

    @property
    def key(self) -> str:
        """The `X.Y` identifier used in live and replay paths."""
        return f"{self.camera_id}.{self.stream_id}"


@dataclass(frozen=True)
class Camera:
    """One device or source, with its streams."""

    id: int
    name: str
    source: str
    uuid: str
    serial_number: str
    model: str = ""
    enabled: bool = True
    origin: str = "api"
    transport: str = "tcp"
    upside_down: bool = False
    slice_max_s: int | None = None
    retention_days: float | None = None
    streams: tuple[Stream, ...] = ()
    lat_deg: float | None = None
    lon_deg: float | None = None
    """Configured position (WGS 84 degrees); both None when the camera has none."""

    def stream(self, stream_id: int) -> Stream | None:
        """The stream with this id, or None."""
        return next((s for s in self.streams if s.stream_id == stream_id), None)

    def streams_with_role(self, role: str) -> list[Stream]:
        """Streams holding `role`, best quality first."""
        return sorted((s for s in self.streams if role in s.roles and not s.ignored),
                      key=lambda s: -s.quality)


@dataclass(frozen=True)
class Slice:
    """One recorded file of one stream (MKV, stream copy)."""

    id: int
    camera_id: int
    stream_id: int
    start_ms: int
    stop_ms: int
    type: str
    size_bytes: int
    path: str
    protected: bool = False

    @property
    def duration_ms(self) -> int:
        return self.stop_ms - self.start_ms


@dataclass(frozen=True)
class CameraRight:
    """What one user may do with one camera."""

    camera_id: int
    live: bool = True
    records: bool = True
    ptz: bool = False


OBJECT_ACTIONS: dict[str, frozenset[str]] = {
    "mosaic": frozenset({"view", "edit"}),
    "map": frozenset({"view", "edit"}),
    "connector": frozenset({"insert", "consult"}),      # metadata: "Insert metadata", "Metadata consult"
}
"""What a user may be given on each kind of object other than cameras."""


@dataclass(frozen=True)
class User:
    """A camvault user. Admins see every camera and may do everything; others only what `rights`
    (per camera) and `objects` ((kind, key) -> actions, see OBJECT_ACTIONS) give them."""

    id: int
    name: str
    profile: Profile
    rights: dict[int, CameraRight] = field(default_factory=dict)
    objects: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)

    @property
    def is_admin(self) -> bool:
        return self.profile is Profile.ADMIN

    def may(self, kind: str, key: str | int, action: str) -> bool:
        """Whether the user may do `action` on the object `key` (an id or uuid) of `kind`."""
        return self.is_admin or action in self.objects.get((kind, str(key)), frozenset())


@dataclass(frozen=True)
class ConnectionEvent:
    """A connect or disconnect of one camera stream, for the camera-connections log."""

    camera_id: int
    stream_id: int
    connected: bool
    at_ms: int
    detail: str = ""
    id: int = 0


@dataclass(frozen=True)
class Snapshot:
    """A still picture of a camera taken by a user; names are kept as they were when it was taken."""

    id: int
    camera_id: int
    camera_name: str
    user_id: int
    user_name: str
    ip: str
    time_ms: int
    created_ms: int
    comment: str | None
    path: str

    @property
    def updatable(self) -> bool:
        """A comment may be added only while there is none."""
        return self.comment is None

@dataclass(frozen=True)
class SnapshotFilter:
    """What a snapshot list is restricted to; None means no restriction on that field."""

    camera_ids: list[int] | None = None
    from_ms: int | None = None
    to_ms: int | None = None
    user_id: int | None = None
    comment: str | None = None
