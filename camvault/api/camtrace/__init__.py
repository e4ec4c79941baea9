"""CamTrace CT-Server REST v1.2 dialect (`/api/v1.2`, groups also under `/api/v1`).

Errors are `{"error": "<message>"}` with the document's status codes, translated by
`Accept-Language`; 401 carries a Basic challenge. GET answers support JSON-P (`_callback`).
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from camvault.api.camtrace import (
    alarms,
    camera_patch,
    cameras,
    devices,
    exports,
    exturls,
    folders,
    logs,
    maps,
    metadata,
    monitoring,
    mosaics,
    playback_http,
    precords,
    ptz,
    push,
    reference,
    scenarios,
    screen_view,
    screens,
    servers,
    slices,
    snapshots,
    sort_criteria,
    source_check,
    tasks,
    timeline,
    user_admin,
    users,
)
from camvault.api.camtrace.i18n import translate
from camvault.core.errors import DomainError, Unauthorized

PREFIXES = ("/api/v1.2", "/api/v1")
PUSH_PREFIXES = ("/live/", "/m", "/r", "/screens/")
"""The PUSH HTTP video services at the server root (`/live/view/X.Y`, `/m?ids=`, `/r?id=`) and the
passive screens' pages (`/screens/<id>/view`, `/events`): their errors have the CamTrace shape too."""


def shape_error(request: Request, exc: DomainError) -> Response:
    challenge = isinstance(exc, Unauthorized) and "x-requested-with" not in request.headers
    headers = {"WWW-Authenticate": 'Basic realm="camvault"'} if challenge else None    # no dialog over the web UI
    message = translate(exc, request.headers.get("accept-language"))
    return JSONResponse({"error": message}, status_code=exc.status, headers=headers)


MODULES = (servers, users, user_admin, logs, slices, snapshots, reference, exports, precords, tasks, alarms, ptz,
           monitoring, exturls, scenarios, maps, devices, metadata, mosaics,
           screens, screen_view, folders, sort_criteria, playback_http, timeline, push, source_check, camera_patch,
           cameras)
"""Adapters in matching order: fixed paths such as /cameras/connections must come before
/cameras/{camera_id}, so `cameras` stays last."""


def include(app: FastAPI) -> None:
    """Register every adapter's routes on the application itself under /api/v1.2 (or the module's
    `MOUNT`: "" for the PUSH HTTP services at the server root). (Not with
    `include_router`: FastAPI 0.16x rebuilds an included router's route state, dependency analysis
    and response TypeAdapter included, on every request; that was over half of a list request's CPU.)
    The adapters declare routes with a path, methods and an optional status code only."""
    for module in MODULES:
        mount = getattr(module, "MOUNT", "/api/v1.2")
        for route in module.router.routes:
            app.add_api_route(mount + route.path, route.endpoint, methods=sorted(route.methods),
                              name=route.name, status_code=route.status_code)
