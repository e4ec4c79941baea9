"""PTZ math in the normalised space: clicks, areas, zoom steps, nudges and continuous moves."""

import math

import pytest

from camvault.core.ptz import (HOME, PAN_TILT_UNITS_PER_S, ZOOM_UNITS_PER_S, AreaZoom, CenterOn, PtzGeometry,
                               PtzPosition, PtzVelocity, ZoomBy, advance, area_zoom, center_on, nudge, target_of,
                               zoom_by)

GEOMETRY = PtzGeometry(fov_pan=2.0, fov_tilt=1.0, max_mag=4.0)


def test_magnification_is_exponential_in_zoom_and_inverts():
    assert GEOMETRY.magnification(0) == 1 and GEOMETRY.magnification(1) == 4
    assert GEOMETRY.magnification(0.5) == pytest.approx(2)
    assert GEOMETRY.zoom_for(2) == pytest.approx(0.5)
    assert GEOMETRY.zoom_for(100) == 1 and GEOMETRY.zoom_for(0.5) == 0
    assert GEOMETRY.span(0.5) == pytest.approx((1.0, 0.5))


def test_a_click_centres_the_point_and_respects_zoom():
    right_edge = center_on(HOME, GEOMETRY, 1, 0)
    assert right_edge.pan == pytest.approx(1.0) and right_edge.tilt == 0     # half the span to the right
    below = center_on(PtzPosition(0, 0, 0.5), GEOMETRY, 0, 1)
    assert below.tilt == pytest.approx(-0.25)                                 # down is negative tilt
    assert center_on(PtzPosition(0.9, 0, 0), GEOMETRY, 1, 0).pan == 1.0       # clamped to the range


def test_an_area_is_centred_and_fills_the_picture():
    # the right half of the picture, full height: centre at fx=0.5, magnify 2x horizontally, 1x vertically
    pos = area_zoom(HOME, GEOMETRY, 0, -1, 1, 1)
    assert pos.pan == pytest.approx(0.5) and pos.zoom == pytest.approx(0)     # limited by the height
    quarter = area_zoom(HOME, GEOMETRY, -0.5, -0.5, 0.5, 0.5)                  # the central quarter
    assert (quarter.pan, quarter.tilt) == (0, 0) and quarter.zoom == pytest.approx(0.5)
    assert area_zoom(HOME, GEOMETRY, 0.5, 0.5, -0.5, -0.5) == quarter          # corners in either order
    with pytest.raises(ValueError):
        area_zoom(HOME, GEOMETRY, 0, 0, 0, 1)


def test_zoom_steps_and_nudges():
    assert zoom_by(HOME, 5).zoom == pytest.approx(0.5)
    assert zoom_by(HOME, 11).zoom == 1 and zoom_by(HOME, -3).zoom == 0
    assert nudge(HOME, GEOMETRY, "right").pan == pytest.approx(0.5)           # a quarter of a 2-unit span
    assert nudge(PtzPosition(0, 0, 1), GEOMETRY, "left").pan == pytest.approx(-0.125)
    assert nudge(HOME, GEOMETRY, "up").tilt == pytest.approx(0.25)
    assert nudge(HOME, GEOMETRY, "in").zoom == pytest.approx(0.1)
    assert nudge(PtzPosition(0, 0, 0.5), GEOMETRY, "out").zoom == pytest.approx(0.4)


def test_continuous_moves_advance_with_time_and_stop_at_the_limits():
    moving = PtzVelocity(pan=1, tilt=-0.5, zoom=0.4)
    after = advance(HOME, moving, 1.0)
    assert after.pan == pytest.approx(PAN_TILT_UNITS_PER_S)
    assert after.tilt == pytest.approx(-0.5 * PAN_TILT_UNITS_PER_S)
    assert after.zoom == pytest.approx(0.4 * ZOOM_UNITS_PER_S)
    assert advance(HOME, moving, 100) == PtzPosition(1, -1, 1)
    assert advance(after, PtzVelocity(), 5) == after


def test_target_of_dispatches_positioning_commands():
    assert target_of(CenterOn(1, 0), HOME, GEOMETRY) == center_on(HOME, GEOMETRY, 1, 0)
    assert target_of(AreaZoom(-0.5, -0.5, 0.5, 0.5), HOME, GEOMETRY).zoom == pytest.approx(0.5)
    assert math.isclose(target_of(ZoomBy(-10), PtzPosition(0, 0, 1), GEOMETRY).zoom, 0)
