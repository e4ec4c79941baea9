"""The sensor image pipeline of the synthetic stereo camera: every control changes the picture
measurably in the expected direction; neutral controls leave the rendered scene untouched.

Measured on the stereo camera's own pictures (motion frozen) over the rows between the burned-in
name and clock."""

from dataclasses import replace

import cv2
import numpy as np
import pytest

from camvault.core.sensors import (
    AutoFocusMode, AutoWhiteBalanceMode, SensorControl, SensorFocus, SensorKind, default_control)
from camvault.video.sources.sensor_pipeline import (
    AE_MAX_ISO, NOMINAL_EXPOSURE_US, NOMINAL_ISO, auto_exposure, manual_gain, subject_lens_position)
from camvault.video.sources.stereo import StereoPicture
from camvault.video.sources.stereo_scene import SUBJECT_DISTANCE_M

W, H = 320, 180
ROWS = slice(30, 150)                # clear of the name (top) and the clock (bottom)


class Fixed:
    """A ControlsView answering controls that the test changes at will."""

    def __init__(self, control: SensorControl | None) -> None:
        self.value = control

    def control(self) -> SensorControl | None:
        return self.value


def frames(count=1, sensor="CAM_A", **changes):
    kind = SensorKind.COLOR if sensor == "CAM_A" else SensorKind.MONO
    view = Fixed(replace(default_control(kind), **changes))
    picture = StereoPicture(sensor, W, H, "pipeline", view, motion=False)
    return [picture.render(1_700_000_000_000 + i * 100, i).copy() for i in range(count)]


def luma(buffer):
    return buffer[:H][ROWS].astype(np.float64)


def chroma(buffer):
    planes = buffer[H:].reshape(2, H // 2, W // 2)[:, ROWS.start // 2:ROWS.stop // 2]
    return planes[0].astype(np.float64), planes[1].astype(np.float64)


def noise(pair):
    """Temporal noise: the std of the difference of two frames of the still scene."""
    return float((luma(pair[0]) - luma(pair[1])).std())


def sharpness(buffer):
    return float(cv2.Laplacian(buffer[:H][ROWS], cv2.CV_64F).var())


def test_neutral_controls_leave_the_rendered_scene_untouched():
    for control in (None, default_control(SensorKind.COLOR), SensorControl()):
        picture = StereoPicture("CAM_A", W, H, "pipeline", Fixed(control), motion=False)
        expected_luma = np.empty((H, W), np.uint8)
        expected_chroma = np.empty((2, H // 2, W // 2), np.uint8)
        picture.scene.render("CAM_A", 0, expected_luma, expected_chroma)
        out = picture.render(1_700_000_000_000)
        assert np.array_equal(out[:H][ROWS], expected_luma[ROWS])
        assert np.array_equal(out[H:].reshape(2, H // 2, W // 2), expected_chroma)


def test_brightness_raises_mean_luma():
    base, brighter = luma(frames()[0]).mean(), luma(frames(brightness=5)[0]).mean()
    darker = luma(frames(brightness=-5)[0]).mean()
    assert brighter > base + 10 and darker < base - 10


def test_contrast_raises_luma_spread():
    base, more, less = (luma(frames(contrast=c)[0]).std() for c in (0, 5, -5))
    assert more > base * 1.2 and less < base * 0.8


def test_saturation_raises_chroma_spread():
    def spread(buffer):
        u, v = chroma(buffer)
        return float(np.hypot(u - 128, v - 128).mean())
    base, more, grey = spread(frames()[0]), spread(frames(saturation=5)[0]), spread(frames(saturation=-10)[0])
    assert more > base * 1.3
    assert grey < 2


def test_longer_manual_exposure_brightens_and_nominal_changes_nothing():
    nominal = frames(auto_exposure_enable=False, exposure_time=NOMINAL_EXPOSURE_US, sensitivity_iso=NOMINAL_ISO)
    auto = frames()
    assert np.array_equal(nominal[0], auto[0])
    means = [luma(frames(auto_exposure_enable=False, exposure_time=t)[0]).mean() for t in (5000, 20000, 30000)]
    assert means[0] < means[1] - 40 and means[2] > means[1] + 30


def test_auto_exposure_follows_compensation_and_ignores_the_manual_settings():
    base = luma(frames()[0]).mean()
    assert luma(frames(auto_exposure_compensation=3)[0]).mean() > base + 40          # +1 EV
    assert luma(frames(auto_exposure_compensation=-3)[0]).mean() < base - 30
    assert luma(frames(exposure_time=1000, sensitivity_iso=100)[0]).mean() == pytest.approx(base)


def test_auto_exposure_limit_is_clamped_and_raises_iso_then_darkens():
    assert auto_exposure(1.0, 33000)[2] == pytest.approx(1.0)
    assert auto_exposure(1.0, 10**9) == auto_exposure(1.0, 33000)                    # clamped to 33000
    assert auto_exposure(1.0, -5) == auto_exposure(1.0, 1)                           # clamped to 1
    time_us, iso, gain = auto_exposure(1.0, 5000)
    assert (time_us, iso, gain) == (5000, pytest.approx(1600), pytest.approx(1.0))  # ISO makes up for it
    time_us, iso, gain = auto_exposure(1.0, 1000)
    assert (time_us, iso) == (1000, AE_MAX_ISO) and gain < 1                          # beyond max ISO: darker
    short = frames(2, auto_exposure_limit=1000)
    assert luma(short[0]).mean() < luma(frames()[0]).mean() - 20
    assert noise(short) > 1.5


def test_iso_raises_noise_and_luma_denoise_lowers_it():
    same_gain = dict(auto_exposure_enable=False, exposure_time=2500, sensitivity_iso=3200)
    assert manual_gain(replace(SensorControl(), **same_gain)) == pytest.approx(1.0)
    clean = noise(frames(2, auto_exposure_enable=False, exposure_time=20000, sensitivity_iso=400))
    noisy = noise(frames(2, **same_gain))
    denoised = [noise(frames(2, luma_denoise=level, **same_gain)) for level in (1, 4)]
    assert clean < 0.5 and noisy > 4
    assert noisy > denoised[0] > denoised[1] and denoised[1] < noisy / 3


def test_chroma_denoise_lowers_chroma_noise():
    same_gain = dict(auto_exposure_enable=False, exposure_time=2500, sensitivity_iso=3200)

    def chroma_noise(pair):
        return float((chroma(pair[0])[0] - chroma(pair[1])[0]).std())
    noisy = chroma_noise(frames(2, **same_gain))
    denoised = chroma_noise(frames(2, chroma_denoise=4, **same_gain))
    assert noisy > 2 and denoised < noisy / 2


@pytest.mark.parametrize(("mode", "kelvin", "bluer"), [
    (AutoWhiteBalanceMode.OFF, 2500, True), (AutoWhiteBalanceMode.INCANDESCENT, None, True),
    (AutoWhiteBalanceMode.OFF, 10000, False), (AutoWhiteBalanceMode.SHADE, None, False)])
def test_white_balance_below_the_illuminant_is_bluer_above_it_warmer(mode, kelvin, bluer):
    changes = {"auto_whitebalance_mode": mode} | ({"manual_whitebalance": kelvin} if kelvin else {})
    u0, v0 = (c.mean() for c in chroma(frames()[0]))
    u, v = (c.mean() for c in chroma(frames(**changes)[0]))
    if bluer:
        assert u > u0 + 5 and v < v0 - 5 and u - 128 > v - 128
    else:
        assert u < u0 - 3 and v > v0 + 3


def test_auto_white_balance_and_the_illuminant_preset_are_neutral():
    auto = frames()[0]
    assert np.array_equal(frames(auto_whitebalance_mode=AutoWhiteBalanceMode.DAYLIGHT)[0], auto)
    assert np.array_equal(frames(auto_whitebalance_mode=AutoWhiteBalanceMode.OFF, manual_whitebalance=5500)[0], auto)


def test_lens_position_off_the_subject_blurs_and_autofocus_is_sharp():
    sharp = sharpness(frames()[0])
    at_subject = subject_lens_position(SUBJECT_DISTANCE_M)
    manual = {pos: sharpness(frames(focus=SensorFocus(AutoFocusMode.OFF, False, pos))[0])
              for pos in (at_subject, 0.0, 0.5)}
    assert manual[at_subject] == pytest.approx(sharp, rel=0.02)
    assert manual[0.0] < sharp * 0.5 and manual[0.5] < manual[0.0]
    for mode in (AutoFocusMode.AUTO, AutoFocusMode.CONTINUOUS_PICTURE):
        assert sharpness(frames(focus=SensorFocus(mode, False, 0.5))[0]) == pytest.approx(sharp, rel=0.02)


def test_mono_sensor_keeps_neutral_chroma_whatever_the_colour_controls():
    buffer = frames(sensor="CAM_B", saturation=10, auto_whitebalance_mode=AutoWhiteBalanceMode.OFF,
                    manual_whitebalance=1000, brightness=3)[0]
    assert (buffer[H:] == 128).all()
    assert luma(buffer).mean() > luma(frames(sensor="CAM_B")[0]).mean() + 5


def test_a_control_change_shows_from_the_next_frame():
    view = Fixed(None)
    picture = StereoPicture("CAM_B", W, H, "pipeline", view, motion=False)
    before = luma(picture.render(1_700_000_000_000)).mean()
    view.value = replace(default_control(SensorKind.MONO), brightness=5)
    assert luma(picture.render(1_700_000_000_100, 1)).mean() > before + 10
