"""Tasks: `GET /tasks?type=&status=` and `GET /tasks/:id` (Admin only).

Extension: `limit` (default 100, at most 1000) / `offset` paging, newest first, with `Link: rel="next"`.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from camvault.api.camtrace.auth import CamtraceUser
from camvault.api.camtrace.paging import parse_paging, set_next_link
from camvault.api.deps import ServicesDep
from camvault.core.errors import NotFound
from camvault.core.tasks import Task
from camvault.core.timefmt import format_iso_s

router = APIRouter()

SYSTEM_USER_NAME = "system"
"""`userName` of the jobs camvault starts itself (retention purges, startup repairs); their `userId` is null."""


def task_json(t: Task) -> dict:
    return {"id": t.id, "type": t.type, "status": t.status, "updated": format_iso_s(t.updated_ms),
            "progress": f"{t.progress_pct}%", "userId": t.user_id,
            "userName": t.user_name if t.user_id is not None else SYSTEM_USER_NAME}


@router.get("/tasks")
def list_tasks(request: Request, response: Response, services: ServicesDep, user: CamtraceUser) -> dict:
    q = request.query_params
    paging = parse_paging(request, default_limit=100)
    page = services.tasks.list_for(user, task_type=q.get("type") or None, status=q.get("status") or None,
                                   limit=paging.limit, offset=paging.offset)
    set_next_link(request, response, paging, page.has_more)
    return {"tasks": [task_json(t) for t in page.items]}


@router.get("/tasks/{task_id}")
def get_task(task_id: str, services: ServicesDep, user: CamtraceUser) -> dict:
    if not task_id.isdigit():
        raise NotFound(f"Task {task_id} not found", key="task_not_found", id=task_id)
    return task_json(services.tasks.get_for(user, int(task_id)))
