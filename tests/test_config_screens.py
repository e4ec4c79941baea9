"""The `screens:` section of the config file: read with its defaults, strict, ids and nums unique."""

from pathlib import Path

import pytest

from camvault.config import ConfigError, ScreenConfig, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "camvault.yml"
    path.write_text(text)
    return path


def test_screens_are_read_with_their_defaults(tmp_path):
    path = write(tmp_path, "screens:\n  - {id: 1, num: 2, name: PassScreen1, host: 10.5.0.38}\n"
                           "  - {id: 3, num: 0, name: Hall, display_code: 7}\n")
    config, _ = load_config(path, env={})
    assert config.screens == [ScreenConfig(id=1, num=2, name="PassScreen1", host="10.5.0.38"),
                              ScreenConfig(id=3, num=0, name="Hall", host="", display_code=7)]
    assert load_config(write(tmp_path, "server: {}\n"), env={})[0].screens == []


@pytest.mark.parametrize("screens, error", [
    ("  - {id: 1, num: 1, name: A}\n  - {id: 1, num: 2, name: B}\n", "screen ids must be unique, repeated: \\[1\\]"),
    ("  - {id: 1, num: 4, name: A}\n  - {id: 2, num: 4, name: B}\n", "screen nums must be unique, repeated: \\[4\\]"),
    ("  - {id: 1, num: 1, name: A}\n  - {id: 2, num: 2, name: B, colour: red}\n",
     "camvault.yml:3: field 'screens.1.colour'"),
    ("  - {id: 0, num: 1, name: A}\n", "field 'screens.0.id'"),
    ("  - {id: 1, num: 1, name: ''}\n", "field 'screens.0.name'"),
])
def test_bad_screens_are_refused(tmp_path, screens, error):
    with pytest.raises(ConfigError, match=error):
        load_config(write(tmp_path, "screens:\n" + screens), env={})
