"""Command service on a real database against a real local HTTP server: the URLs are called in
order with the `delay=N` pause between them, after the trigger has returned; failures are logged
as warnings (password masked) and the run goes on; stopping the node cuts a delay short."""

import logging
import time

import pytest

from camvault.core.clock import FakeClock
from camvault.core.errors import BadRequest, Forbidden, NotFound
from camvault.core.model import Profile, User
from camvault.services.commands import CommandService
from tests.support.http_hits import HitServer, refused_url

ADMIN = User(1, "admin", Profile.ADMIN)
CARL = User(2, "carl", Profile.CONSULT)


@pytest.fixture
def commands(store):
    service = CommandService(store, FakeClock(), timeout_s=1)
    service.start()
    yield service
    service.stop()


@pytest.fixture
def hits():
    with HitServer() as server:
        yield server


def test_urls_are_called_in_order_with_the_delay_between_them(commands, hits):
    command = commands.create(ADMIN, "Allume_Eteint", [hits.url("/on?port=u1uu"), "delay=1", hits.url("/off"),
                                                       hits.url("/again")])
    started = time.monotonic()
    commands.trigger(CARL, command.id)                       # any user may trigger
    assert time.monotonic() - started < 0.8, "the trigger does not wait for the delay"
    assert commands.wait_idle(10)
    (on_s, on), (off_s, off), (again_s, again) = hits.hits
    assert (on, off, again) == ("/on?port=u1uu", "/off", "/again")
    assert 1.0 <= off_s - on_s < 2.5, "delay=1 between the first and the second URL"
    assert again_s - off_s < 1.0


def test_failures_are_warnings_and_the_run_goes_on(commands, hits, caplog):
    refused = refused_url("/x").replace("http://", "http://op:secret@")
    command = commands.create(ADMIN, "Flaky", [refused, hits.url("/status/500"), hits.url("/sleep/3"),
                                               hits.url("/last")])
    with caplog.at_level(logging.INFO, logger="camvault.services.commands"):
        commands.trigger(ADMIN, command.id)
        assert commands.wait_idle(15)
    assert hits.paths() == ["/status/500", "/sleep/3", "/last"]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 4, warnings
    assert "failed" in warnings[0] and "op:***@" in warnings[0]
    assert "answered HTTP 500" in warnings[1] and "timed out" in warnings[2]
    assert warnings[3].endswith("done: 3 of 4 URLs failed")
    assert not any("secret" in r.getMessage() for r in caplog.records)


def test_stopping_cuts_a_delay_short_and_abandons_the_rest(store, hits):
    service = CommandService(store, FakeClock(), timeout_s=1)
    service.start()
    command = service.create(ADMIN, "Long", [hits.url("/first"), "delay=30", hits.url("/never")])
    service.trigger(ADMIN, command.id)
    hits.wait_for(1)
    started = time.monotonic()
    service.stop()
    assert time.monotonic() - started < 3
    assert hits.paths() == ["/first"]


def test_admin_changes_are_validated(commands, hits):
    command = commands.create(ADMIN, "A", [hits.url("/a")])
    assert commands.get(command.id).urls == (hits.url("/a"),)
    changed = commands.update(ADMIN, command.id, "B", [hits.url("/b"), "delay=2", hits.url("/c")])
    assert commands.get(command.id) == changed and changed.name == "B"
    assert [c.name for c in commands.list()] == ["B"]
    with pytest.raises(BadRequest):
        commands.update(ADMIN, command.id, "B", ["file:///etc/passwd"])
    with pytest.raises(Forbidden):
        commands.create(CARL, "C", [hits.url("/c")])
    commands.delete(ADMIN, command.id)
    with pytest.raises(NotFound):
        commands.trigger(ADMIN, command.id)
    assert commands.run(command.id, "scenario 1") is False, "a vanished command is a warning, not an error"
