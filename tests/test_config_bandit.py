"""Bandit settings in the config file: a camera's `position` (validated ranges, carried to the
camera spec) and `bandit.open_camera_id`; strict like the rest of the file."""

from pathlib import Path

import pytest

from camvault.config import ConfigError, load_config
from camvault.services.cameras import CameraSpec

CAMERA = "cameras:\n  - id: 1\n    name: Door\n    source: synthetic://\n"


def load(tmp_path: Path, text: str):
    path = tmp_path / "camvault.yml"
    path.write_text(text)
    return load_config(path, env={})[0]


def test_defaults_have_no_position_and_nothing_open(tmp_path):
    config = load(tmp_path, CAMERA)
    assert config.bandit.open_camera_id is None
    spec = CameraSpec.from_config(config.cameras[0])
    assert (spec.lat_deg, spec.lon_deg) == (None, None)


def test_position_and_open_camera(tmp_path):
    config = load(tmp_path, CAMERA + "    position: {lat_deg: -90, lon_deg: 180}\nbandit:\n  open_camera_id: 1\n")
    spec = CameraSpec.from_config(config.cameras[0])
    assert (spec.lat_deg, spec.lon_deg) == (-90, 180)
    assert config.bandit.open_camera_id == 1


@pytest.mark.parametrize("extra", [
    "    position: {lat_deg: 90.5, lon_deg: 0}\n", "    position: {lat_deg: 0, lon_deg: -180.01}\n",
    "    position: {lat_deg: 10}\n", "    position: {lat_deg: 1, lon_deg: 2, alt_m: 3}\n",
    "bandit:\n  open_camera_id: 0\n", "bandit:\n  open: true\n"])
def test_out_of_range_or_unknown_values_are_refused(tmp_path, extra):
    with pytest.raises(ConfigError, match="camvault.yml:"):
        load(tmp_path, CAMERA + extra)
