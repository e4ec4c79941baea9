"""The PTZ service on a real database: rights, which cameras have PTZ, continuous moves on a fake
clock, presets and their rules, tours visiting their presets until another command, the names shown
in camera objects, and the ONVIF path against a local SOAP peer."""

import time

import pytest
from pydantic import ValidationError

from camvault.config import CameraConfig, OnvifConfig
from camvault.core.clock import FakeClock
from camvault.core.errors import BadRequest, Conflict, Forbidden, NotFound
from camvault.core.model import Camera, CameraRight, Profile, Stream, User
from camvault.core.ptz import (GotoPreset, Nudge, PanTiltSpeed, PtzPosition, PtzVelocity, RunTour, TourStep, ZoomBy,
                               ZoomSpeed)
from camvault.services.ptz import DeviceUnavailable, PtzService, onvif_settings
from camvault.store.store import Store
from camvault.video.ptz.onvif import OnvifSettings
from tests.support.onvif_peer import OnvifPeer

SYNTHETIC = "synthetic://?width=160&height=90&fps=5"
ADMIN = User(1, "admin", Profile.ADMIN)
PILOT = User(2, "pia", Profile.CONSULT, {1: CameraRight(1, ptz=True)})
VIEWER = User(3, "carl", Profile.CONSULT, {1: CameraRight(1)})


def cam(cam_id, source):
    return Camera(cam_id, f"Cam {cam_id}", source, f"00000000-0000-0000-0000-{cam_id:012d}", f"SN{cam_id}",
                  streams=(Stream(cam_id, 1, source),))


@pytest.fixture
def store(database_url, tmp_path):
    s = Store(database_url, tmp_path / "data")
    s.open()
    s.cameras.upsert(cam(1, SYNTHETIC), created_ms=0)
    s.cameras.upsert(cam(2, "file:///tmp/clip.mkv"), created_ms=0)
    s.cameras.upsert(cam(3, "rtsp://127.0.0.1:9/stream"), created_ms=0)
    yield s
    s.close()


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def ptz(store, clock):
    service = PtzService(store, clock)
    yield service
    service.stop()


def test_rights_camera_and_capability_are_checked_in_that_order(ptz):
    with pytest.raises(NotFound):
        ptz.execute(ADMIN, 99, ZoomBy(1))
    with pytest.raises(Forbidden, match="no rights"):
        ptz.execute(PILOT, 2, ZoomBy(1))
    with pytest.raises(Forbidden, match="PTZ right"):
        ptz.execute(VIEWER, 1, ZoomBy(1))
    for camera_id in (2, 3):                                    # a file, an rtsp camera without ONVIF
        with pytest.raises(Conflict, match="has no PTZ"):
            ptz.execute(ADMIN, camera_id, ZoomBy(1))
    ptz.execute(PILOT, 1, ZoomBy(5))
    assert ptz.status(PILOT, 1).position == PtzPosition(zoom=0.5)


def test_the_synthetic_controller_is_the_one_ingest_frames_with(ptz, store):
    controller = ptz.controller_for(store.cameras.get(1))
    assert controller is ptz.controller_for(store.cameras.get(1))
    assert ptz.controller_for(store.cameras.get(2)) is None
    ptz.execute(ADMIN, 1, Nudge("right"))
    assert controller.position().pan == pytest.approx(0.5)


def test_continuous_axes_move_with_time_and_stop_independently(ptz, clock):
    ptz.execute(ADMIN, 1, PanTiltSpeed(1, -0.5))
    ptz.execute(ADMIN, 1, ZoomSpeed(0.4))
    clock.advance_s(1)
    assert ptz.status(ADMIN, 1).position == PtzPosition(0.5, -0.25, pytest.approx(0.1))
    ptz.execute(ADMIN, 1, PanTiltSpeed(0, 0))                   # pan/tilt stop, zoom goes on
    clock.advance_s(1)
    status = ptz.status(ADMIN, 1)
    assert (status.position.pan, status.position.tilt) == (0.5, -0.25)
    assert status.position.zoom == pytest.approx(0.2) and status.velocity == PtzVelocity(zoom=0.4)
    ptz.execute(ADMIN, 1, ZoomSpeed(0))
    clock.advance_s(1)
    assert ptz.status(ADMIN, 1).position.zoom == pytest.approx(0.2)


def test_presets_store_the_current_or_given_position_and_are_visited(ptz, store):
    ptz.execute(ADMIN, 1, Nudge("left"))
    here, created = ptz.put_preset(ADMIN, 1, "Porte", name="Front door")
    assert created and here.position == PtzPosition(pan=-0.5) and here.name == "Front door"
    given, _ = ptz.put_preset(ADMIN, 1, "Allée", pan=0.75, zoom=0.25)      # tilt from where it points
    assert given.position == PtzPosition(0.75, 0, 0.25)
    assert ptz.put_preset(ADMIN, 1, "Allée", tilt=0.5)[1] is False
    ptz.execute(ADMIN, 1, GotoPreset("Porte"))
    assert ptz.status(ADMIN, 1).position == PtzPosition(pan=-0.5)
    ptz.execute(ADMIN, 1, GotoPreset("Allée"))
    assert ptz.status(ADMIN, 1).position == PtzPosition(-0.5, 0.5, 0)     # replaced: pan/zoom from then
    with pytest.raises(NotFound, match="Preset Nope"):
        ptz.execute(ADMIN, 1, GotoPreset("Nope"))
    assert [p.preset_id for p in ptz.presets(VIEWER, 1)] == ["Allée", "Porte"]


@pytest.mark.parametrize("kwargs, message", [
    (dict(pan=1.5), "pan must be between -1 and 1"), (dict(tilt=-1.01), "tilt must be between -1 and 1"),
    (dict(zoom=-0.1), "zoom must be between 0 and 1"), (dict(device_token="1"), "deviceToken needs"),
])
def test_preset_values_are_checked(ptz, kwargs, message):
    with pytest.raises(BadRequest, match=message):
        ptz.put_preset(ADMIN, 1, "P", **kwargs)


def test_preset_and_tour_changes_need_admin_and_valid_ids(ptz):
    with pytest.raises(Forbidden):
        ptz.put_preset(PILOT, 1, "P")
    with pytest.raises(BadRequest, match="preset id"):
        ptz.put_preset(ADMIN, 1, "a/b")
    with pytest.raises(Conflict):
        ptz.put_preset(ADMIN, 2, "P")
    ptz.put_preset(ADMIN, 1, "P")
    with pytest.raises(BadRequest, match="Unknown preset 'Q'"):
        ptz.put_tour(ADMIN, 1, "t", name=None, steps=[TourStep("P", 1), TourStep("Q", 1)])
    with pytest.raises(BadRequest, match="dwellS"):
        ptz.put_tour(ADMIN, 1, "t", name=None, steps=[TourStep("P", 0.01)])
    with pytest.raises(BadRequest, match="at least one step"):
        ptz.put_tour(ADMIN, 1, "t", name=None, steps=[])
    ptz.put_tour(ADMIN, 1, "t", name="Round", steps=[TourStep("P", 1)])
    with pytest.raises(Conflict, match="used by tour"):
        ptz.delete_preset(ADMIN, 1, "P")
    ptz.delete_tour(ADMIN, 1, "t")
    ptz.delete_preset(ADMIN, 1, "P")
    with pytest.raises(NotFound):
        ptz.delete_preset(ADMIN, 1, "P")


def visited_pans(ptz, seconds, enough=5):
    """The distinct pan positions seen, in order, polling for at most `seconds` or `enough` of them."""
    seen: list[float] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and len(seen) < enough:
        pan = ptz.status(ADMIN, 1).position.pan
        if not seen or seen[-1] != pan:
            seen.append(pan)
        time.sleep(0.01)
    return seen


def test_a_tour_visits_its_presets_round_and_round_until_another_command(ptz):
    for preset_id, pan in (("A", -0.5), ("B", 0.0), ("C", 0.5)):
        ptz.put_preset(ADMIN, 1, preset_id, pan=pan, tilt=0, zoom=0)
    ptz.put_tour(ADMIN, 1, "round", name=None, steps=[TourStep("A", 0.2), TourStep("B", 0.2), TourStep("C", 0.2)])
    ptz.execute(PILOT, 1, RunTour("round"))
    assert ptz.status(ADMIN, 1).tour_id == "round"
    seen = visited_pans(ptz, 1.5)
    assert seen[:5] == [-0.5, 0.0, 0.5, -0.5, 0.0], seen
    ptz.execute(PILOT, 1, Nudge("up"))
    assert ptz.status(ADMIN, 1).tour_id is None
    stopped_at = ptz.status(ADMIN, 1).position
    time.sleep(0.4)
    assert ptz.status(ADMIN, 1).position == stopped_at
    with pytest.raises(NotFound, match="Tour nope"):
        ptz.execute(ADMIN, 1, RunTour("nope"))


def test_camera_objects_show_capabilities_and_names_kept_up_to_date(ptz, store):
    assert not ptz.info(store.cameras.get(2)).capable
    info = ptz.info(store.cameras.get(1))
    assert info.capable and info.capabilities.continuous and info.presets == ()
    ptz.put_preset(ADMIN, 1, "P", name="Parking")
    ptz.put_tour(ADMIN, 1, "t", name="Round", steps=[TourStep("P", 1)])
    info = ptz.info(store.cameras.get(1))
    assert (info.presets, info.tours) == ((("P", "Parking"),), (("t", "Round"),))


@pytest.fixture
def peer():
    p = OnvifPeer().start()
    yield p
    p.stop()


def test_onvif_cameras_get_their_commands_as_onvif_operations(store, clock, peer):
    ptz = PtzService(store, clock, onvif={3: OnvifSettings(port=peer.port, user=peer.user, password=peer.password)})
    try:
        assert ptz.info(store.cameras.get(3)).capable and ptz.controller_for(store.cameras.get(3)) is None
        peer.position = (0.2, 0.0, 0.5)
        ptz.execute(ADMIN, 3, ZoomBy(-2))                       # from the device's own position
        ptz.execute(ADMIN, 3, PanTiltSpeed(0.5, 0))
        ptz.execute(ADMIN, 3, PanTiltSpeed(0, 0))
        ptz.put_preset(ADMIN, 3, "Gate", pan=0.1, tilt=0.2, zoom=0.3)
        ptz.put_preset(ADMIN, 3, "Dock", device_token="5")
        ptz.execute(ADMIN, 3, GotoPreset("Gate"))
        ptz.execute(ADMIN, 3, GotoPreset("Dock"))
    finally:
        ptz.stop()
    assert peer.operations("ptz") == ["GetStatus", "RelativeMove", "ContinuousMove", "Stop", "AbsoluteMove",
                                      "GotoPreset"]
    assert peer.last("RelativeMove").fields["Translation/Zoom"] == {"x": "-0.2"}
    assert float(peer.last("RelativeMove").fields["Translation/PanTilt"]["x"]) == 0
    assert peer.last("AbsoluteMove").fields["Position/PanTilt"] == {"x": "0.1", "y": "0.2"}
    assert peer.last("GotoPreset").fields["PresetToken"]["text"] == "5"


def test_an_onvif_device_failure_is_reported_as_unavailable(store, clock, peer):
    ptz = PtzService(store, clock, onvif={3: OnvifSettings(port=peer.port, user=peer.user, password="wrong",
                                                           timeout_s=5)})
    try:
        with pytest.raises(DeviceUnavailable, match="did not accept") as caught:
            ptz.execute(ADMIN, 3, PanTiltSpeed(1, 0))
        assert caught.value.status == 502
    finally:
        ptz.stop()


def test_onvif_settings_come_from_the_config_of_rtsp_cameras(store, clock, peer):
    with pytest.raises(ValidationError, match="rtsp"):
        CameraConfig(id=1, name="Synthetic", source=SYNTHETIC, onvif=OnvifConfig(user="u", password="p"))
    configs = [CameraConfig(id=3, name="Dome", source=f"rtsp://127.0.0.1:{peer.port}/stream",
                            onvif=OnvifConfig(port=peer.port, user=peer.user, password=peer.password)),
               CameraConfig(id=4, name="Fixed", source="rtsp://192.0.2.1/stream")]
    settings = onvif_settings(configs)
    assert list(settings) == [3] and settings[3].host is None and "onvif-pw" not in repr(settings[3])
    ptz = PtzService(store, clock, onvif=settings)
    try:
        ptz.execute(ADMIN, 3, PanTiltSpeed(0, 0.5))            # host taken from the source URL
    finally:
        ptz.stop()
    assert peer.operations("ptz") == ["ContinuousMove"]
