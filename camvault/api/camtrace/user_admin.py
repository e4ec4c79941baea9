"""Extension (Admin): user management, which the CamTrace document does not describe.
`GET /users` lists users with their camera rights, `GET /users/:id` one user, `POST /users` creates
one (`{"user": {"name", "password", "profile", "cameras": [rights]}}`, 201 + `Location`), and
`PUT /users/:id/cameras` replaces a user's camera rights (`{"cameras": [rights]}`). A right is
`{"id": <camera id>, "playLive", "playRecords", "ptz"}`, the shape of `/users/login`'s
`permissions.cameras`. Registered after `users` so `/users/login` wins over `/users/{id}`.
Documented in docs/ref/camtrace.md."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from camvault.api.camtrace.auth import CamtraceUser
from camvault.api.camtrace.body import wrapped_body
from camvault.api.deps import Services, ServicesDep
from camvault.core.errors import BadRequest, NotFound
from camvault.core.model import CameraRight, User
from camvault.core.rights import require_admin

router = APIRouter()


class RightBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: int = Field(ge=1)
    playLive: bool = True
    playRecords: bool = True
    ptz: bool = False

    def right(self) -> CameraRight:
        return CameraRight(self.id, live=self.playLive, records=self.playRecords, ptz=self.ptz)


class UserBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    password: str
    profile: str = "consult"
    cameras: list[RightBody] = Field(default_factory=list)


class RightsBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cameras: list[RightBody]


def user_json(user: User) -> dict:
    return {"id": user.id, "name": user.name, "profile": user.profile.value, "admin": user.is_admin,
            "cameras": [{"id": r.camera_id, "playLive": r.live, "playRecords": r.records, "ptz": r.ptz}
                        for r in sorted(user.rights.values(), key=lambda r: r.camera_id)]}


def _target(services: Services, raw_id: str) -> User:
    found = services.users.get(int(raw_id)) if raw_id.isdigit() else None
    if found is None:
        raise NotFound(f"User {raw_id} not found", key="user_not_found")
    return found


def _rights(services: Services, caller: User, bodies: list[RightBody]) -> list[CameraRight]:
    """The rights, checked before anything is written (unique, existing cameras)."""
    ids = [b.id for b in bodies]
    known = {v.camera.id for v in services.cameras.list_for(caller)}
    if len(set(ids)) != len(ids) or not set(ids) <= known:
        raise BadRequest(f"Unknown camera(s): {', '.join(str(i) for i in sorted(set(ids) - known)) or 'repeated ids'}",
                         key="unknown_cameras")
    return [b.right() for b in bodies]


@router.get("/users")
def list_users(services: ServicesDep, user: CamtraceUser) -> dict:
    require_admin(user)
    return {"users": [user_json(u) for u in services.users.list()]}


@router.get("/users/{user_id}")
def get_user(user_id: str, services: ServicesDep, user: CamtraceUser) -> dict:
    require_admin(user)
    return user_json(_target(services, user_id))


@router.post("/users", status_code=201)
async def create_user(request: Request, response: Response, services: ServicesDep, user: CamtraceUser) -> dict:
    require_admin(user)
    body = await wrapped_body(request, "user", UserBody)
    rights = _rights(services, user, body.cameras)
    created = services.users.create(body.name, body.password, body.profile)
    if rights:
        created = services.users.set_rights(created.name, rights)
    response.headers["Location"] = f"/api/v1.2/users/{created.id}"
    return user_json(created)


@router.put("/users/{user_id}/cameras")
async def set_camera_rights(user_id: str, request: Request, services: ServicesDep, user: CamtraceUser) -> dict:
    require_admin(user)
    target = _target(services, user_id)
    body = await wrapped_body(request, "rights", RightsBody)
    return user_json(services.users.set_rights(target.name, _rights(services, user, body.cameras)))
