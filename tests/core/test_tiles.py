"""Mosaic geometry: grid shape, cells (even, centred, row by row), fitting a picture into a tile,
and the stream chosen for a tile."""

import pytest

from camvault.core.model import Stream
from camvault.core.tiles import Cell, Size, cells, covers, fit, grid, tile_stream


@pytest.mark.parametrize(("count", "shape"), [(1, (1, 1)), (2, (2, 1)), (3, (2, 2)), (4, (2, 2)), (5, (3, 2)),
                                              (9, (3, 3)), (10, (4, 3)), (64, (8, 8))])
def test_grid_has_ceil_sqrt_columns(count, shape):
    assert grid(count) == shape


def test_grid_needs_a_tile():
    with pytest.raises(ValueError):
        grid(0)


def test_cells_run_row_by_row_with_even_sizes_centred_in_the_canvas():
    assert cells(4, Size(1280, 720)) == [Cell(0, 0, 640, 360), Cell(640, 0, 640, 360), Cell(0, 360, 640, 360),
                                         Cell(640, 360, 640, 360)]
    three = cells(3, Size(1280, 720))
    assert len(three) == 3 and three[2] == Cell(0, 360, 640, 360)          # the fourth cell stays empty
    nine = cells(9, Size(1280, 720))
    assert {c.size for c in nine} == {Size(426, 240)}
    assert nine[0].x_px == 1 and nine[-1].x_px + 426 == 1279               # 1278 px of grid centred in 1280


def test_fit_keeps_the_aspect_ratio_inside_the_box():
    assert fit(Size(1920, 1080), Size(640, 360)) == Size(640, 360)
    assert fit(Size(640, 480), Size(640, 360)) == Size(480, 360)
    assert fit(Size(320, 180), Size(212, 180)) == Size(212, 120)            # 119.25 -> nearest even
    assert fit(Size(320, 180), Size(640, 720)) == Size(640, 360)            # enlarges when it must


def test_covers_means_the_fitted_picture_is_not_enlarged():
    assert covers(Size(640, 360), Size(640, 360)) and covers(Size(640, 480), Size(640, 360))
    assert not covers(Size(320, 180), Size(426, 240))


def stream(stream_id: int, quality: int) -> Stream:
    return Stream(1, stream_id, "synthetic://", quality=quality)


HD, MD, LD = stream(1, 3), stream(2, 2), stream(3, 1)
KNOWN = [(HD, Size(1280, 720)), (MD, Size(640, 360)), (LD, Size(320, 180))]


@pytest.mark.parametrize(("box", "chosen"), [(Size(1280, 720), HD), (Size(640, 360), MD), (Size(426, 240), MD),
                                             (Size(320, 180), LD), (Size(160, 90), LD), (Size(1920, 1080), HD)])
def test_tile_stream_is_the_lowest_quality_that_covers_the_tile(box, chosen):
    assert tile_stream(KNOWN, box) == chosen


def test_tile_stream_falls_back_to_the_best_when_sizes_are_unknown_or_too_small():
    assert tile_stream([(LD, None), (HD, None)], Size(320, 180)) == HD
    assert tile_stream([(LD, Size(320, 180)), (MD, None)], Size(640, 360)) == MD
    assert tile_stream([], Size(320, 180)) is None
