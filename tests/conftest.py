"""Shared fixtures: one fresh database per test, on SQLite and on a throwaway PostgreSQL server."""

from __future__ import annotations

import pytest

from tests.support.pg import PostgresServer


@pytest.fixture(scope="session")
def postgres():
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A fresh, empty database URL; every test using it runs once per backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'camvault.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    name = server.create_database()
    yield server.url(name)
    server.drop_database(name)
