"""Scenarios: stored rules (core.scenarios) that fire on alarms, metadata events, a schedule or by
hand, and run their actions (services.scenario_actions) on the service's own runner threads.

- Rules live in the database. The config file's `scenarios:` are applied at every start (origin
  "config", read-only through the API but for `ignored`, which is kept across restarts; a config
  scenario removed from the file is removed); the Admin extension adds, changes and deletes
  the others. Every scenario call needs the Admin profile, as the document says.
- Events: a handler on the event bus (its dispatcher thread) matches ALARM_STARTED and METADATA
  events against the active rules kept in memory and only queues the firings. Alarms raised by a
  scenario's own actions fire nothing.
- Schedule: `ScheduleWorker` calls `check_schedule()` every second; a rule fires once when one of
  its times of day (server time zone, `server.timezone`) passed since the previous check (by the
  injected clock; nothing is caught up after a clock jump backwards or at start).
- Ignored scenarios never fire: events and schedule skip them, the API trigger answers False.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, replace
from datetime import UTC, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from camvault.core.clock import Clock
from camvault.core.errors import BadRequest, Conflict, NotFound
from camvault.core.model import User
from camvault.core.rights import require_admin
from camvault.core.scenarios import (
    Action,
    Scenario,
    Trigger,
    checked,
    matches,
    scheduled_between,
)
from camvault.services.events import ALARM_STARTED, METADATA, Event, EventBus
from camvault.services.runner import BackgroundRunner
from camvault.services.scenario_actions import ScenarioActions
from camvault.store.store import Store

log = logging.getLogger(__name__)

MAX_CATCH_UP_MS = 7 * 86_400_000


@dataclass(frozen=True)
class ScenarioChanges:
    """A PUT: the fields given (None = unchanged)."""

    name: str | None = None
    ignored: bool | None = None
    trigger: Trigger | None = None
    actions: tuple[Action, ...] | None = None

    @property
    def changes_rule(self) -> bool:
        return self.name is not None or self.trigger is not None or self.actions is not None


class ScenarioService:
    """The constructor has no side effects; `start()` applies the config and starts listening."""

    def __init__(self, store: Store, clock: Clock, events: EventBus, actions: ScenarioActions, *,
                 timezone_name: str = "UTC", from_config: list[Scenario] | None = None) -> None:
        self._store = store
        self._clock = clock
        self._events = events
        self._actions = actions
        self._zone = _zone(timezone_name)
        self._from_config = list(from_config or [])
        self._runner = BackgroundRunner("scenarios", workers=2)
        self._schedule = ScheduleWorker(self)
        self._lock = threading.Lock()
        self._active: list[Scenario] = []
        self._checked_ms: int | None = None
        self._unsubscribe = None

    # --- queries (admin) ------------------------------------------------------------------------
    def list(self, user: User) -> list[Scenario]:
        require_admin(user)
        return self._store.scenarios.list()

    def get(self, user: User, scenario_id: int) -> Scenario:
        require_admin(user)
        scenario = self._store.scenarios.get(scenario_id)
        if scenario is None:
            raise NotFound(f"Scenario {scenario_id} not found", key="scenario_not_found", id=scenario_id)
        return scenario

    # --- changes (admin) ------------------------------------------------------------------------
    def create(self, user: User, name: str, trigger: Trigger, actions: tuple[Action, ...], *,
               ignored: bool = False) -> Scenario:
        require_admin(user)
        name = checked(name, trigger, actions)
        self._check_references(trigger, actions)
        with self._lock:
            scenario = Scenario(self._store.scenarios.next_id(), name, ignored, trigger, actions)
            self._store.scenarios.upsert(scenario, self._clock.now_ms())
        self._reload()
        log.info("scenario %s (%s) added by %s", scenario.id, scenario.name, user.name)
        return scenario

    def update(self, user: User, scenario_id: int, changes: ScenarioChanges) -> Scenario:
        """Ignore/activate (`ignored`), or change the rule (not for a config scenario: Conflict)."""
        previous = self.get(user, scenario_id)
        if changes.changes_rule and previous.origin == "config":
            raise Conflict(f"Scenario {scenario_id} is defined in the config file; change it there",
                           key="scenario_from_config", id=scenario_id)
        scenario = replace(previous, **{k: v for k, v in changes.__dict__.items() if v is not None})
        if changes.changes_rule:
            scenario = replace(scenario, name=checked(scenario.name, scenario.trigger, scenario.actions))
            self._check_references(scenario.trigger, scenario.actions)
            self._store.scenarios.upsert(scenario, self._clock.now_ms())
        elif changes.ignored is not None:
            self._store.scenarios.set_ignored(scenario_id, changes.ignored)
        else:
            return previous
        self._reload()
        log.info("scenario %s (%s) %s by %s", scenario_id, scenario.name,
                 "changed" if changes.changes_rule else ("ignored" if scenario.ignored else "activated"), user.name)
        return scenario

    def delete(self, user: User, scenario_id: int) -> None:
        scenario = self.get(user, scenario_id)
        if scenario.origin == "config":
            raise Conflict(f"Scenario {scenario_id} is defined in the config file; change it there",
                           key="scenario_from_config", id=scenario_id)
        self._store.scenarios.delete(scenario_id)
        self._reload()
        log.info("scenario %s (%s) removed by %s", scenario_id, scenario.name, user.name)

    def _check_references(self, trigger: Trigger, actions: tuple[Action, ...]) -> None:
        camera_ids = set(trigger.camera_ids)
        for a in actions:
            camera_ids.update(a.camera_ids, [a.camera_id] if a.camera_id is not None else [])
            if a.kind == "command" and self._store.commands.get(a.command_id) is None:
                raise BadRequest(f"Invalid scenario: unknown command {a.command_id}", key="invalid_scenario",
                                 detail=f"unknown command {a.command_id}")
        for camera_id in sorted(camera_ids):
            if self._store.cameras.get(camera_id) is None:
                raise BadRequest(f"Invalid scenario: unknown camera {camera_id}", key="invalid_scenario",
                                 detail=f"unknown camera {camera_id}")

    # --- firing ---------------------------------------------------------------------------------
    def trigger(self, user: User, scenario_id: int) -> bool:
        """Fire the scenario now (whatever its WHEN); False, doing nothing, if it is ignored."""
        scenario = self.get(user, scenario_id)
        if scenario.ignored:
            log.info("scenario %s (%s) not triggered by %s: it is ignored", scenario.id, scenario.name, user.name)
            return False
        return self._fire(scenario, (), f"triggered by {user.name}")

    def check_schedule(self) -> list[int]:
        """Fire the scheduled rules one of whose times passed since the previous check; their ids."""
        now_ms = self._clock.now_ms()
        with self._lock:
            after_ms, self._checked_ms = self._checked_ms, now_ms
            rules = [s for s in self._active if s.trigger.kind == "schedule"]
        if after_ms is None or now_ms <= after_ms:
            return []
        after_ms = max(after_ms, now_ms - MAX_CATCH_UP_MS)
        due = [s for s in rules if scheduled_between(s.trigger, self._zone, after_ms, now_ms)]
        for s in due:
            self._fire(s, (), "scheduled")
        return [s.id for s in due]

    def wait_idle(self, timeout_s: float = 10.0) -> bool:
        """Wait until queued events and firings, and the events those raised, are handled (tests);
        False on timeout."""
        deadline_s = time.monotonic() + timeout_s
        while self._events.wait_idle(timeout_s) and self._runner.wait_idle(timeout_s):
            if self._events.wait_idle(0) and self._runner.wait_idle(0):
                return True
            timeout_s = deadline_s - time.monotonic()
        return False

    def _on_event(self, event: Event) -> None:
        if event.kind == ALARM_STARTED and not self._actions.is_own_alarm(event.data.get("alarmId")):
            kind, why = "alarm", f"alarm on camera(s) {_ids(event.camera_ids)}"
        elif event.kind == METADATA:
            kind, why = "metadata", f"metadata event {event.type!r} on camera(s) {_ids(event.camera_ids)}"
        else:
            return
        with self._lock:
            rules = list(self._active)
        for s in rules:
            if matches(s.trigger, kind, event.camera_ids, event.type):
                self._fire(s, event.camera_ids, why)

    def _fire(self, scenario: Scenario, camera_ids: tuple[int, ...], why: str) -> bool:
        return self._runner.submit(f"scenario {scenario.id}",
                                   lambda: self._actions.run(scenario, camera_ids, why))

    # --- lifecycle ------------------------------------------------------------------------------
    def start(self) -> None:
        self._sync_config()
        self._reload()
        with self._lock:
            self._checked_ms = self._clock.now_ms()
        self._runner.start()
        self._unsubscribe = self._events.subscribe(self._on_event)
        self._schedule.start()

    def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._schedule.stop()
        self._runner.stop()

    def _sync_config(self) -> None:
        existing = {s.id: s for s in self._store.scenarios.list()}
        wanted = {s.id for s in self._from_config}
        for s in existing.values():
            if s.origin == "config" and s.id not in wanted:
                self._store.scenarios.delete(s.id)
                log.info("scenario %s (%s) removed: no longer in the config file", s.id, s.name)
        for s in self._from_config:
            before = existing.get(s.id)
            ignored = before.ignored if before is not None and before.origin == "config" else s.ignored
            self._store.scenarios.upsert(replace(s, origin="config", ignored=ignored), self._clock.now_ms())

    def _reload(self) -> None:
        active = [s for s in self._store.scenarios.list() if not s.ignored]
        with self._lock:
            self._active = active


class ScheduleWorker:
    """Calls `check_schedule()` every `interval_s` (real time) until stopped."""

    def __init__(self, scenarios: ScenarioService, interval_s: float = 1.0) -> None:
        self._scenarios = scenarios
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self.run, name="scenario-schedule", daemon=True)
        self._thread.start()

    def run(self) -> None:
        while not self._stop.wait(self._interval_s):
            try:
                self._scenarios.check_schedule()
            except Exception:
                log.exception("checking the scenario schedule failed")

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None


def _ids(camera_ids: tuple[int, ...]) -> str:
    return ", ".join(str(c) for c in camera_ids) or "-"


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        log.error("unknown time zone %r for scenario schedules; using UTC", name)
        return UTC
