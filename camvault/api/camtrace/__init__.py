"""CamTrace CT-Server REST v1.2 dialect (`/api/v1.2`, groups also under `/api/v1`).

Errors are `{"error": "<message>"}` with the document's status codes; 401 carries a Basic challenge.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from camvault.api.camtrace import cameras, servers, slices
from camvault.core.errors import DomainError, Unauthorized

PREFIXES = ("/api/v1.2", "/api/v1")


def shape_error(_request: Request, exc: DomainError) -> Response:
    headers = {"WWW-Authenticate": 'Basic realm="camvault"'} if isinstance(exc, Unauthorized) else None
    return JSONResponse({"error": exc.message}, status_code=exc.status, headers=headers)


def router() -> APIRouter:
    api = APIRouter(prefix="/api/v1.2")
    for module in (servers, cameras, slices):
        api.include_router(module.router)
    return api
