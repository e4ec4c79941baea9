"""Users: the initial admin, bcrypt passwords with a short cache, profiles and rights."""

import bcrypt
import pytest

from camvault.core.clock import FakeClock
from camvault.core.errors import BadRequest, Conflict, Unauthorized
from camvault.services.users import CACHE_TTL_S, UserService
from camvault.store.store import Store


@pytest.fixture
def users(database_url, tmp_path):
    store = Store(database_url, tmp_path)
    store.open()
    yield UserService(store.users, FakeClock())
    store.close()


def test_first_start_generates_an_admin_password_once(users):
    generated = users.ensure_admin(None)
    assert generated and len(generated) >= 12
    assert users.authenticate_password("admin", generated).is_admin
    assert users.ensure_admin(None) is None


def test_given_admin_password_is_used(users):
    assert users.ensure_admin("s3cret") is None
    assert users.authenticate_password("admin", "s3cret").name == "admin"


def test_passwords_are_stored_as_bcrypt(users, database_url, tmp_path):
    users.create("eve", "pw", "monitor")
    store = Store(database_url, tmp_path)
    creds = store.users.credentials("eve")
    assert creds.password_bcrypt.startswith("$2b$10$") and bcrypt.checkpw(b"pw", creds.password_bcrypt.encode())
    store.close()


def test_wrong_password_and_unknown_user_are_refused_alike(users):
    users.create("eve", "pw", "monitor")
    with pytest.raises(Unauthorized) as wrong:
        users.authenticate_password("eve", "nope")
    with pytest.raises(Unauthorized) as unknown:
        users.authenticate_password("mallory", "nope")
    assert wrong.value.message == unknown.value.message


def test_verified_credentials_are_cached_for_a_short_time(users, monkeypatch):
    users.create("eve", "pw", "monitor")
    clock = users._clock
    users.authenticate_password("eve", "pw")
    calls = []
    monkeypatch.setattr(bcrypt, "checkpw", lambda *a: calls.append(a) or True)
    users.authenticate_password("eve", "pw")
    assert calls == []
    clock.advance_s(CACHE_TTL_S + 1)
    users.authenticate_password("eve", "pw")
    assert len(calls) == 1


def test_bad_users_are_refused(users):
    users.create("eve", "pw", "consult")
    with pytest.raises(Conflict):
        users.create("eve", "other", "consult")
    with pytest.raises(BadRequest, match="profile"):
        users.create("zed", "pw", "superuser")
    with pytest.raises(BadRequest):
        users.create("zed", "", "consult")
    with pytest.raises(BadRequest, match="Unknown camera"):
        users.create("zed", "pw", "consult", camera_ids=[42])
