"""Mosaics (the CamTrace "groups"), pure: a layout of rows x cols positions grouped into cells, and
a cycle of levels, each saying what the cells show; the rules a definition follows, which level is
on at a given time, and what every cell shows once real-time overrides apply.

Layout: `layout[r][c]` is the identifier of the cell that position (row r, column c) belongs to.
Identifiers run 0..n-1, each used; a cell spanning several positions (a merge) covers a filled
rectangle. An element of a level fills the cell whose identifier is its `position`; a cell without
an element stays empty during that level. Times are seconds (`*_s`) of a monotonic clock.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from camvault.core.errors import BadRequest

DEFAULT_LEVEL_DURATION_S = 10
"""How long a level shows when neither it nor its mosaic says."""
MAX_SIDE = 10
"""At most this many rows and columns."""
ELEMENT_TYPES = ("c", "i", "w")
"""camera, image, web page."""
MODES = ("v", "a")
"""video, alarm."""

Layout = tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class MosaicElement:
    """What one cell shows during one level: a camera's stream (type `c`; `quality` is preferred to
    `stream_id` when both are set) or an image / web page at `url` (types `i`, `w`). `server_id`
    is 0 (the local node). The display flags are for clients (CT-Client)."""

    position: int
    camera_id: int | None = None
    stream_id: int | None = None
    quality: int | None = None
    type: str = "c"
    mode: str = "v"
    url: str | None = None
    server_id: int = 0
    show_margin: bool = True
    show_menu: bool = True
    keep_ratio: bool = True
    alignment: int = 0


@dataclass(frozen=True)
class MosaicLevel:
    name: str
    duration_s: int | None
    elements: tuple[MosaicElement, ...] = ()


@dataclass(frozen=True)
class Mosaic:
    id: int
    name: str
    rows: int
    cols: int
    layout: Layout
    levels: tuple[MosaicLevel, ...]
    push_mode: bool = False
    full_screen: bool = False
    stay_on_top: bool = False
    display_code: int | None = None
    default_level_duration_s: int | None = None
    comments: str | None = None

    @property
    def cell_count(self) -> int:
        return len({cell for row in self.layout for cell in row})

    def durations_s(self) -> list[int]:
        """Each level's display time: its own, else the mosaic's default, else 10 s."""
        default = self.default_level_duration_s or DEFAULT_LEVEL_DURATION_S
        return [level.duration_s or default for level in self.levels]


@dataclass(frozen=True)
class Override:
    """A real-time replacement of a cell's content by a camera's stream, until `until_s` (None:
    until cancelled or the mosaic is modified)."""

    camera_id: int
    stream_id: int
    until_s: float | None = None

    def active(self, now_s: float) -> bool:
        return self.until_s is None or now_s < self.until_s


@dataclass(frozen=True)
class Shown:
    """A cell showing a camera now (`stream_id` / `quality` as the element or override asks)."""

    cell: int
    camera_id: int
    stream_id: int | None = None
    quality: int | None = None


# --- rules ---------------------------------------------------------------------------------------
def check_layout(rows: int, cols: int, layout: Layout) -> None:
    """`layout` is `rows` rows of `cols` cell identifiers 0..n-1, each used, each a rectangle."""
    if len(layout) != rows or any(len(row) != cols for row in layout):
        raise BadRequest(f"The layout must have {rows} rows of {cols} positions", key="mosaic_layout_shape",
                         rows=rows, cols=cols)
    spots: dict[int, list[tuple[int, int]]] = {}
    for r, row in enumerate(layout):
        for c, cell in enumerate(row):
            spots.setdefault(cell, []).append((r, c))
    if sorted(spots) != list(range(len(spots))):
        raise BadRequest("The layout's cells must be numbered from 0 to n-1, each number used",
                         key="mosaic_layout_cells")
    for cell, places in spots.items():
        height = max(r for r, _ in places) - min(r for r, _ in places) + 1
        width = max(c for _, c in places) - min(c for _, c in places) + 1
        if height * width != len(places):
            raise BadRequest(f"Cell {cell} of the layout is not a rectangle", key="mosaic_cell_not_rectangle",
                             cell=cell)


def check_levels(levels: tuple[MosaicLevel, ...], cell_count: int) -> None:
    """Every element names a cell of the layout once per level and carries what its type needs."""
    for level in levels:
        seen: set[int] = set()
        for element in level.elements:
            check_position(element.position, cell_count)
            if element.position in seen:
                raise BadRequest(f"Level '{level.name}' defines position {element.position} twice",
                                 key="mosaic_duplicate_position", level=level.name, position=element.position)
            seen.add(element.position)
            check_element(element)


def check_position(position: int, cell_count: int) -> None:
    if not 0 <= position < cell_count:
        raise BadRequest(f"Position {position} is not a cell of the layout", key="mosaic_invalid_position",
                         position=position)


def check_element(element: MosaicElement) -> None:
    position = element.position
    if element.server_id != 0:
        raise BadRequest(f"Position {position}: server {element.server_id} is unknown (only server 0)",
                         key="mosaic_unknown_server", position=position, id=element.server_id)
    if element.type != "c":
        if not element.url:
            raise BadRequest(f"Position {position}: an image or web page element needs a url",
                             key="mosaic_url_required", position=position)
        return
    if element.camera_id is None:
        raise BadRequest(f"Position {position}: a camera element needs a cameraId", key="mosaic_camera_required",
                         position=position)
    if element.mode == "v" and element.stream_id is None and element.quality is None:
        raise BadRequest(f"Position {position}: streamId or quality is required", key="mosaic_stream_required",
                         position=position)


def check_size(rows: int, cols: int) -> None:
    if not (1 <= rows <= MAX_SIDE and 1 <= cols <= MAX_SIDE):
        raise BadRequest(f"A mosaic has 1 to {MAX_SIDE} rows and columns", key="mosaic_too_large", max=MAX_SIDE)


def with_previous_display(levels: tuple[MosaicLevel, ...], previous: tuple[MosaicLevel, ...]) -> tuple[MosaicLevel, ...]:
    """A cycle modification's levels (camera elements without display attributes) with the mode and
    display flags of the camera element that held the same position before: in the same level if
    any, else in the first level that had one."""
    def before(index: int, position: int) -> MosaicElement | None:
        order = ([previous[index]] if index < len(previous) else []) + list(previous)
        return next((e for lv in order for e in lv.elements if e.position == position and e.type == "c"), None)

    def inherited(index: int, e: MosaicElement) -> MosaicElement:
        old = before(index, e.position)
        if old is None:
            return e
        return replace(e, mode=old.mode, show_margin=old.show_margin, show_menu=old.show_menu,
                       keep_ratio=old.keep_ratio, alignment=old.alignment)
    return tuple(replace(lv, elements=tuple(inherited(i, e) for e in lv.elements)) for i, lv in enumerate(levels))


# --- what shows when -----------------------------------------------------------------------------
def level_at(durations_s: list[int], elapsed_s: float) -> int:
    """The index of the level on `elapsed_s` after the cycle started (levels loop)."""
    if not durations_s:
        return 0
    at = elapsed_s % sum(durations_s)
    for index, duration_s in enumerate(durations_s):
        if at < duration_s:
            return index
        at -= duration_s
    return len(durations_s) - 1


def shown_cells(mosaic: Mosaic, elapsed_s: float, overrides: dict[int, Override], now_s: float) -> tuple[Shown, ...]:
    """The cells showing a camera `elapsed_s` into the cycle, by cell: the current level's camera
    elements, replaced by the active overrides."""
    shown: dict[int, Shown] = {}
    if mosaic.levels:
        level = mosaic.levels[level_at(mosaic.durations_s(), elapsed_s)]
        for e in level.elements:
            if e.type == "c" and e.camera_id is not None:
                shown[e.position] = Shown(e.position, e.camera_id, e.stream_id, e.quality)
    for cell, override in overrides.items():
        if override.active(now_s) and cell < mosaic.cell_count:
            shown[cell] = Shown(cell, override.camera_id, override.stream_id)
    return tuple(shown[cell] for cell in sorted(shown))
