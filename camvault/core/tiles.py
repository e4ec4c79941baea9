"""Server-side mosaic geometry, pure: the grid of tiles a mosaic is cut into (equal tiles, or a
layout whose cells may merge several positions), how a picture fits a tile, and which of a camera's
streams feeds a tile. Sizes are in pixels (`*_px`), always even (the JPEG and YUV 4:2:0 pictures
camvault makes have even sizes).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from camvault.core.model import Stream


@dataclass(frozen=True)
class Size:
    width_px: int
    height_px: int


@dataclass(frozen=True)
class Cell:
    """One tile's place in the mosaic: left, top, width, height."""

    x_px: int
    y_px: int
    width_px: int
    height_px: int

    @property
    def size(self) -> Size:
        return Size(self.width_px, self.height_px)


def _even(value: float) -> int:
    return max(2, int(value) // 2 * 2)


def grid(count: int) -> tuple[int, int]:
    """(columns, rows) for `count` tiles: ceil(sqrt(count)) columns, as many rows as needed."""
    if count < 1:
        raise ValueError("a mosaic needs at least one tile")
    cols = math.ceil(math.sqrt(count))
    return cols, math.ceil(count / cols)


def cells(count: int, canvas: Size) -> list[Cell]:
    """The cells of `count` tiles, row by row from the top left; all the same (even) size. The grid
    is centred in the canvas when the canvas does not divide evenly."""
    cols, rows = grid(count)
    return grid_cells(cols, rows, canvas)[:count]


def grid_cells(cols: int, rows: int, canvas: Size) -> list[Cell]:
    """The `cols` x `rows` positions of a grid, row by row, all the same (even) size, the grid
    centred in the canvas."""
    width, height = _even(canvas.width_px / cols), _even(canvas.height_px / rows)
    left = (canvas.width_px - cols * width) // 2
    top = (canvas.height_px - rows * height) // 2
    return [Cell(left + (i % cols) * width, top + (i // cols) * height, width, height) for i in range(cols * rows)]


def merged_cells(layout: tuple[tuple[int, ...], ...], canvas: Size) -> dict[int, Cell]:
    """The cell of each identifier of a layout (rows of positions, each holding the identifier of
    the cell it belongs to): the rectangle spanning the cell's positions on a grid of the layout's
    shape. A cell whose positions do not form a rectangle gets their bounding rectangle."""
    rows, cols = len(layout), len(layout[0])
    units = grid_cells(cols, rows, canvas)
    spans: dict[int, list[Cell]] = {}
    for r, row in enumerate(layout):
        for c, cell_id in enumerate(row):
            spans.setdefault(cell_id, []).append(units[r * cols + c])
    return {cell_id: _bounding(parts) for cell_id, parts in spans.items()}


def _bounding(parts: list[Cell]) -> Cell:
    left, top = min(p.x_px for p in parts), min(p.y_px for p in parts)
    right, bottom = max(p.x_px + p.width_px for p in parts), max(p.y_px + p.height_px for p in parts)
    return Cell(left, top, right - left, bottom - top)


def fit(picture: Size, box: Size) -> Size:
    """The largest even size with the picture's aspect ratio that fits in `box` (may upscale)."""
    scale = min(box.width_px / picture.width_px, box.height_px / picture.height_px)
    return Size(min(box.width_px, _even(picture.width_px * scale + 1)),
                min(box.height_px, _even(picture.height_px * scale + 1)))


def covers(picture: Size, box: Size) -> bool:
    """The picture fitted into `box` is not enlarged (its width or its height reaches the box's)."""
    return picture.width_px >= box.width_px or picture.height_px >= box.height_px


def tile_stream(streams: list[tuple[Stream, Size | None]], box: Size) -> Stream | None:
    """The stream that feeds a tile of size `box`, among a camera's pulled streams with their known
    picture size (None while unknown): the lowest-quality stream whose picture covers the tile
    (ties: the smallest picture), else the best stream (highest quality, then largest picture)."""
    if not streams:
        return None
    covering = [(s, size) for s, size in streams if size is not None and covers(size, box)]
    if covering:
        return min(covering, key=lambda c: (c[0].quality, c[1].width_px * c[1].height_px, c[0].stream_id))[0]
    return max(streams, key=lambda c: (c[0].quality, _area(c[1]), -c[0].stream_id))[0]


def chosen_stream(streams: list[tuple[Stream, Size | None]], box: Size, *, stream_id: int | None = None,
                  quality: int | None = None) -> Stream | None:
    """The stream a mosaic cell asked for: among the streams of `quality` (preferred when both are
    given), else stream `stream_id`; when the camera has neither, `tile_stream` of all of them."""
    if quality is not None:
        same = [(s, size) for s, size in streams if s.quality == quality]
        if same:
            return tile_stream(same, box)
    elif stream_id is not None:
        named = next((s for s, _size in streams if s.stream_id == stream_id), None)
        if named is not None:
            return named
    return tile_stream(streams, box)


def _area(size: Size | None) -> int:
    return size.width_px * size.height_px if size is not None else 0
