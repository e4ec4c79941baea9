"""`GET /getservertime` (no auth) and `GET /servers`."""

from __future__ import annotations

from fastapi import APIRouter, Request

from camvault.api.camtrace.auth import CamtraceUser
from camvault.api.deps import ServicesDep

router = APIRouter()


@router.get("/getservertime")
def get_server_time(services: ServicesDep) -> dict:
    timestamp, zone = services.system.server_time()
    return {"serverTime": {"timestamp": timestamp, "timezone": zone}}


@router.get("/servers")
def list_servers(request: Request, services: ServicesDep, _user: CamtraceUser) -> dict:
    host = request.url.hostname or "localhost"
    return {"servers": [{"id": n.id, "name": n.name, "host": n.host, "httpPort": n.http_port,
                         "livePort": n.rtsp_port, "controlPort": n.http_port, "recordsPort": n.rtsp_port}
                        for n in services.system.nodes(host)]}
