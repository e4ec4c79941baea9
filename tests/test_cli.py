"""The `camvault` command: users add/list/grant on the configured database, config errors exit 2."""

import subprocess
import sys


def run(*args, env):
    return subprocess.run([sys.executable, "-m", "camvault", *args], env=env, capture_output=True, text=True,
                          timeout=60)


def test_users_add_and_list(tmp_path):
    env = {"CAMVAULT_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    added = run("users", "add", "olga", "--password", "pw", "--profile", "monitor", env=env)
    assert added.returncode == 0, added.stderr
    assert "olga (monitor)" in added.stdout
    again = run("users", "add", "olga", "--password", "pw", env=env)
    assert again.returncode == 1 and "already exists" in again.stderr
    listed = run("users", "list", env=env)
    assert "olga\tmonitor" in listed.stdout
    granted = run("users", "grant", "olga", "map", "6d20a627-d916-41be-835a-865101763ef5", "view,edit", env=env)
    assert granted.returncode == 0 and "edit,view" in granted.stdout, granted.stderr
    refused = run("users", "grant", "olga", "map", "m1", "insert", env=env)
    assert refused.returncode == 1 and "view, edit" in refused.stderr.replace("edit, view", "view, edit")


def test_malformed_config_exits_2_naming_file_and_line(tmp_path):
    config = tmp_path / "bad.yml"
    config.write_text("recording:\n  slice_max_s: many\n")
    done = run("--config", str(config), "run", env={"CAMVAULT_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 2
    assert f"{config}:2: field 'recording.slice_max_s'" in done.stderr
