"""The ONVIF PTZ driver, with the real client library (onvif-zeep-async), against a local SOAP peer
that checks what it receives (tests/support/onvif_peer.py): the right operations on the right
services, with the right values, signed with the configured user."""

import socket
import threading
import time

import pytest

from camvault.core.ptz import PtzPosition, PtzVelocity
from camvault.video.ptz.base import PtzDeviceError
from camvault.video.ptz.onvif import AsyncLoopWorker, OnvifPtz, OnvifSettings
from tests.support.onvif_peer import OnvifPeer


@pytest.fixture
def peer():
    p = OnvifPeer(position=(0.25, -0.5, 0.75)).start()
    yield p
    p.stop()


@pytest.fixture
def loop():
    worker = AsyncLoopWorker()
    yield worker
    worker.stop()


def driver_for(peer, loop, **overrides):
    settings = OnvifSettings(host="127.0.0.1", port=peer.port, user=peer.user, password=peer.password,
                             timeout_s=5, **overrides)
    return OnvifPtz(settings, loop)


def test_commands_map_to_onvif_operations(peer, loop):
    ptz = driver_for(peer, loop)
    try:
        ptz.continuous(PtzVelocity(pan=0.5, tilt=-0.25, zoom=0.1))
        ptz.continuous(PtzVelocity())
        ptz.move_to(PtzPosition(-0.5, 0.5, 0.2))
        ptz.move_by(PtzPosition(0.1, 0, -0.3))
        ptz.goto_device_preset("3")
        assert ptz.position() == PtzPosition(0.25, -0.5, 0.75)
    finally:
        ptz.close()
    assert peer.operations() == ["GetServices", "GetProfiles", "ContinuousMove", "Stop", "AbsoluteMove",
                                 "RelativeMove", "GotoPreset", "GetStatus"]
    assert [r.service for r in peer.requests] == ["device", "media"] + ["ptz"] * 6
    assert {r.user for r in peer.requests} == {"onvif"}
    move = peer.last("ContinuousMove").fields
    assert move["ProfileToken"]["text"] == "profile_1"
    assert (move["Velocity/PanTilt"], move["Velocity/Zoom"]) == ({"x": "0.5", "y": "-0.25"}, {"x": "0.1"})
    stop = peer.last("Stop").fields
    assert (stop["PanTilt"]["text"], stop["Zoom"]["text"]) == ("true", "true")
    absolute = peer.last("AbsoluteMove").fields
    assert (absolute["Position/PanTilt"], absolute["Position/Zoom"]) == ({"x": "-0.5", "y": "0.5"}, {"x": "0.2"})
    relative = peer.last("RelativeMove").fields
    assert relative["Translation/PanTilt"] == {"x": "0.1", "y": "0.0"}
    assert relative["Translation/Zoom"] == {"x": "-0.3"}
    assert peer.last("GotoPreset").fields["PresetToken"]["text"] == "3"


def test_the_velocity_last_commanded_is_remembered(peer, loop):
    ptz = driver_for(peer, loop)
    try:
        ptz.continuous(PtzVelocity(pan=1))
        assert ptz.velocity() == PtzVelocity(pan=1)
        ptz.move_to(PtzPosition())
        assert ptz.velocity() == PtzVelocity()
    finally:
        ptz.close()


def test_a_configured_profile_token_skips_the_profile_lookup(peer, loop):
    ptz = driver_for(peer, loop, profile_token="tilt_profile")
    try:
        ptz.continuous(PtzVelocity(pan=0.2))
    finally:
        ptz.close()
    assert peer.operations() == ["GetServices", "ContinuousMove"]
    assert peer.last("ContinuousMove").fields["ProfileToken"]["text"] == "tilt_profile"


def test_a_refused_password_is_a_device_error_and_the_next_call_reconnects(peer, loop):
    wrong = driver_for(peer, loop)
    wrong.settings = OnvifSettings(host="127.0.0.1", port=peer.port, user="onvif", password="wrong", timeout_s=5)
    with pytest.raises(PtzDeviceError, match="ContinuousMove"):
        wrong.continuous(PtzVelocity(pan=1))
    assert all(r.user is None for r in peer.requests)
    good = driver_for(peer, loop)
    good.continuous(PtzVelocity(pan=1))
    good.close()
    good.continuous(PtzVelocity())                              # closed, then used again: reconnects
    good.close()
    assert peer.operations().count("GetServices") >= 3 and peer.operations()[-1] == "Stop"


def test_a_device_that_does_not_answer_times_out():
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    accepted = []
    threading.Thread(target=lambda: accepted.append(silent.accept()), daemon=True).start()
    loop = AsyncLoopWorker()
    ptz = OnvifPtz(OnvifSettings(host="127.0.0.1", port=silent.getsockname()[1], user="u", password="p",
                                 timeout_s=0.5, connect_timeout_s=0.5), loop)
    started = time.monotonic()
    try:
        with pytest.raises(PtzDeviceError, match="no answer within 1 s"):
            ptz.continuous(PtzVelocity(pan=1))
        assert time.monotonic() - started < 3
    finally:
        silent.close()                                          # the abandoned connection attempt now fails
        for conn, _ in accepted:
            conn.close()
        ptz.close()
        loop.stop()
