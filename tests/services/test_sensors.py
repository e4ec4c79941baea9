"""The sensor service on a real database (SQLite and PostgreSQL): what an operator changes on a
config-file stereo camera (active streams, stream size, controls) survives a restart that
re-applies the config file, and the controls a stream's source reads are the ones stored."""

from __future__ import annotations

from camvault.app import Camvault
from camvault.config import CameraConfig, Config, DatabaseConfig, StorageConfig
from camvault.core.sensor_streams import ConfigRequest, ConfigShape

ADMIN_PW = "admin-pw"
MXID = "RIG1"


def make_node(tmp_path, database_url) -> Camvault:
    camera = CameraConfig(id=1, name="Rig", source="synthetic://stereo?fps=5", serial_number=MXID, enabled=False)
    config = Config(storage=StorageConfig(data_dir=tmp_path / "data", min_free_bytes=0),
                    database=DatabaseConfig(url=database_url), cameras=[camera])
    node = Camvault(config, admin_password=ADMIN_PW)
    node.start()
    return node


def test_changes_survive_a_restart_that_reapplies_the_config(tmp_path, database_url):
    node = make_node(tmp_path, database_url)
    try:
        admin = node.users.authenticate_password("admin", ADMIN_PW)
        node.sensors.set_active(admin, MXID, "DEPTH_B_C", True)
        node.sensors.set_config(admin, MXID, "CAM_B", ConfigRequest(ConfigShape.MONO, 7, resolution="THE_800_P"))
        node.sensors.set_control(admin, MXID, "CAM_A", {"brightness": 3, "focus": {"lens_position": 0.5}})
        camera = node.store.cameras.get(1)
        view = node.sensors.controls_for(camera, camera.stream(1))
        assert view.control().brightness == 3                    # what ingest hands the source
        node.sensors.set_control(admin, MXID, "CAM_A", {"brightness": -2})
        assert view.control().brightness == -2 and view.control().focus.lens_position == 0.5
    finally:
        node.stop()
    node = make_node(tmp_path, database_url)
    try:
        admin = node.users.authenticate_password("admin", ADMIN_PW)
        assert {s.sensor.name: s.active for s in node.sensors.streams(admin, MXID)} == {
            "CAM_A": True, "CAM_B": False, "CAM_C": False, "DEPTH_B_C": True}
        config = node.sensors.config(admin, MXID, "CAM_B")
        assert (config.resolution, config.width, config.height, config.fps) == ("THE_800_P", 1280, 800, 7)
        assert node.sensors.config(admin, MXID, "CAM_C").resolution == "THE_400_P"
        control = node.sensors.control(admin, MXID, "CAM_A")
        assert control.brightness == -2 and control.focus.lens_position == 0.5
        assert node.sensors.control(admin, MXID, "CAM_B").brightness == 0
    finally:
        node.stop()
