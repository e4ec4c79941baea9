"""Pure rules of multi-sensor cameras: which stream is which sensor, the stereo camera's default
streams, stream configuration shapes and changes, controls as JSON."""

from urllib.parse import parse_qs, urlsplit

import pytest

from camvault.core.model import ROLES, Stream
from camvault.core.sensor_streams import (
    ConfigRequest,
    ConfigShape,
    SensorStream,
    control_from_json,
    control_to_json,
    is_stereo_source,
    requested_size,
    sensor_streams,
    stereo_default_streams,
    stereo_sensor,
    stream_config,
    synthetic_size,
    with_size,
)
from camvault.core.sensors import AutoFocusMode, SensorKind, default_control, merge_control


def query(url: str) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(url).query).items()}


def test_stereo_defaults_have_fixed_ids_roles_sizes_and_depth_off():
    streams = stereo_default_streams("synthetic://stereo?bitrate=500000&codec=h264")
    assert [(s.stream_id, s.name, s.ignored) for s in streams] == [
        (1, "CAM_A", False), (2, "CAM_B", False), (3, "CAM_C", False), (4, "DEPTH_B_C", True)]
    assert streams[0].roles == ROLES and all(s.roles == ("rrecord",) for s in streams[1:])
    sizes = [(query(s.source)["sensor"], synthetic_size(s.source)) for s in streams]
    assert sizes == [("CAM_A", (1280, 720, 10)), ("CAM_B", (640, 400, 10)), ("CAM_C", (640, 400, 10)),
                     ("DEPTH_B_C", (640, 400, 10))]
    assert all(query(s.source)["bitrate"] == "500000" and query(s.source)["codec"] == "h264" for s in streams)
    assert all(is_stereo_source(s.source) and urlsplit(s.source).hostname == "stereo" for s in streams)


def test_stereo_defaults_take_the_camera_fps_and_keep_an_earlier_size():
    before = {2: "synthetic://stereo?sensor=CAM_B&width=1280&height=800&fps=7&gop=7",
              3: "synthetic://stereo?sensor=CAM_A&width=1920&height=1080&fps=30"}     # another sensor: ignored
    streams = {s.name: s for s in stereo_default_streams("synthetic://stereo?fps=5", before)}
    assert synthetic_size(streams["CAM_A"].source) == (1280, 720, 5)
    assert synthetic_size(streams["CAM_B"].source) == (1280, 800, 7)
    assert synthetic_size(streams["CAM_C"].source) == (640, 400, 5)
    assert query(streams["CAM_A"].source)["gop"] == "5"
    # default bitrate: 0.1 bit per pixel per frame
    assert query(streams["CAM_A"].source)["bitrate"] == str(round(1280 * 720 * 5 * 0.1))


def stream(stream_id, name="", source="rtsp://cam/x"):
    return Stream(1, stream_id, source, name=name)


def test_plain_cameras_map_streams_to_sensors_by_order_and_by_name():
    sensors = sensor_streams([stream(3), stream(1), stream(2, "CAM_A"), stream(5, "DEPTH_A_B")])
    assert [(s.name, s.stream_id, s.kind) for s in sensors] == [
        ("CAM_B", 1, SensorKind.COLOR), ("CAM_A", 2, SensorKind.COLOR), ("CAM_C", 3, SensorKind.COLOR),
        ("DEPTH_A_B", 5, SensorKind.DEPTH)]
    assert not any(s.on_rig for s in sensors)
    many = sensor_streams([stream(i) for i in range(1, 11)])
    assert [s.name for s in many] == [f"CAM_{c}" for c in "ABCDEFGH"]        # past CAM_H: no sensor


def test_stereo_streams_are_their_sensor_whatever_their_name():
    sensors = sensor_streams([stream(1, "main", "synthetic://stereo?sensor=CAM_B"),
                              stream(2, "", "synthetic://stereo?sensor=DEPTH_B_C"),
                              stream(3, "", "synthetic://stereo")])
    assert [(s.name, s.kind, s.on_rig) for s in sensors] == [
        ("CAM_B", SensorKind.MONO, True), ("DEPTH_B_C", SensorKind.DEPTH, True), ("CAM_A", SensorKind.COLOR, True)]
    assert stereo_sensor("synthetic://stereo?width=10") == "CAM_A" and stereo_sensor("synthetic://?x=1") is None


def rig(kind, name="CAM_X"):
    return SensorStream(name, kind, 1, on_rig=True)


def test_config_shapes_follow_the_sensor_and_its_size():
    assert stream_config(rig(SensorKind.COLOR), 1280, 720, 10).resolution == "THE_720_P"
    assert stream_config(rig(SensorKind.COLOR), 1280, 720, 10).shape is ConfigShape.COLOR
    assert stream_config(rig(SensorKind.MONO), 640, 400, 10).shape is ConfigShape.MONO
    assert stream_config(rig(SensorKind.MONO), 320, 200, 10).shape is ConfigShape.PLAIN      # not an OAK size
    assert stream_config(rig(SensorKind.DEPTH), 640, 400, 10).shape is ConfigShape.PLAIN
    plain = SensorStream("CAM_A", SensorKind.COLOR, 1, on_rig=False)
    assert stream_config(plain, 1920, 1080, 25).shape is ConfigShape.PLAIN


def test_requested_sizes_are_checked():
    color = stream_config(rig(SensorKind.COLOR), 1280, 720, 10)
    assert requested_size(color, ConfigRequest(ConfigShape.COLOR, 15.0, resolution="THE_1080_P")) == (1920, 1080, 15)
    for request, message in [
        (ConfigRequest(ConfigShape.MONO, 10, resolution="THE_400_P"), "configured with ColorCameraConfigProperties"),
        (ConfigRequest(ConfigShape.COLOR, 10, resolution="THE_48_MP"), "8000x6000 is beyond"),
        (ConfigRequest(ConfigShape.COLOR, 10.5, resolution="THE_720_P"), "whole number"),
        (ConfigRequest(ConfigShape.COLOR, 121, resolution="THE_720_P"), "whole number"),
    ]:
        with pytest.raises(ValueError, match=message):
            requested_size(color, request)
    depth = stream_config(rig(SensorKind.DEPTH), 640, 400, 10)
    assert requested_size(depth, ConfigRequest(ConfigShape.PLAIN, 5, size=(320, 200))) == (320, 200, 5)
    with pytest.raises(ValueError, match="even"):
        requested_size(depth, ConfigRequest(ConfigShape.PLAIN, 5, size=(321, 200)))
    with pytest.raises(ValueError, match="beyond"):
        requested_size(depth, ConfigRequest(ConfigShape.PLAIN, 5, size=(8, 8)))


def test_with_size_keeps_gop_duration_and_bits_per_pixel():
    url = with_size("synthetic://stereo?sensor=CAM_B&width=640&height=400&fps=10&gop=20&bitrate=200000",
                    1280, 800, 5)
    assert synthetic_size(url) == (1280, 800, 5)
    assert query(url)["gop"] == "10" and query(url)["bitrate"] == "400000" and query(url)["sensor"] == "CAM_B"
    assert synthetic_size("synthetic://?hue=3") == (1280, 720, 25) and synthetic_size("rtsp://x/y") is None


def test_controls_round_trip_through_json():
    control = merge_control(default_control(SensorKind.COLOR), {
        "brightness": 4, "auto_whitebalance_mode": "SHADE", "focus": {"auto_focus_mode": "OFF", "lens_position": 0.3}})
    data = control_to_json(control)
    assert data["auto_whitebalance_mode"] == "SHADE" and data["focus"]["auto_focus_mode"] == "OFF"
    assert control_from_json(SensorKind.COLOR, data) == control
    assert control_from_json(SensorKind.MONO, control_to_json(default_control(SensorKind.MONO))).focus is None
    assert control.focus.auto_focus_mode is AutoFocusMode.OFF
