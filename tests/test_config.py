"""Config loading: strict YAML with file:line:field errors, env overrides, the demo config."""

from pathlib import Path

import pytest

from camvault.config import Config, ConfigError, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "camvault.yml"
    path.write_text(text)
    return path


def test_no_file_gives_the_demo_with_five_synthetic_cameras():
    config, is_demo = load_config(None, env={})
    assert is_demo
    assert len(config.cameras) == 5
    assert config.cameras[4].source == "synthetic://stereo"
    assert all(c.source.startswith("synthetic://") for c in config.cameras)
    assert config.recording.slice_max_s == 600
    assert config.server.http_port == 8080 and config.server.rtsp_port == 8554


def test_env_overrides(tmp_path):
    env = {"CAMVAULT_DATA_DIR": str(tmp_path / "d"), "CAMVAULT_HTTP_PORT": "9090", "CAMVAULT_RTSP_PORT": "9554",
           "CAMVAULT_DATABASE_URL": "postgresql+psycopg://u@h/db"}
    config, _ = load_config(None, env=env)
    assert config.storage.data_dir == tmp_path / "d"
    assert (config.server.http_port, config.server.rtsp_port) == (9090, 9554)
    assert config.database_url == "postgresql+psycopg://u@h/db"


def test_default_database_is_sqlite_in_the_data_dir(tmp_path):
    config, _ = load_config(None, env={"CAMVAULT_DATA_DIR": str(tmp_path)})
    assert config.database_url == f"sqlite:///{tmp_path / 'camvault.db'}"


def test_config_file_from_env_with_camera_override(tmp_path):
    path = write(tmp_path, "recording:\n  slice_max_s: 120\ncameras:\n  - id: 7\n    name: Door\n"
                           "    source: synthetic://?width=320&height=180\n    slice_max_s: 3\n")
    config, is_demo = load_config(None, env={"CAMVAULT_CONFIG": str(path)})
    assert not is_demo
    assert config.recording.slice_max_s == 120
    assert config.cameras[0].slice_max_s == 3


def test_unknown_key_names_file_line_and_field(tmp_path):
    path = write(tmp_path, "server:\n  http_port: 8080\ncameras:\n  - id: 1\n    name: A\n    source: synthetic://\n"
                           "    colour: red\n")
    with pytest.raises(ConfigError) as err:
        load_config(path, env={})
    message = str(err.value)
    assert f"{path}:7:" in message and "cameras.0.colour" in message


def test_bad_value_names_its_line(tmp_path):
    path = write(tmp_path, "recording:\n  slice_max_s: -5\n")
    with pytest.raises(ConfigError, match=r"camvault.yml:2: field 'recording.slice_max_s'"):
        load_config(path, env={})


def test_invalid_yaml_names_its_line(tmp_path):
    path = write(tmp_path, "server:\n  http_port: [8080\n")
    with pytest.raises(ConfigError, match=r"camvault.yml:\d+: invalid YAML"):
        load_config(path, env={})


def test_duplicate_camera_ids_are_refused(tmp_path):
    path = write(tmp_path, "cameras:\n  - {id: 1, name: A, source: 'synthetic://'}\n"
                           "  - {id: 1, name: B, source: 'synthetic://'}\n")
    with pytest.raises(ConfigError, match="unique"):
        load_config(path, env={})


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "nope.yml", env={})


def test_bad_env_port_is_refused():
    with pytest.raises(ConfigError, match="http_port"):
        load_config(None, env={"CAMVAULT_HTTP_PORT": "eighty"})


def test_every_field_is_described():
    def walk(model):
        for name, field in model.model_fields.items():
            assert field.description, f"{model.__name__}.{name} has no description"
            annotation = field.annotation
            inner = getattr(annotation, "__args__", (annotation,))
            for arg in inner:
                for candidate in getattr(arg, "__args__", (arg,)):
                    if isinstance(candidate, type) and hasattr(candidate, "model_fields"):
                        walk(candidate)
    walk(Config)
