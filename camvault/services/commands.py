"""Commands (CamTrace exturls): list, details, trigger, and the admin's create/update/delete.

A trigger only queues the run: the steps run on the service's `BackgroundRunner` threads, in
order: a URL step is one HTTP GET (redirects followed, TLS certificates not checked: devices on
the site network mostly have self-signed ones; the body is not read), a `delay=N` step waits N real
seconds (cut short when the node stops, which abandons the rest of the run). A step that fails
(connection refused, timeout, a non-2xx answer) is logged as a warning, so it shows in the system
log, and the run goes on with the next step: a "switch on, wait, switch off" command still switches
off when the first call failed. Logged URLs have their password masked.

Any authenticated user may list, read and trigger commands (the document asks for no profile);
changes need the Admin profile. Threads: request threads call in; runs happen on the runner.
"""

from __future__ import annotations

import logging

import httpx

from camvault.core.clock import Clock
from camvault.core.commands import Command, checked_command, delay_s, redacted
from camvault.core.errors import NotFound
from camvault.core.model import User
from camvault.core.rights import require_admin
from camvault.services.runner import BackgroundRunner
from camvault.store.store import Store

log = logging.getLogger(__name__)

REQUEST_TIMEOUT_S = 10.0
CONNECT_TIMEOUT_S = 5.0


class CommandService:
    """The constructor has no side effects; `start()`/`stop()` run the worker threads."""

    def __init__(self, store: Store, clock: Clock, *, timeout_s: float = REQUEST_TIMEOUT_S,
                 workers: int = 4) -> None:
        self._store = store
        self._clock = clock
        self._timeout = httpx.Timeout(timeout_s, connect=min(CONNECT_TIMEOUT_S, timeout_s))
        self._runner = BackgroundRunner("commands", workers=workers)

    # --- queries (any user) ---------------------------------------------------------------------
    def list(self) -> list[Command]:
        return self._store.commands.list()

    def get(self, command_id: int) -> Command:
        command = self._store.commands.get(command_id)
        if command is None:
            raise NotFound(f"Command {command_id} not found", key="command_not_found", id=command_id)
        return command

    # --- running --------------------------------------------------------------------------------
    def trigger(self, user: User, command_id: int) -> None:
        """Queue a run of the command (NotFound if there is none); returns at once."""
        command = self.get(command_id)
        self._queue(command, f"triggered by {user.name}")

    def run(self, command_id: int, why: str) -> bool:
        """Queue a run for another service (a scenario); False, with a warning, for an unknown id."""
        command = self._store.commands.get(command_id)
        if command is None:
            log.warning("command %s (%s): no such command", command_id, why)
            return False
        return self._queue(command, why)

    def wait_idle(self, timeout_s: float = 10.0) -> bool:
        """Wait until every queued run has finished (tests, shutdown); False on timeout."""
        return self._runner.wait_idle(timeout_s)

    def _queue(self, command: Command, why: str) -> bool:
        log.info("command %s (%s) %s", command.id, command.name, why)
        return self._runner.submit(f"command {command.id}", lambda: self._execute(command))

    def _execute(self, command: Command) -> None:
        failed = 0
        urls = [step for step in command.urls if delay_s(step) is None]
        with httpx.Client(timeout=self._timeout, follow_redirects=True, verify=False) as client:
            for step in command.urls:
                pause_s = delay_s(step)
                if pause_s is not None:
                    if self._runner.stopping.wait(pause_s):
                        log.warning("command %s (%s): stopped during a delay", command.id, command.name)
                        return
                elif not self._call(client, command, step):
                    failed += 1
        if failed:
            log.warning("command %s (%s) done: %d of %d URLs failed", command.id, command.name, failed, len(urls))
        else:
            log.info("command %s (%s) done: %d URLs called", command.id, command.name, len(urls))

    def _call(self, client: httpx.Client, command: Command, url: str) -> bool:
        shown = redacted(url)
        try:
            with client.stream("GET", url) as answer:
                status = answer.status_code
        except httpx.TimeoutException:
            log.warning("command %s (%s): GET %s timed out", command.id, command.name, shown)
            return False
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("command %s (%s): GET %s failed: %s", command.id, command.name, shown,
                        exc or type(exc).__name__)
            return False
        if not 200 <= status < 300:
            log.warning("command %s (%s): GET %s answered HTTP %s", command.id, command.name, shown, status)
            return False
        return True

    # --- changes (admin) ------------------------------------------------------------------------
    def create(self, user: User, name: str, urls: list[str]) -> Command:
        require_admin(user)
        name, steps = checked_command(name, urls)
        command = self._store.commands.insert(name, steps, self._clock.now_ms())
        log.info("command %s (%s) added by %s", command.id, command.name, user.name)
        return command

    def update(self, user: User, command_id: int, name: str, urls: list[str]) -> Command:
        require_admin(user)
        self.get(command_id)
        name, steps = checked_command(name, urls)
        command = Command(command_id, name, steps)
        if not self._store.commands.update(command):
            raise NotFound(f"Command {command_id} not found", key="command_not_found", id=command_id)
        log.info("command %s (%s) changed by %s", command_id, name, user.name)
        return command

    def delete(self, user: User, command_id: int) -> None:
        """Remove the command; scenarios that run it log a warning from then on."""
        require_admin(user)
        if not self._store.commands.delete(command_id):
            raise NotFound(f"Command {command_id} not found", key="command_not_found", id=command_id)
        log.info("command %s removed by %s", command_id, user.name)

    # --- lifecycle ------------------------------------------------------------------------------
    def start(self) -> None:
        self._runner.start()

    def stop(self) -> None:
        self._runner.stop()

