"""Bandit camera media sessions dialect, version 2: `/api/version` and `/api/2/...` over every
camera the user may see, `/bandit/<camera id>/api/...` over one camera (see docs/ref/bandit.md).

Errors are `{"error": "<message>"}` with the document's status codes; 401 carries a Basic
challenge. Unknown endpoints under these prefixes are 404 in the same shape. Every route also
answers with a trailing slash (the Android SDK deletes `/2/videos/{id}/`).
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from camvault.api.bandit import media
from camvault.core.errors import DomainError, NotFound, Unauthorized

MOUNTS = ("/api", "/bandit/{camera_id}/api")
PREFIXES = ("/api/2", "/api/version", "/bandit/")
"""Paths whose errors have the Bandit shape (CamTrace owns `/api/v1` and `/api/v1.2`)."""
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def shape_error(_request: Request, exc: DomainError) -> Response:
    headers = {"WWW-Authenticate": 'Basic realm="camvault"'} if isinstance(exc, Unauthorized) else None
    return JSONResponse({"error": exc.message}, status_code=exc.status, headers=headers)


def unknown_endpoint(request: Request) -> Response:
    raise NotFound(f"No such endpoint: {request.method} {request.url.path}", key="unknown_endpoint")


def include(app: FastAPI) -> None:
    """Register every route under both mounts, with and without a trailing slash, then the
    catch-alls that make any other path under the prefixes a Bandit 404. (Registered on the app
    itself, as the CamTrace adapters are: included routers cost per request in FastAPI 0.16x.)"""
    for mount in MOUNTS:
        for route in media.router.routes:
            for path in (mount + route.path, mount + route.path + "/"):
                for method in sorted(route.methods):       # one method a route: unique OpenAPI operation ids
                    app.add_api_route(path, route.endpoint, methods=[method], name=route.name,
                                      status_code=route.status_code,
                                      include_in_schema=method != "HEAD" and not path.endswith("/"))
    for path in ("/api/2", "/api/2/{rest:path}", "/bandit/{rest:path}"):
        app.add_api_route(path, unknown_endpoint, methods=ALL_METHODS, include_in_schema=False)
