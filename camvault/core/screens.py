"""Passive screens: a wall display (a monitor driven by a machine at `host`) that shows whatever is
assigned to it, one camera or one mosaic at a time, or nothing. Pure: the dataclass and the rule
that a new assignment replaces the previous one."""

from __future__ import annotations

from dataclasses import dataclass, replace

LOCAL_SERVER_ID = 0
"""The `serverId` of this node in the CamTrace servers list (the only node until clustering)."""


@dataclass(frozen=True)
class Screen:
    id: int
    num: int
    name: str
    host: str = ""
    display_code: int | None = None
    server_id: int = LOCAL_SERVER_ID
    camera_id: int | None = None
    mosaic_id: int | None = None
    origin: str = "api"
    """"config" (defined by the config file, re-applied at every start) or "api"."""

    def showing(self, *, camera_id: int | None = None, mosaic_id: int | None = None) -> "Screen":
        """The screen showing `camera_id` or `mosaic_id`, the other cleared; neither is a blank screen."""
        if camera_id is not None and mosaic_id is not None:
            raise ValueError("a screen shows one camera or one mosaic, not both")
        return replace(self, camera_id=camera_id, mosaic_id=mosaic_id)


@dataclass(frozen=True)
class ScreenPicture:
    """What a screen's page shows to one viewer: a camera stream, a mosaic, or nothing and why
    (`reason`, English, shown on the screen)."""

    stream: tuple[int, int] | None = None
    """(camera id, stream id) of the camera stream shown."""
    mosaic_id: int | None = None
    caption: str = ""
    reason: str = ""
