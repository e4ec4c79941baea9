"""Users: `GET /users/:name/auth` (no auth; a decoy salt for unknown names), `GET /users/login`
(the caller's identity, services and permissions; logged as a login), `GET /openheadband`, and
the user-action log `GET /users/actions`, `GET /users/:id/actions` (Admin)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from camvault.api.camtrace.auth import CamtraceUser, client_ip
from camvault.api.camtrace.paging import paging_json, parse_paging
from camvault.api.camtrace.query import optional_date
from camvault.api.deps import ServicesDep
from camvault.core.errors import NotFound
from camvault.core.rights import can_play_live, can_play_records, can_ptz
from camvault.core.timefmt import format_iso_s

router = APIRouter()


@router.get("/users/{name}/auth")
def auth_methods(name: str, services: ServicesDep) -> dict:
    return {"auth": [{"type": "wsse", "salt": services.users.bcrypt_salt(name)}, {"type": "wsse"},
                     {"type": "basic"}]}


@router.get("/users/login")
def login(request: Request, services: ServicesDep, user: CamtraceUser) -> dict:
    services.audit.login(user, client_ip(request))
    host = request.url.hostname or "localhost"
    rtsp = services.system.nodes(host)[0]
    base = f"rtsp://{rtsp.host}:{rtsp.rtsp_port}"
    cameras = [v.camera.id for v in services.cameras.list_for(user)]
    return {
        "user": {"id": user.id, "name": user.name, "profile": user.profile.value},
        "services": {
            "live": {"http": "/live/view/{streamId}", "rtsp": base + "/live/view/{streamId}"},
            "delayed": {"rtsp": base + "/live/delayed/{streamId}"},
            "alarm": {"rtsp": base + "/live/alarm/{streamId}"},
            "replay": {"http": "/r?id={cameraId}", "rtsp": base + "/replay/view/{streamId}"},
            "mosaic": {"http": "/m?ids={cameraIds}&compr={compression}"},
        },
        "permissions": {
            "profile": user.profile.value,
            "admin": user.is_admin,
            "cameras": [{"id": c, "playLive": can_play_live(user, c), "playRecords": can_play_records(user, c),
                         "ptz": can_ptz(user, c)} for c in cameras],
        },
    }


@router.get("/openheadband")
def open_headband(request: Request, services: ServicesDep, user: CamtraceUser) -> RedirectResponse:
    """Credentials come in the URL (see the document); the banner is camvault's web interface."""
    services.audit.login(user, client_ip(request))
    return RedirectResponse("/", status_code=302)


def _actions(request: Request, services, user, user_id: int | None) -> dict:
    paging = parse_paging(request)
    total, items = services.audit.actions(user, user_id=user_id, from_ms=optional_date(request, "from"),
                                          to_ms=optional_date(request, "to"), limit=paging.limit,
                                          offset=paging.offset)
    return {"actions": [{"id": a.id, "userId": a.user_id, "userName": a.user_name, "dateTime": format_iso_s(a.at_ms),
                         "ipAddress": a.ip, "action": a.action, "description": a.description} for a in items],
            "paging": paging_json(total, paging, len(items))}


@router.get("/users/actions")
def all_actions(request: Request, services: ServicesDep, user: CamtraceUser) -> dict:
    return _actions(request, services, user, None)


@router.get("/users/{user_id}/actions")
def user_actions(user_id: str, request: Request, services: ServicesDep, user: CamtraceUser) -> dict:
    if not user_id.isdigit():
        raise NotFound(f"User {user_id} not found", key="user_not_found")
    return _actions(request, services, user, int(user_id))
