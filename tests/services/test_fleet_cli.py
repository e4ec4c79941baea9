"""`camvault fleet ...` on a real (SQLite) database: organisations, sites with hours, grants."""

from __future__ import annotations

import yaml

from camvault.cli import main
from camvault.store.store import Store


def test_fleet_cli_creates_orgs_sites_and_grants(tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 'db.sqlite'}"
    config = tmp_path / "camvault.yml"
    config.write_text(yaml.safe_dump({"storage": {"data_dir": str(tmp_path / "data")}, "database": {"url": db}}))
    run = lambda *argv: main(["--config", str(config), *argv])
    assert run("users", "add", "carl", "--password", "pw") == 0
    assert run("fleet", "org", "add", "Acme") == 0
    assert run("fleet", "org", "add", "Acme") == 1                        # already exists
    assert run("fleet", "site", "add", "Acme", "Depot", "--timezone", "Europe/Paris",
               "--hours", "monday=08:00-12:00,14:00-18:00", "--hours", "sunday=10:00-12:00") == 0
    assert run("fleet", "site", "add", "Acme", "Moon", "--timezone", "Moon/Base") == 1
    assert run("fleet", "site", "grant", "carl", "Depot") == 0
    assert run("fleet", "site", "grant", "nobody", "Depot") == 1
    assert run("fleet", "site", "list") == 0
    assert "Depot\tEurope/Paris" in capsys.readouterr().out
    store = Store(db, tmp_path / "data")
    site = store.fleet.site("Depot")
    assert site.opening_hours.to_json() == {"monday": ["08:00-12:00", "14:00-18:00"], "sunday": ["10:00-12:00"]}
    assert store.fleet.user_sites(store.users.get_by_name("carl").id) == {site.uuid}
    store.close()
