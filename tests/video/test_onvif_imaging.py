"""The ONVIF imaging driver, with the real client library (onvif-zeep-async), against the local SOAP
peer (tests/support/onvif_peer.py), which announces the imaging options it is given, keeps its
settings, refuses values outside its ranges and a focus move outside MANUAL mode: each control lands
in the SetImagingSettings the peer receives, what the device lacks is returned, failures raise
ImagingError in time."""

import socket
import threading
import time
from dataclasses import replace

import pytest

from camvault.core.sensors import AutoFocusMode, AutoWhiteBalanceMode, SensorControl, SensorFocus
from camvault.video.imaging import ImagingError
from camvault.video.imaging.mapping import NO_IMAGING_SETTING, gain_to_range, white_balance_gains
from camvault.video.imaging.onvif import OnvifImaging
from camvault.video.ptz.onvif import AsyncLoopWorker, OnvifSettings
from tests.support.onvif_peer import OnvifPeer


@pytest.fixture(scope="module")
def loop():
    worker = AsyncLoopWorker()
    yield worker
    worker.stop()


@pytest.fixture
def peer():
    p = OnvifPeer().start()
    yield p
    p.stop()


@pytest.fixture
def imaging(peer, loop):
    driver = driver_for(peer, loop)
    yield driver
    driver.close()


def driver_for(peer, loop, **overrides):
    settings = OnvifSettings(host="127.0.0.1", port=peer.port, user=peer.user, password=peer.password, timeout_s=5)
    return OnvifImaging(replace(settings, **overrides), loop)


def sent(peer, name):
    return peer.last("SetImagingSettings").fields[f"ImagingSettings/{name}"]["text"]


MANUAL = SensorControl(brightness=5, contrast=-10, saturation=10, auto_exposure_enable=False, exposure_time=50000,
                       sensitivity_iso=707, auto_exposure_limit=20000, luma_denoise=2,
                       auto_whitebalance_mode=AutoWhiteBalanceMode.INCANDESCENT,
                       focus=SensorFocus(AutoFocusMode.OFF, False, 0.25))


def test_each_control_lands_in_the_device_settings(peer, imaging):
    changed = frozenset({"brightness", "contrast", "saturation", "auto_exposure_enable", "exposure_time",
                         "sensitivity_iso", "auto_exposure_limit", "auto_whitebalance_mode", "focus",
                         *NO_IMAGING_SETTING})
    assert imaging.apply(MANUAL, changed) == NO_IMAGING_SETTING
    assert peer.operations() == ["GetServices", "GetProfiles", "GetOptions", "GetMoveOptions",
                                 "GetImagingSettings", "SetImagingSettings", "Move"]
    assert {r.user for r in peer.requests} == {"onvif"}
    assert peer.last("SetImagingSettings").fields["VideoSourceToken"]["text"] == "video_source_1"
    assert [float(sent(peer, n)) for n in ("Brightness", "Contrast", "ColorSaturation")] == [75, 0, 100]
    assert sent(peer, "Exposure/Mode") == "MANUAL"
    assert float(sent(peer, "Exposure/ExposureTime")) == 40000          # 50000 µs clamped to the device's range
    assert float(sent(peer, "Exposure/Gain")) == pytest.approx(18, abs=0.01)   # ISO 707: half way, log scale
    assert float(sent(peer, "Exposure/MaxExposureTime")) == 20000
    red, blue = white_balance_gains(2800)
    assert sent(peer, "WhiteBalance/Mode") == "MANUAL"
    assert float(sent(peer, "WhiteBalance/CrGain")) == pytest.approx(gain_to_range(red, (0, 255)))
    assert float(sent(peer, "WhiteBalance/CbGain")) == pytest.approx(gain_to_range(blue, (0, 255)))
    assert float(sent(peer, "WhiteBalance/CrGain")) < 127.5 < float(sent(peer, "WhiteBalance/CbGain"))
    assert sent(peer, "Focus/AutoFocusMode") == "MANUAL"
    assert peer.focus_position == 250                                   # lens 0.25 of 0..1000, after MANUAL
    assert (sent(peer, "Sharpness"), sent(peer, "IrCutFilter")) == ("60.0", "AUTO")   # untouched, sent back


def test_settings_not_changed_are_read_from_the_device_and_kept(peer, imaging):
    peer.imaging_settings["Brightness"] = "30"
    peer.imaging_settings["Exposure"]["Gain"] = "7"
    assert imaging.apply(SensorControl(contrast=10), frozenset({"contrast"})) == frozenset()
    assert (float(sent(peer, "Brightness")), float(sent(peer, "Contrast"))) == (30, 100)
    assert float(sent(peer, "Exposure/Gain")) == 7
    assert imaging.apply(SensorControl(contrast=10), frozenset({"contrast"})) == frozenset()
    assert peer.operations().count("SetImagingSettings") == 1           # nothing to change: nothing sent
    assert peer.operations().count("GetServices") == 1                  # one connection for both


def test_automatic_modes(peer, imaging):
    imaging.apply(MANUAL, frozenset({"auto_exposure_enable", "auto_whitebalance_mode", "focus"}))
    auto = SensorControl(auto_exposure_enable=True, auto_whitebalance_mode=AutoWhiteBalanceMode.AUTO,
                         focus=SensorFocus(AutoFocusMode.CONTINUOUS_VIDEO))
    assert imaging.apply(auto, frozenset({"auto_exposure_enable", "auto_whitebalance_mode", "focus"})) == frozenset()
    assert (sent(peer, "Exposure/Mode"), sent(peer, "WhiteBalance/Mode"), sent(peer, "Focus/AutoFocusMode")) == \
        ("AUTO", "AUTO", "AUTO")
    assert peer.operations().count("Move") == 1                         # only for the manual lens position


def test_settings_the_device_does_not_offer_are_returned(loop):
    options = {k: v for k, v in OnvifPeer().imaging_options.items() if k not in ("WhiteBalance", "Contrast")}
    options["Exposure"] = {k: v for k, v in options["Exposure"].items() if k != "Gain"}
    peer = OnvifPeer(imaging_options=options, move_options={}).start()
    del peer.imaging_settings["WhiteBalance"], peer.imaging_settings["Contrast"]
    driver = driver_for(peer, loop)
    try:
        changed = frozenset({"brightness", "contrast", "sensitivity_iso", "exposure_time",
                             "auto_whitebalance_mode", "manual_whitebalance", "focus"})
        assert driver.apply(MANUAL, changed) == {"contrast", "sensitivity_iso", "auto_whitebalance_mode",
                                                 "manual_whitebalance", "focus"}
        fields = peer.last("SetImagingSettings").fields
        assert not any(key.startswith(("ImagingSettings/WhiteBalance", "ImagingSettings/Contrast")) for key in fields)
        assert float(sent(peer, "Brightness")) == 75 and sent(peer, "Focus/AutoFocusMode") == "AUTO"
        assert "Move" not in peer.operations()
    finally:
        driver.close()
        peer.stop()


def test_a_change_of_controls_onvif_lacks_does_not_contact_the_device(peer, imaging):
    assert imaging.apply(MANUAL, frozenset({"luma_denoise", "auto_exposure_lock"})) == {"luma_denoise",
                                                                                       "auto_exposure_lock"}
    assert peer.requests == []


def test_the_video_source_comes_from_get_video_sources_when_the_profile_lacks_it(loop):
    peer = OnvifPeer(profile_video_source=False, video_source_token="sensor_9").start()
    driver = driver_for(peer, loop)
    try:
        driver.apply(MANUAL, frozenset({"brightness"}))
    finally:
        driver.close()
        peer.stop()
    assert peer.operations()[:3] == ["GetServices", "GetProfiles", "GetVideoSources"]
    assert peer.last("SetImagingSettings").fields["VideoSourceToken"]["text"] == "sensor_9"


def test_a_refused_setting_raises_and_the_next_apply_reconnects(peer, imaging, caplog):
    peer.refuse_imaging = True
    with pytest.raises(ImagingError, match="SetImagingSettings.*the device refuses"):
        imaging.apply(MANUAL, frozenset({"brightness"}))
    assert any("SetImagingSettings" in r.getMessage() for r in caplog.records if r.levelname == "WARNING")
    peer.refuse_imaging = False
    assert imaging.apply(MANUAL, frozenset({"brightness"})) == frozenset()
    assert peer.operations().count("GetServices") == 2


def test_a_wrong_password_raises_in_time(peer, loop):
    driver = driver_for(peer, loop, password="wrong", timeout_s=1, connect_timeout_s=2)
    started = time.monotonic()
    try:
        with pytest.raises(ImagingError):
            driver.apply(MANUAL, frozenset({"brightness"}))
        assert time.monotonic() - started < 3.5
    finally:
        driver.close()
    assert peer.requests and all(r.user is None for r in peer.requests)


def test_a_dead_port_raises_in_time(loop):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()                                              # nothing listens there any more
    driver = OnvifImaging(OnvifSettings(host="127.0.0.1", port=port, user="u", password="p",
                                        timeout_s=0.5, connect_timeout_s=0.5), loop)
    started = time.monotonic()
    try:
        with pytest.raises(ImagingError, match="127.0.0.1"):
            driver.apply(MANUAL, frozenset({"brightness"}))
        assert time.monotonic() - started < 3
    finally:
        driver.close()


def test_concurrent_applies_keep_every_change(peer, imaging):
    names = ["brightness", "contrast", "saturation"]
    errors = []

    def change(name):
        try:
            imaging.apply(SensorControl(**{name: 10}), frozenset({name}))
        except Exception as exc:  # reported below
            errors.append(exc)

    imaging.apply(MANUAL, frozenset({"auto_exposure_enable"}))          # connected before the race
    threads = [threading.Thread(target=change, args=(name,)) for name in names for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert errors == []
    assert [peer.imaging_settings[k] for k in ("Brightness", "Contrast", "ColorSaturation")] == ["100.0"] * 3


def test_a_device_that_does_not_answer_raises_in_time(loop):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    accepted = []
    threading.Thread(target=lambda: accepted.append(silent.accept()), daemon=True).start()
    driver = OnvifImaging(OnvifSettings(host="127.0.0.1", port=silent.getsockname()[1], user="u", password="p",
                                        timeout_s=0.3, connect_timeout_s=0.3), loop)
    started = time.monotonic()
    try:
        with pytest.raises(ImagingError, match="no answer within 0.6 s"):
            driver.apply(MANUAL, frozenset({"brightness"}))
        assert time.monotonic() - started < 2
    finally:
        silent.close()                                          # the abandoned connection attempt now fails
        for conn, _ in accepted:
            conn.close()
        driver.close()
