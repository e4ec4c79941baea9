"""`/command`: authenticate (HTTP Basic, camvault users), require the `api` licence module, then
dispatch on `command` (case-insensitive) to the VDG export service, on a worker thread.

The API session is the user's: one per user name, ended by `command=logout` or by
`vdg.session_idle_s` without a request. The `exportVideo` XML is the request body, or, when the
body is empty, the URL-encoded `value` query parameter (`xml` is accepted too).
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from camvault.api.auth import BasicAuth, authenticate
from camvault.api.deps import get_services
from camvault.api.vdg import xml
from camvault.core import vdg
from camvault.core.model import User
from camvault.core.vdg import VdgError, parse_export

SCHEMES = (BasicAuth(),)
XML_QUERY_PARAMS = ("value", "xml")


async def command(request: Request) -> Response:
    services = get_services(request)
    query = {k.lower(): v for k, v in request.query_params.items()}
    try:
        user = await run_in_threadpool(authenticate, request, services.users, SCHEMES)
        services.vdg.check_licence()
        name = query.get("command", "").lower()
        handler = HANDLERS.get(name)
        if handler is None:
            raise VdgError(vdg.GENERIC, f"Unknown command {query.get('command', '')!r}", http_status=400)
        return await handler(request, services, user, query)
    except VdgError as exc:
        return xml.error(exc)


def session_of(user: User) -> str:
    return user.name


async def export_video(request: Request, services, user: User, query: dict[str, str]) -> Response:
    if request.method == "DELETE":
        export_id = _export_id(query)
        await run_in_threadpool(services.vdg.delete, user, session_of(user), export_id)
        return xml.result()
    if request.method != "POST":
        raise VdgError(vdg.GENERIC, "exportVideo needs POST (create) or DELETE (remove)", http_status=405)
    body = await _body(request)
    if not body.strip():
        body = next((query[p] for p in XML_QUERY_PARAMS if query.get(p)), "").encode()
    spec = parse_export(body)
    export_id = await run_in_threadpool(services.vdg.create, user, session_of(user), spec)
    return xml.result(xml.export_created(export_id))


async def export_status(_request: Request, services, user: User, query: dict[str, str]) -> Response:
    export_id = _export_id(query) if "exportid" in query else None
    found = await run_in_threadpool(services.vdg.status, session_of(user), export_id)
    return xml.result(xml.export_statuses(found))


async def logout(_request: Request, services, user: User, _query: dict[str, str]) -> Response:
    services.vdg.sessions.end(session_of(user))
    return xml.result()


HANDLERS = {"exportvideo": export_video, "getexportvideostatus": export_status, "logout": logout}


def _export_id(query: dict[str, str]) -> int | None:
    raw = query.get("exportid", "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        raise VdgError(vdg.GENERIC, f"Invalid exportid {raw!r}: a positive integer", http_status=400)
    return int(raw)


async def _body(request: Request) -> bytes:
    """The body, refused (413) past MAX_BODY_BYTES without reading further."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > vdg.MAX_BODY_BYTES:
        raise VdgError(vdg.GENERIC, f"The XML request is larger than {vdg.MAX_BODY_BYTES} bytes", http_status=413)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > vdg.MAX_BODY_BYTES:
            raise VdgError(vdg.GENERIC, f"The XML request is larger than {vdg.MAX_BODY_BYTES} bytes",
                           http_status=413)
        chunks.append(chunk)
    return b"".join(chunks)
