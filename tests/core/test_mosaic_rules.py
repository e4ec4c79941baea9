"""Mosaic rules, pure: layouts (shape, cells numbered 0..n-1, merged cells as rectangles), level
elements (positions, what each type needs), the level on at a time, what cells show once overrides
apply, a cycle modification keeping display attributes, and the geometry and stream of merged cells."""

import pytest

from camvault.core.errors import BadRequest
from camvault.core.model import Stream
from camvault.core.mosaics import (
    Mosaic,
    MosaicElement,
    MosaicLevel,
    Override,
    Shown,
    check_layout,
    check_levels,
    check_size,
    level_at,
    shown_cells,
    with_previous_display,
)
from camvault.core.tiles import Cell, Size, chosen_stream, merged_cells

DOC_LAYOUT = ((0, 0, 1), (0, 0, 2), (3, 4, 5))          # the document's creation example


def key_of(call) -> str:
    with pytest.raises(BadRequest) as caught:
        call()
    return caught.value.key


def test_the_documents_layouts_are_valid():
    check_layout(3, 3, DOC_LAYOUT)
    check_layout(2, 2, ((0, 1), (2, 3)))
    check_layout(1, 1, ((0,),))
    check_layout(2, 3, ((0, 0, 0), (0, 0, 0)))                       # one cell over everything


@pytest.mark.parametrize(("rows", "cols", "layout", "key"), [
    (3, 3, ((0, 0, 1), (0, 0, 2)), "mosaic_layout_shape"),              # a row missing
    (2, 2, ((0, 1), (2,)), "mosaic_layout_shape"),                       # a short row
    (2, 2, ((0, 1), (2, 4)), "mosaic_layout_cells"),                     # 3 skipped
    (2, 2, ((1, 1), (2, 3)), "mosaic_layout_cells"),                     # 0 missing
    (2, 2, ((0, -1), (1, 2)), "mosaic_layout_cells"),
    (2, 2, ((0, 0), (0, 1)), "mosaic_cell_not_rectangle"),               # an L
    (1, 3, ((0, 1, 0),), "mosaic_cell_not_rectangle"),                   # two pieces
    (3, 3, ((0, 0, 1), (0, 2, 1), (3, 4, 5)), "mosaic_cell_not_rectangle"),
])
def test_bad_layouts_are_refused(rows, cols, layout, key):
    assert key_of(lambda: check_layout(rows, cols, layout)) == key


def test_size_is_bounded():
    check_size(10, 10)
    assert key_of(lambda: check_size(0, 2)) == key_of(lambda: check_size(2, 11)) == "mosaic_too_large"


def camera(position, camera_id=1, **kw) -> MosaicElement:
    return MosaicElement(position, camera_id=camera_id, **({"quality": 1} | kw))


@pytest.mark.parametrize(("elements", "key"), [
    ((camera(6),), "mosaic_invalid_position"),
    ((camera(-1),), "mosaic_invalid_position"),
    ((camera(1), camera(1, 2)), "mosaic_duplicate_position"),
    ((MosaicElement(0, camera_id=1),), "mosaic_stream_required"),
    ((MosaicElement(0, quality=1),), "mosaic_camera_required"),
    ((MosaicElement(0, type="w"),), "mosaic_url_required"),
    ((camera(0, server_id=2),), "mosaic_unknown_server"),
])
def test_bad_elements_are_refused(elements, key):
    assert key_of(lambda: check_levels((MosaicLevel("L", None, elements),), 6)) == key


def test_good_elements_pass():
    check_levels((MosaicLevel("L", 10, (camera(0, stream_id=3, quality=None), camera(1),
                                        MosaicElement(2, camera_id=1, mode="a"),           # alarm: no stream needed
                                        MosaicElement(3, type="i", url="http://x/y.png"))),
                  MosaicLevel("empty", None, ())), 6)


def test_levels_loop_by_their_durations():
    durations = [5, 3, 2]
    assert [level_at(durations, t) for t in (0, 4.99, 5, 7.9, 8, 9.99, 10, 15, 18.5)] == [0, 0, 1, 1, 2, 2, 0, 1, 2]
    assert level_at([], 3) == 0


def mosaic(*levels, default_s=None) -> Mosaic:
    return Mosaic(1, "m", 2, 2, ((0, 0), (1, 2)), tuple(levels), default_level_duration_s=default_s)


def test_durations_fall_back_to_the_mosaic_default_then_10_s():
    levels = (MosaicLevel("a", 4, ()), MosaicLevel("b", None, ()))
    assert mosaic(*levels).durations_s() == [4, 10]
    assert mosaic(*levels, default_s=7).durations_s() == [4, 7]


def test_cells_show_the_current_level_with_active_overrides():
    a = MosaicLevel("a", 5, (camera(0, 1), camera(1, 2, stream_id=2, quality=None),
                             MosaicElement(2, type="w", url="http://example.org")))
    b = MosaicLevel("b", 5, (camera(2, 3),))
    m = mosaic(a, b)
    assert shown_cells(m, 0, {}, 0) == (Shown(0, 1, None, 1), Shown(1, 2, 2, None))   # the web page: nothing
    assert shown_cells(m, 6, {}, 0) == (Shown(2, 3, None, 1),)
    overrides = {1: Override(4, 1, until_s=100), 2: Override(5, 2), 7: Override(6, 1)}
    assert shown_cells(m, 6, overrides, 99) == (Shown(1, 4, 1), Shown(2, 5, 2))         # cell 7 does not exist
    assert shown_cells(m, 6, overrides, 100) == (Shown(2, 5, 2),)                          # expired


def test_a_cycle_modification_keeps_mode_and_display_flags_of_the_position():
    before = (MosaicLevel("a", 5, (MosaicElement(0, camera_id=1, quality=1, mode="a", show_menu=False),
                                   MosaicElement(1, type="i", url="http://x"))),
              MosaicLevel("b", 5, (MosaicElement(0, camera_id=1, quality=1, keep_ratio=False),
                                   MosaicElement(1, camera_id=2, quality=1, alignment=3))))
    new = (MosaicLevel("x", None, (MosaicElement(0, camera_id=3, stream_id=1), MosaicElement(1, camera_id=3,
                                                                                             stream_id=1))),
           MosaicLevel("y", None, (MosaicElement(0, camera_id=3, stream_id=1),)),
           MosaicLevel("z", None, (MosaicElement(2, camera_id=3, stream_id=1),)))
    got = with_previous_display(new, before)
    x0, x1 = got[0].elements
    assert (x0.mode, x0.show_menu, x0.keep_ratio) == ("a", False, True)       # same level, same position
    assert (x1.type, x1.alignment) == ("c", 3)                                 # level b had the camera there
    assert got[1].elements[0].keep_ratio is False and got[1].elements[0].camera_id == 3
    assert got[2].elements[0] == MosaicElement(2, camera_id=3, stream_id=1)   # nothing there before


def test_merged_cells_span_their_positions():
    cells = merged_cells(DOC_LAYOUT, Size(1200, 720))
    assert cells == {0: Cell(0, 0, 800, 480), 1: Cell(800, 0, 400, 240), 2: Cell(800, 240, 400, 240),
                     3: Cell(0, 480, 400, 240), 4: Cell(400, 480, 400, 240), 5: Cell(800, 480, 400, 240)}
    odd = merged_cells(((0, 1, 1),), Size(1280, 720))          # 426 px columns, the grid centred
    assert odd == {0: Cell(1, 0, 426, 720), 1: Cell(427, 0, 852, 720)}


def stream(stream_id: int, quality: int) -> Stream:
    return Stream(1, stream_id, "synthetic://", quality=quality)


def test_a_cell_gets_the_asked_quality_or_stream():
    hd, md, ld = stream(1, 3), stream(2, 2), stream(3, 1)
    known = [(hd, Size(1280, 720)), (md, Size(640, 360)), (ld, Size(320, 180))]
    box = Size(640, 360)
    assert chosen_stream(known, box) == md                                  # no wish: what covers the cell
    assert chosen_stream(known, box, quality=1) == ld
    assert chosen_stream(known, box, stream_id=1) == hd
    assert chosen_stream(known, box, stream_id=1, quality=1) == ld           # quality is preferred
    assert chosen_stream(known, box, stream_id=9) == md                      # no such stream: by size
    assert chosen_stream([(hd, None), (md, None)], box, quality=1) == hd    # no such quality: the best
