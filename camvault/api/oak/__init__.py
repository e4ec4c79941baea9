"""OAK-style camera streams dialect (`/oak`): the `/cameras/...` paths of oak-streams-openapi.yml
over camvault's cameras (see docs/ref/oak.md).

Errors are FastAPI's `{"detail": ...}`: a message for 401/403/404 (401 with a Basic challenge),
the OpenAPI's HTTPValidationError list (`[{"loc", "msg", "type"}]`) for every 422, whether raised
by request validation or by a service.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from camvault.api.oak import cameras, streams
from camvault.core.errors import DomainError, Unauthorized, Unprocessable

PREFIX = "/oak"
PREFIXES = (PREFIX + "/",)
MODULES = (cameras, streams)


def shape_error(_request: Request, exc: DomainError) -> Response:
    headers = {"WWW-Authenticate": 'Basic realm="camvault"'} if isinstance(exc, Unauthorized) else None
    if isinstance(exc, Unprocessable):
        loc = list(exc.params.get("loc", ("body",)))
        detail: object = [{"loc": loc, "msg": exc.message, "type": "value_error"}]
    else:
        detail = exc.message
    return JSONResponse({"detail": detail}, status_code=exc.status, headers=headers)


def include(app: FastAPI) -> None:
    """Register the routes on the application itself under /oak (as the CamTrace adapters are:
    FastAPI rebuilds an included router's route state on every request), then for each path one
    route taking every other method, answering 405 with the path's complete `Allow` header
    (Starlette's own 405 names only the methods of the first route of the path)."""
    allowed: dict[str, set[str]] = {}
    for module in MODULES:
        for route in module.router.routes:
            path = PREFIX + route.path
            app.add_api_route(path, route.endpoint, methods=sorted(route.methods), name=f"oak_{route.name}",
                              status_code=route.status_code)
            allowed.setdefault(path, set()).update(route.methods)
    for path, methods in allowed.items():
        app.add_api_route(path, _method_not_allowed(methods), methods=sorted(set(HTTP_METHODS) - methods),
                          include_in_schema=False, name="oak_method_not_allowed")


HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE")


def _method_not_allowed(methods: set[str]):
    allow = ", ".join(sorted(methods))

    def method_not_allowed() -> Response:
        return JSONResponse({"detail": "Method Not Allowed"}, status_code=405, headers={"Allow": allow})
    return method_not_allowed
