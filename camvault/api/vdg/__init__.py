"""VDG Sense command dialect: `/command?command=<name>&...` (see docs/ref/vdg.md).

Commands and parameter names are case-insensitive, as the VDG Sense API promises. Implemented:
`exportVideo` (POST creates, DELETE removes), `getExportVideoStatus` and `logout` (ends the API
session). Every answer is a `<result errorcode="N">` document; errors outside the document's
table (credentials, licence, malformed request) are errorcode -1 with a matching HTTP status
(401 carries a Basic challenge).
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response

from camvault.api.vdg import commands, xml
from camvault.core import vdg
from camvault.core.errors import DomainError, Unauthorized

PATH = "/command"
PREFIXES = (PATH,)
CHALLENGE = {"WWW-Authenticate": 'Basic realm="VDG Sense"'}


def shape_error(_request: Request, exc: DomainError) -> Response:
    headers = CHALLENGE if isinstance(exc, Unauthorized) else None
    return xml.result(code=vdg.GENERIC, message=exc.message, status=exc.status, headers=headers)


def include(app: FastAPI) -> None:
    for method in ("GET", "POST", "DELETE"):           # one route per method: unique OpenAPI operation ids
        app.add_api_route(PATH, commands.command, methods=[method], name=f"vdg_command_{method.lower()}")
