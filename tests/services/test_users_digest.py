"""Users' RTSP Digest HA1 (md5 of name:camvault:password): stored at creation, filled in by a
password login for users stored without one (before migration 0007), and checked by
`authenticate_digest` through the caller's check."""

import hashlib

import pytest
from sqlalchemy import update

from camvault.core.clock import FakeClock
from camvault.core.errors import Unauthorized
from camvault.services.users import UserService
from camvault.store.store import Store
from camvault.store.tables import users as users_table


@pytest.fixture
def store(database_url, tmp_path):
    store = Store(database_url, tmp_path)
    store.open()
    yield store
    store.close()


def ha1(name: str, password: str) -> str:
    return hashlib.md5(f"{name}:camvault:{password}".encode()).hexdigest()


def test_ha1_is_stored_at_creation_and_checked(store):
    service = UserService(store.users, FakeClock())
    service.create("eve", "pw", "monitor")
    assert store.users.credentials("eve").password_ha1 == ha1("eve", "pw")
    assert service.authenticate_digest("eve", lambda stored: stored == ha1("eve", "pw")).name == "eve"
    with pytest.raises(Unauthorized):
        service.authenticate_digest("eve", lambda stored: stored == ha1("eve", "wrong"))
    with pytest.raises(Unauthorized):
        service.authenticate_digest("mallory", lambda _stored: True)


def test_a_password_login_fills_in_a_missing_ha1(store):
    service = UserService(store.users, FakeClock())
    service.create("eve", "pw", "monitor")
    with store.engine.begin() as conn:
        conn.execute(update(users_table).values(password_ha1=None))
    with pytest.raises(Unauthorized):
        service.authenticate_digest("eve", lambda _stored: True)
    service.authenticate_password("eve", "pw")
    assert store.users.credentials("eve").password_ha1 == ha1("eve", "pw")
    assert service.authenticate_digest("eve", lambda stored: stored == ha1("eve", "pw")).name == "eve"
