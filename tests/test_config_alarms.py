"""Alarm settings in the config file: camera `motion` and `pre_alarm_s`, node-wide pre/post-alarm
and maximum duration; strict (unknown keys and out-of-range values name file, line and field);
turned into the domain settings the alarm service uses."""

from pathlib import Path

import pytest

from camvault.config import ConfigError, load_config
from camvault.core.alarms import CameraAlarmSettings
from camvault.core.motion import MotionSettings, MotionZone
from camvault.services.alarms import alarm_settings_from_config

CAMERA = "cameras:\n  - id: 1\n    name: Door\n    source: synthetic://\n"


def load(tmp_path: Path, text: str):
    path = tmp_path / "camvault.yml"
    path.write_text(text)
    return load_config(path, env={})[0]


def test_defaults(tmp_path):
    config = load(tmp_path, CAMERA)
    rec = config.recording
    assert (rec.pre_alarm_s, rec.post_alarm_s, rec.alarm_max_s) == (5, 5, 300)
    assert alarm_settings_from_config(config.cameras[0]) == CameraAlarmSettings()


def test_camera_motion_and_pre_alarm(tmp_path):
    config = load(tmp_path, CAMERA + "    pre_alarm_s: 2\n    motion:\n      enabled: true\n      sensitivity: 80\n"
                  "      min_area: 0.02\n      release_s: 3\n      zones:\n"
                  "        - {x: 0.1, y: 0.2, width: 0.5, height: 0.25}\n")
    assert alarm_settings_from_config(config.cameras[0]) == CameraAlarmSettings(
        MotionSettings(enabled=True, sensitivity=80, min_area=0.02, release_s=3,
                       zones=(MotionZone(0.1, 0.2, 0.5, 0.25),)), pre_alarm_s=2)


@pytest.mark.parametrize("extra, field, line", [
    ("    motion:\n      enabld: true\n", "cameras.0.motion.enabld", 6),
    ("    motion:\n      sensitivity: 0\n", "cameras.0.motion.sensitivity", 6),
    ("    motion:\n      zones:\n        - {x: 1.5, y: 0, width: 1, height: 1}\n", "cameras.0.motion.zones.0.x", 7),
    ("    pre_alarm_s: 61\n", "cameras.0.pre_alarm_s", 5),
])
def test_bad_values_name_the_field(tmp_path, extra, field, line):
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, CAMERA + extra)
    assert f"camvault.yml:{line}: field '{field}'" in str(caught.value)
