"""What a fired scenario does, action after action (on the scenario service's runner thread).

- `alarm`: `AlarmService.trigger` as the internal admin user `scenario`, label the action's `type`
  or else the scenario's name; the alarm ends after the policy's `recording.alarm_max_s`.
- `command`: queues a run of the command (`CommandService.run`), without waiting for it.
- `record`: a forced recording is an alarm recording: an alarm labelled "Recording (<scenario>)"
  that ends by itself after `duration_s`, so the camera's `arecord` stream records its pre-alarm,
  the `duration_s` and the post-alarm, and the alarm list says why.
- `screen`: `screens.show(screen_id, camera_id=..., mosaic_id=...)`, the screens service being
  looked up when the action runs.

An action that fails is logged as a warning and the next one runs. Alarms raised here are
remembered until their ALARM_STARTED event is seen (`is_own_alarm`): scenarios never fire on them,
so a rule "alarm on camera 1 -> alarm on camera 1" cannot loop.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from camvault.core.errors import DomainError
from camvault.core.model import Profile, User
from camvault.core.scenarios import MAX_TYPE_CHARS, Action, Scenario
from camvault.services.alarms import AlarmService
from camvault.services.commands import CommandService

log = logging.getLogger(__name__)

SYSTEM_USER = User(0, "scenario", Profile.ADMIN)
"""Who scenario actions act as (an admin that exists only in memory)."""
OWN_ALARMS_KEPT = 1000


class ScenarioActions:
    def __init__(self, alarms: AlarmService, commands: CommandService, screens: Callable[[], Any]) -> None:
        self._alarms = alarms
        self._commands = commands
        self._screens = screens
        self._lock = threading.Lock()
        self._own: deque[int] = deque(maxlen=OWN_ALARMS_KEPT)

    def run(self, scenario: Scenario, event_camera_ids: tuple[int, ...], why: str) -> None:
        log.info("scenario %s (%s) runs: %s", scenario.id, scenario.name, why)
        for index, action in enumerate(scenario.actions):
            try:
                self._run_one(scenario, action, event_camera_ids)
            except DomainError as exc:
                log.warning("scenario %s (%s): action %d (%s) failed: %s", scenario.id, scenario.name, index + 1,
                            action.kind, exc.message)
            except Exception:
                log.exception("scenario %s (%s): action %d (%s) failed", scenario.id, scenario.name, index + 1,
                              action.kind)

    def is_own_alarm(self, alarm_id: object) -> bool:
        """Whether a scenario action raised this alarm (forgotten once asked)."""
        with self._lock:                  # waits for a trigger in progress to record its ids
            if alarm_id in self._own:
                self._own.remove(alarm_id)
                return True
            return False

    def _run_one(self, scenario: Scenario, action: Action, event_camera_ids: tuple[int, ...]) -> None:
        if action.kind == "command":
            self._commands.run(action.command_id, f"run by scenario {scenario.id} ({scenario.name})")
        elif action.kind == "screen":
            self._show(scenario, action)
        elif action.kind in ("alarm", "record"):
            camera_ids = list(action.camera_ids or event_camera_ids)
            if not camera_ids:
                log.warning("scenario %s (%s): %s action without cameras (no event cameras either)",
                            scenario.id, scenario.name, action.kind)
                return
            if action.kind == "alarm":
                self._raise(camera_ids, action.type.strip() or scenario.name, None)
            else:
                self._raise(camera_ids, f"Recording ({scenario.name})", action.duration_s)

    def _raise(self, camera_ids: list[int], label: str, duration_s: int | None) -> None:
        label = label[:MAX_TYPE_CHARS - 1] + "…" if len(label) > MAX_TYPE_CHARS else label
        with self._lock:
            raised = self._alarms.trigger(SYSTEM_USER, camera_ids, label, duration_s=duration_s)
            self._own.extend(a.id for a in raised)

    def _show(self, scenario: Scenario, action: Action) -> None:
        screens = self._screens()
        if screens is None:
            log.warning("scenario %s (%s): passive screens are not available", scenario.id, scenario.name)
            return
        screens.show(action.screen_id, camera_id=action.camera_id, mosaic_id=action.mosaic_id)
