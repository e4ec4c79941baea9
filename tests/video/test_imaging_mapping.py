"""The pure SensorControl -> ONVIF imaging mapping (video/imaging/mapping.py): formulas and the plan
built from a device's settings and options, with plain asserts."""

import math

import pytest

from camvault.core.sensors import AutoFocusMode, AutoWhiteBalanceMode, SensorControl, SensorFocus
from camvault.video.imaging import NoImagingControl
from camvault.video.imaging.mapping import (
    NO_IMAGING_SETTING,
    float_range,
    gain_to_range,
    iso_to_gain,
    lens_to_position,
    level_to_range,
    plan_imaging,
    white_balance_gains,
)

OPTIONS = {"Brightness": {"Min": 0, "Max": 100}, "Contrast": {"Min": -50, "Max": 50},
           "ColorSaturation": {"Min": 0, "Max": 255},
           "Exposure": {"Mode": ["AUTO", "MANUAL"], "ExposureTime": {"Min": 10, "Max": 40000},
                        "Gain": {"Min": 0, "Max": 36}, "MaxExposureTime": {"Min": 100, "Max": 40000}},
           "Focus": {"AutoFocusModes": ["AUTO", "MANUAL"]},
           "WhiteBalance": {"Mode": ["AUTO", "MANUAL"], "YrGain": {"Min": 0, "Max": 255},
                            "YbGain": {"Min": 0, "Max": 255}}}
MOVE = {"Absolute": {"Position": {"Min": 0, "Max": 1000}}}
CURRENT = {"Brightness": 50.0, "Sharpness": 60.0, "Exposure": {"Mode": "AUTO", "Gain": 3.0},
           "WhiteBalance": {"Mode": "AUTO", "CrGain": 100.0, "CbGain": 100.0}}


def test_levels_map_linearly_with_zero_in_the_middle():
    assert [level_to_range(v, (0, 100)) for v in (-10, -5, 0, 5, 10)] == [0, 25, 50, 75, 100]
    assert level_to_range(0, (-50, 50)) == 0 and level_to_range(10, (-50, 50)) == 50


def test_iso_maps_on_a_log_scale_onto_the_gain_range():
    assert iso_to_gain(100, (0, 36)) == 0 and iso_to_gain(5000, (0, 36)) == 36
    assert iso_to_gain(round(math.sqrt(100 * 5000)), (0, 36)) == pytest.approx(18, abs=0.01)
    steps = [iso_to_gain(iso, (0, 36)) for iso in (200, 400, 800, 1600)]
    assert max(steps[i + 1] - steps[i] for i in range(3)) - min(steps[i + 1] - steps[i] for i in range(3)) < 1e-9


def test_lens_position_and_ranges():
    assert lens_to_position(0.25, (0, 1000)) == 250 and lens_to_position(1.0, (2, 4)) == 4
    assert float_range({"Min": 1, "Max": 2}) == (1, 2)
    assert float_range(None) is None and float_range({"Min": 3, "Max": 1}) is None


def test_white_balance_gains_are_one_at_the_reference_and_follow_the_light():
    assert white_balance_gains(6500) == pytest.approx((1.0, 1.0))
    warm_red, warm_blue = white_balance_gains(2800)
    cold_red, cold_blue = white_balance_gains(9000)
    assert warm_red < 1 < warm_blue and cold_blue < 1 < cold_red
    reds = [white_balance_gains(k)[0] for k in range(1000, 12001, 500)]
    assert reds == sorted(reds)                             # warmer light, less red gain
    assert gain_to_range(1.0, (0, 255)) == 127.5
    assert gain_to_range(4.0, (0, 255)) == 255 and gain_to_range(0.25, (0, 255)) == 0
    assert gain_to_range(100.0, (0, 255)) == 255


def test_a_plan_changes_only_the_changed_fields_and_keeps_the_rest():
    control = SensorControl(brightness=-10, contrast=5, sensitivity_iso=5000)
    plan = plan_imaging(CURRENT, OPTIONS, MOVE, control, frozenset({"brightness", "sensitivity_iso"}))
    assert plan.settings == {**CURRENT, "Brightness": 0.0, "Exposure": {"Mode": "AUTO", "Gain": 36.0}}
    assert plan.focus_position is None and plan.not_applied == frozenset()
    assert CURRENT["Exposure"]["Gain"] == 3.0                # the device's settings are not modified


def test_controls_without_an_onvif_setting_or_option_are_not_applied():
    changed = frozenset({*NO_IMAGING_SETTING, "brightness", "contrast", "auto_whitebalance_mode", "bogus"})
    options = {k: v for k, v in OPTIONS.items() if k not in ("Contrast", "WhiteBalance")}
    plan = plan_imaging(CURRENT, options, MOVE, SensorControl(brightness=2), changed)
    assert plan.not_applied == NO_IMAGING_SETTING | {"contrast", "auto_whitebalance_mode", "bogus"}
    assert plan.settings == {**CURRENT, "Brightness": 60.0}


def test_exposure_mode_is_set_only_when_the_device_offers_it():
    auto_only = {**OPTIONS, "Exposure": {**OPTIONS["Exposure"], "Mode": ["AUTO"]}}
    plan = plan_imaging({}, auto_only, None, SensorControl(auto_exposure_enable=False, exposure_time=50000),
                        frozenset({"auto_exposure_enable", "exposure_time"}))
    assert plan.not_applied == {"auto_exposure_enable"}
    assert plan.settings == {"Exposure": {"Mode": "AUTO", "ExposureTime": 40000.0}}   # Mode is required


def test_white_balance_presets_and_off_use_their_kelvin():
    off = SensorControl(auto_whitebalance_mode=AutoWhiteBalanceMode.OFF, manual_whitebalance=6500)
    plan = plan_imaging(CURRENT, OPTIONS, None, off, frozenset({"manual_whitebalance"}))
    assert plan.settings["WhiteBalance"] == {"Mode": "MANUAL", "CrGain": 127.5, "CbGain": 127.5}
    shade = SensorControl(auto_whitebalance_mode=AutoWhiteBalanceMode.SHADE, manual_whitebalance=2000)
    plan = plan_imaging(CURRENT, OPTIONS, None, shade, frozenset({"auto_whitebalance_mode"}))
    balance = plan.settings["WhiteBalance"]
    assert balance["CrGain"] > 127.5 > balance["CbGain"]    # 7500 K: colder than the reference


def test_focus_needs_manual_mode_and_absolute_moves_for_a_lens_position():
    manual = SensorControl(focus=SensorFocus(AutoFocusMode.OFF, False, 0.5))
    plan = plan_imaging(CURRENT, OPTIONS, MOVE, manual, frozenset({"focus"}))
    assert plan.settings["Focus"] == {"AutoFocusMode": "MANUAL"} and plan.focus_position == 500
    assert plan_imaging(CURRENT, OPTIONS, {}, manual, frozenset({"focus"})).not_applied == {"focus"}
    auto = SensorControl(focus=SensorFocus(AutoFocusMode.MACRO))
    plan = plan_imaging(CURRENT, OPTIONS, {}, auto, frozenset({"focus"}))
    assert plan.settings["Focus"] == {"AutoFocusMode": "AUTO"} and plan.focus_position is None
    no_motor = plan_imaging(CURRENT, OPTIONS, MOVE, SensorControl(focus=None), frozenset({"focus"}))
    assert no_motor.settings == CURRENT and no_motor.not_applied == frozenset()


def test_no_imaging_control_applies_nothing():
    assert NoImagingControl().apply(SensorControl(), frozenset({"brightness", "focus"})) == {"brightness", "focus"}
