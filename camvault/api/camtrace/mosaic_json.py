"""The CamTrace mosaic ("group") object, both ways: `mosaic_json` (list, retrieve), `summary_json`
(the `group` of create and modify answers), and the request bodies of create, in-depth
modification and cycle modification turned into `core.mosaics` values.

Field names are the document's (`pushMode`, `displayCode`, `levels[].elements[].cameraId`, ...);
a `null` display attribute takes its default. Value checks (types, ranges) are pydantic's, with
the dialect's 400 naming the field; structural rules are the service's (core.mosaics).
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request

from camvault.api.camtrace.body import validated
from camvault.core.errors import BadRequest
from camvault.core.mosaics import MAX_SIDE, Mosaic, MosaicElement, MosaicLevel

MAX_DURATION_S = 86_400
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")



class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ElementBody(_Body):
    position: int
    serverId: int | None = 0
    cameraId: int | None = None
    streamId: int | None = None
    quality: int | None = Field(default=None, ge=1, le=3)
    type: Literal["c", "i", "w"] | None = "c"
    mode: Literal["v", "a"] | None = "v"
    url: str | None = Field(default=None, max_length=2000)
    showMargin: bool | None = True
    showMenu: bool | None = True
    keepRatio: bool | None = True
    alignment: int | None = 0

    def element(self) -> MosaicElement:
        return MosaicElement(position=self.position, camera_id=self.cameraId, stream_id=self.streamId,
                             quality=self.quality, type=self.type or "c", mode=self.mode or "v", url=self.url,
                             server_id=self.serverId or 0, show_margin=_flag(self.showMargin),
                             show_menu=_flag(self.showMenu), keep_ratio=_flag(self.keepRatio),
                             alignment=self.alignment or 0)


class LevelBody(_Body):
    name: str = Field(min_length=1, max_length=200)
    duration: int | None = Field(default=None, ge=1, le=MAX_DURATION_S)
    elements: list[ElementBody]

    def level(self) -> MosaicLevel:
        return MosaicLevel(self.name, self.duration, tuple(e.element() for e in self.elements))


class GroupChanges(_Body):
    """In-depth modification: every attribute optional; those given replace the mosaic's."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    rows: int | None = Field(default=None, ge=1, le=MAX_SIDE)
    cols: int | None = Field(default=None, ge=1, le=MAX_SIDE)
    layout: list[list[int]] | None = Field(default=None, min_length=1, max_length=MAX_SIDE)
    levels: list[LevelBody] | None = Field(default=None, min_length=1)
    pushMode: bool | None = None
    fullScreen: bool | None = None
    stayOnTop: bool | None = None
    displayCode: int | None = Field(default=None, ge=0, le=999_999)
    defaultLevelDuration: int | None = Field(default=None, ge=1, le=MAX_DURATION_S)
    comments: str | None = Field(default=None, max_length=2000)

    def changes(self) -> dict[str, Any]:
        """The attributes given, as `Mosaic` fields (null booleans are false; null name, rows,
        cols, layout or levels are refused)."""
        given = self.model_fields_set
        for required in ("name", "rows", "cols", "layout", "levels"):
            if required in given and getattr(self, required) is None:
                raise BadRequest(f"Invalid group field '{required}': must not be null", key="invalid_field",
                                 field=required)
        out: dict[str, Any] = {}
        for attr, field in _FIELDS.items():
            if attr in given:
                out[field] = getattr(self, attr)
        for flag in ("push_mode", "full_screen", "stay_on_top"):
            if flag in out:
                out[flag] = bool(out[flag])
        if "layout" in out:
            out["layout"] = tuple(tuple(row) for row in out["layout"])
        if "levels" in out:
            out["levels"] = tuple(level.level() for level in self.levels)
        return out


class GroupBody(GroupChanges):
    """Creation: name, rows, cols, layout and levels are mandatory."""

    name: str = Field(min_length=1, max_length=200)
    rows: int = Field(ge=1, le=MAX_SIDE)
    cols: int = Field(ge=1, le=MAX_SIDE)
    layout: list[list[int]] = Field(min_length=1, max_length=MAX_SIDE)
    levels: list[LevelBody] = Field(min_length=1)

    def mosaic(self) -> Mosaic:
        return Mosaic(id=0, **{"push_mode": False, "full_screen": False, "stay_on_top": False, **self.changes()})


class CycleElementBody(_Body):
    position: int
    serverId: int | None = 0
    cameraId: int
    streamId: int | None = None
    quality: int | None = Field(default=None, ge=1, le=3)

    def element(self) -> MosaicElement:
        return MosaicElement(position=self.position, camera_id=self.cameraId, stream_id=self.streamId,
                             quality=self.quality, server_id=self.serverId or 0)


class CycleLevelBody(_Body):
    name: str = Field(min_length=1, max_length=200)
    duration: int | None = Field(default=None, ge=1, le=MAX_DURATION_S)
    elements: list[CycleElementBody]

    def level(self) -> MosaicLevel:
        return MosaicLevel(self.name, self.duration, tuple(e.element() for e in self.elements))


class CycleBody(_Body):
    levels: list[CycleLevelBody] = Field(min_length=1)


_FIELDS = {"name": "name", "rows": "rows", "cols": "cols", "layout": "layout", "levels": "levels",
           "pushMode": "push_mode", "fullScreen": "full_screen", "stayOnTop": "stay_on_top",
           "displayCode": "display_code", "defaultLevelDuration": "default_level_duration_s",
           "comments": "comments"}


def _flag(value: bool | None) -> bool:
    return True if value is None else value


# --- request bodies ------------------------------------------------------------------------------
async def json_object(request: Request) -> dict:
    """The body's JSON object. A comma before `}` or `]` (as in the document's cycle example) is
    forgiven."""
    raw = (await request.body()).decode("utf-8", errors="replace")
    try:
        payload = json.loads(raw)
    except ValueError:
        try:
            payload = json.loads(_TRAILING_COMMA.sub(r"\1", raw))
        except ValueError:
            raise BadRequest("The body must be JSON", key="invalid_json") from None
    if not isinstance(payload, dict):
        raise BadRequest('The body must be a JSON object {"group": {...}}', key="invalid_json")
    return payload


def creation(payload: dict) -> Mosaic:
    inner = payload["group"] if isinstance(payload.get("group"), dict) else payload
    return validated(GroupBody, inner, "group").mosaic()


def modification(payload: dict) -> tuple[str, Any]:
    """("group", changes) for an in-depth modification (`{"group": {...}}`, or a bare object with
    other attributes than `levels`), ("levels", levels) for a cycle modification (`{"levels": [...]}`)."""
    if isinstance(payload.get("group"), dict):
        return "group", validated(GroupChanges, payload["group"], "group").changes()
    if set(payload) == {"levels"}:
        return "levels", tuple(level.level() for level in validated(CycleBody, payload, "levels").levels)
    return "group", validated(GroupChanges, payload, "group").changes()


# --- answers -------------------------------------------------------------------------------------
def summary_json(m: Mosaic) -> dict:
    return {"id": m.id, "name": m.name, "rows": m.rows, "cols": m.cols, "fullScreen": m.full_screen,
            "stayOnTop": m.stay_on_top, "displayCode": m.display_code, "pushMode": m.push_mode}


def mosaic_json(m: Mosaic, prefix: str) -> dict:
    return {"id": m.id, "name": m.name, "rows": m.rows, "cols": m.cols, "pushMode": m.push_mode,
            "fullScreen": m.full_screen, "stayOnTop": m.stay_on_top, "displayCode": m.display_code,
            "defaultLevelDuration": m.default_level_duration_s, "comments": m.comments,
            "layout": [list(row) for row in m.layout],
            "levels": [{"name": lv.name, "duration": lv.duration_s, "elements": [_element_json(e) for e in lv.elements]}
                       for lv in m.levels],
            "href": f"{prefix}/groups/{m.id}"}


def _element_json(e: MosaicElement) -> dict:
    return {"position": e.position, "serverId": e.server_id, "cameraId": e.camera_id, "streamId": e.stream_id,
            "quality": e.quality, "mode": e.mode, "type": e.type, "url": e.url, "showMargin": e.show_margin,
            "showMenu": e.show_menu, "keepRatio": e.keep_ratio, "alignment": e.alignment}
