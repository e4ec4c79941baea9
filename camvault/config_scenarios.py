"""The `scenarios:` section of the config file: rules applied at every start (see
services.scenarios), validated when the file is loaded so that an error names its line."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from camvault.core.errors import BadRequest
from camvault.core.scenarios import Action, Scenario, Trigger, checked, weekday_number

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ScenarioWhenConfig(_Strict):
    kind: Literal["alarm", "metadata", "manual", "schedule"] = Field(
        description="alarm: an alarm started on camera_ids; metadata: a metadata event of `type` on "
        "camera_ids; manual: only the API trigger; schedule: at `times` on `weekdays`.")
    camera_ids: list[int] = Field(default_factory=list, description="alarm, metadata: the cameras "
                                  "listened to; empty = any camera.")
    type: str = Field("", description="metadata: the metadata event type.")
    times: list[str] = Field(default_factory=list, description="schedule: times of day HH:MM, server time zone.")
    weekdays: list[Weekday] = Field(default_factory=list, description="schedule: days; empty = every day.")


class ScenarioActionConfig(_Strict):
    kind: Literal["alarm", "command", "record", "screen"] = Field(
        description="alarm: raise an alarm; command: run a command; record: force an alarm recording; "
        "screen: show a camera or a mosaic on a passive screen.")
    camera_ids: list[int] = Field(default_factory=list, description="alarm, record: the cameras; empty = "
                                  "those of the event that fired the scenario.")
    type: str = Field("", description="alarm: its label (default: the scenario's name).")
    command_id: int | None = Field(None, description="command: the command (exturl) id.")
    duration_s: int | None = Field(None, description="record: seconds of forced recording.")
    screen_id: int | None = Field(None, description="screen: the passive screen id.")
    camera_id: int | None = Field(None, description="screen: the camera to show.")
    mosaic_id: int | None = Field(None, description="screen: the mosaic to show.")


class ScenarioConfig(_Strict):
    id: int = Field(ge=1, description="CamTrace scenarioId, stable across restarts.")
    name: str = Field(min_length=1, description="Scenario name.")
    ignored: bool = Field(False, description="Initial state only: the API's ignore is kept across restarts.")
    when: ScenarioWhenConfig = Field(description="What fires the scenario.")
    then: list[ScenarioActionConfig] = Field(min_length=1, description="Actions, run in order.")

    @model_validator(mode="after")
    def _valid_rule(self) -> ScenarioConfig:
        s = self.to_scenario()
        try:
            checked(s.name, s.trigger, s.actions)
        except BadRequest as exc:
            raise ValueError(exc.message) from None
        return self

    def to_scenario(self) -> Scenario:
        w = self.when
        trigger = Trigger(w.kind, tuple(w.camera_ids), w.type, tuple(w.times),
                          tuple(weekday_number(d) for d in w.weekdays))
        actions = tuple(Action(a.kind, tuple(a.camera_ids), a.type, a.command_id, a.duration_s, a.screen_id,
                               a.camera_id, a.mosaic_id) for a in self.then)
        return Scenario(self.id, self.name.strip(), self.ignored, trigger, actions, origin="config")


def _unique_ids(scenarios: list[ScenarioConfig]) -> list[ScenarioConfig]:
    ids = [s.id for s in scenarios]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"scenario ids must be unique, repeated: {duplicates}")
    return scenarios


ScenarioList = Annotated[list[ScenarioConfig], AfterValidator(_unique_ids)]
