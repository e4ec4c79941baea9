"""Rights on mosaics, maps and metadata connectors: granted per user and object, kept in the
database, checked by `User.may` (admins may everything), refused for unknown kinds or actions,
and dropped for every user when the object is deleted."""

import pytest

from camvault.core.clock import FakeClock
from camvault.core.errors import BadRequest, NotFound
from camvault.core.model import Profile, User
from camvault.services.users import UserService
from camvault.store.store import Store


@pytest.fixture
def users(database_url, tmp_path):
    store = Store(database_url, tmp_path)
    store.open()
    yield UserService(store.users, FakeClock())
    store.close()


def by_name(users: UserService) -> dict[str, User]:
    return {u.name: u for u in users.list()}


def test_granted_rights_are_stored_and_checked(users):
    users.create("vera", "pw", "consult")
    users.create("otto", "pw", "monitor")
    users.grant_object("vera", "mosaic", 3, {"view"})
    users.grant_object("vera", "connector", "0b7c9a52-8f0c-4c43-9a4e-2f1e5d7a6b10", {"insert", "consult"})
    vera = by_name(users)["vera"]
    assert vera.may("mosaic", 3, "view") and vera.may("mosaic", "3", "view")
    assert not vera.may("mosaic", 3, "edit") and not vera.may("mosaic", 4, "view") and not vera.may("map", 3, "view")
    assert vera.may("connector", "0b7c9a52-8f0c-4c43-9a4e-2f1e5d7a6b10", "consult")
    assert by_name(users)["otto"].objects == {}
    users.grant_object("vera", "mosaic", 3, set())                  # nothing: the right is removed
    assert not users.get(vera.id).may("mosaic", 3, "view")


def test_unknown_kinds_actions_and_users_are_refused(users):
    users.create("vera", "pw", "consult")
    with pytest.raises(BadRequest):
        users.grant_object("vera", "mosaic", 1, {"insert"})
    with pytest.raises(BadRequest):
        users.grant_object("vera", "camera", 1, {"view"})
    with pytest.raises(NotFound):
        users.grant_object("nobody", "map", 1, {"view"})


def test_a_deleted_object_loses_every_right(users):
    for name in ("vera", "otto"):
        users.create(name, "pw", "consult")
        users.grant_object(name, "map", "m-1", {"view", "edit"})
    users.grant_object("vera", "map", "m-2", {"view"})
    users.forget_object("map", "m-1")
    vera, otto = by_name(users)["vera"], by_name(users)["otto"]
    assert not vera.may("map", "m-1", "view") and not otto.may("map", "m-1", "edit") and vera.may("map", "m-2", "view")


def test_admins_may_everything():
    assert User(1, "admin", Profile.ADMIN).may("map", "any", "edit")
