"""Fleet cloud dialect (`/fleet`): OAuth2 client-credentials tokens, the camera claim lifecycle,
live frames, opening hours and metrics of fleet-cameras-api.txt, plus `/fleet/admin/...`
extensions for organisations, sites and site users (docs/ref/fleet.md).

Errors are `{"code": <HTTP status>, "message": "..."}`; a 401 carries a Bearer challenge. The token
endpoint answers in RFC 6749's shape instead (`{"error": "invalid_client", ...}`).
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from camvault.api.fleet import admin, cameras, oauth
from camvault.core.errors import DomainError, Unauthorized

PREFIX = "/fleet"
PREFIXES = (PREFIX + "/",)
MODULES = (oauth, admin, cameras)


def shape_error(_request: Request, exc: DomainError) -> Response:
    headers = None
    if isinstance(exc, Unauthorized):
        headers = {"WWW-Authenticate": 'Bearer realm="camvault", error="invalid_token"'}
    return JSONResponse({"code": exc.status, "message": exc.message}, status_code=exc.status, headers=headers)


def include(app: FastAPI) -> None:
    """Register the routes on the application itself under /fleet (as the other dialects do)."""
    for module in MODULES:
        for route in module.router.routes:
            app.add_api_route(PREFIX + route.path, route.endpoint, methods=sorted(route.methods),
                              name=f"fleet_{route.name}", status_code=route.status_code)
