"""Shared fixtures: one fresh database per test, on SQLite and on a throwaway PostgreSQL server, and an
open `Store` on it.

Each backend's schema is migrated once per session into a template (a SQLite file, a PostgreSQL
template database); every test gets its own copy, so tests start from the newest schema quickly.
"""

from __future__ import annotations

import shutil

import pytest

from camvault.store.db import make_engine, migrate
from camvault.store.store import Store
from tests.support.pg import PostgresServer


@pytest.fixture(scope="session")
def postgres():
    server = PostgresServer().start()
    yield server
    server.stop()


def _migrated(url: str) -> None:
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "camvault.db"
    _migrated(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_template(postgres):
    name = postgres.create_database()
    _migrated(postgres.url(name))
    return name


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A fresh database at the newest schema; every test using it runs once per backend."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        shutil.copy(template, tmp_path / "camvault.db")
        yield f"sqlite:///{tmp_path / 'camvault.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    name = server.create_database(template=request.getfixturevalue("postgres_template"))
    yield server.url(name)
    server.drop_database(name)


@pytest.fixture
def store(database_url, tmp_path):
    """An open `Store` on a fresh database (both backends) with its media under tmp_path/data."""
    s = Store(database_url, tmp_path / "data")
    s.open()
    yield s
    s.close()
