"""Scenarios (Admin): `GET /scenarios` (`{"scenarios": [{scenarioId, name, ignored}]}`),
`GET /scenarios/:id/trigger` (`{"triggered": true}`; false for an ignored scenario), `PUT
/scenarios/:id` with `{"scenario": {"ignored": bool}}` (answer as in the document, `ignored` a
string). Admin extension: `GET /scenarios/:id` (the rule), `POST /scenarios` (201 + Location),
`PUT /scenarios/:id` with `name`, `when`, `then`, `DELETE /scenarios/:id` (204).
Body shapes and choices: docs/ref/camtrace.md "Scenarios"."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool

from camvault.api.camtrace.auth import CamtraceUser
from camvault.api.camtrace.body import wrapped_body
from camvault.api.deps import ServicesDep
from camvault.core.errors import BadRequest, NotFound
from camvault.core.rights import require_admin
from camvault.core.scenarios import WEEKDAYS, Action, Scenario, Trigger, weekday_number
from camvault.services.scenarios import ScenarioChanges

router = APIRouter()

LIST_PATH = "/api/v1.2/scenarios"


class WhenBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["alarm", "metadata", "manual", "schedule"]
    cameraIds: list[int] = []
    type: str = ""
    times: list[str] = []
    weekdays: list[str] = []

    def to_core(self) -> Trigger:
        return Trigger(self.kind, tuple(self.cameraIds), self.type.strip(), tuple(self.times),
                       tuple(weekday_number(d) for d in self.weekdays))


class ThenBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["alarm", "command", "record", "screen"]
    cameraIds: list[int] = []
    type: str = ""
    commandId: int | None = None
    durationS: int | None = None
    screenId: int | None = None
    cameraId: int | None = None
    mosaicId: int | None = None

    def to_core(self) -> Action:
        return Action(self.kind, tuple(self.cameraIds), self.type, self.commandId, self.durationS, self.screenId,
                      self.cameraId, self.mosaicId)


class ScenarioBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: str | None = None
    ignored: bool | None = None
    when: WhenBody | None = None
    then: list[ThenBody] | None = None


def summary_json(s: Scenario) -> dict:
    return {"scenarioId": s.id, "name": s.name, "ignored": s.ignored}


def when_json(t: Trigger) -> dict:
    fields = {"alarm": {"cameraIds": list(t.camera_ids)},
              "metadata": {"type": t.type, "cameraIds": list(t.camera_ids)},
              "schedule": {"times": list(t.times), "weekdays": [WEEKDAYS[d - 1] for d in t.weekdays]}}
    return {"kind": t.kind, **fields.get(t.kind, {})}


def then_json(a: Action) -> dict:
    fields = {"alarm": {"cameraIds": list(a.camera_ids), "type": a.type},
              "command": {"commandId": a.command_id},
              "record": {"cameraIds": list(a.camera_ids), "durationS": a.duration_s},
              "screen": {"screenId": a.screen_id, "cameraId": a.camera_id, "mosaicId": a.mosaic_id}}
    return {"kind": a.kind, **fields.get(a.kind, {})}


def detail_json(s: Scenario) -> dict:
    return {**summary_json(s), "fromConfig": s.origin == "config", "when": when_json(s.trigger),
            "then": [then_json(a) for a in s.actions]}


def _scenario_id(raw: str) -> int:
    if not raw.isdigit():
        raise NotFound(f"Scenario {raw} not found", key="scenario_not_found", id=raw)
    return int(raw)


async def _body(request: Request, user) -> ScenarioBody:
    require_admin(user)
    return await wrapped_body(request, "scenario", ScenarioBody)


@router.get("/scenarios")
def list_scenarios(services: ServicesDep, user: CamtraceUser) -> dict:
    return {"scenarios": [summary_json(s) for s in services.scenarios.list(user)]}


@router.get("/scenarios/{scenario_id}/trigger")
def trigger_scenario(scenario_id: str, services: ServicesDep, user: CamtraceUser) -> dict:
    return {"triggered": services.scenarios.trigger(user, _scenario_id(scenario_id))}


@router.get("/scenarios/{scenario_id}")
def get_scenario(scenario_id: str, services: ServicesDep, user: CamtraceUser) -> dict:
    return {"scenario": detail_json(services.scenarios.get(user, _scenario_id(scenario_id)))}


@router.post("/scenarios", status_code=201)
async def create_scenario(request: Request, response: Response, services: ServicesDep, user: CamtraceUser) -> dict:
    body = await _body(request, user)
    if body.name is None or body.when is None or body.then is None:
        missing = next(f for f in ("name", "when", "then") if getattr(body, f) is None)
        raise BadRequest(f"Invalid scenario field '{missing}': Field required", key="invalid_field", field=missing)
    scenario = await run_in_threadpool(lambda: services.scenarios.create(
        user, body.name, body.when.to_core(), tuple(a.to_core() for a in body.then), ignored=bool(body.ignored)))
    response.headers["Location"] = f"{LIST_PATH}/{scenario.id}"
    return {"scenario": detail_json(scenario)}


@router.put("/scenarios/{scenario_id}")
async def update_scenario(scenario_id: str, request: Request, services: ServicesDep, user: CamtraceUser) -> dict:
    sid = _scenario_id(scenario_id)
    body = await _body(request, user)
    changes = ScenarioChanges(name=body.name, ignored=body.ignored,
                              trigger=body.when.to_core() if body.when is not None else None,
                              actions=tuple(a.to_core() for a in body.then) if body.then is not None else None)
    scenario = await run_in_threadpool(services.scenarios.update, user, sid, changes)
    return {"scenario": {**summary_json(scenario), "ignored": "true" if scenario.ignored else "false"}}


@router.delete("/scenarios/{scenario_id}", status_code=204)
def delete_scenario(scenario_id: str, services: ServicesDep, user: CamtraceUser) -> Response:
    services.scenarios.delete(user, _scenario_id(scenario_id))
    return Response(status_code=204)
