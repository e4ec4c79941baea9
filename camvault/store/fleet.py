"""Fleet tables (0018): organisations, sites, site users, fleet camera rows and the queue of
put-camera-state requests. Every method is one short transaction; rows go with their camera,
site or user (foreign keys cascade; a camera's site becomes NULL when its site is deleted).
Times are epoch ms UTC.
"""

from __future__ import annotations

import json

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from camvault.core.fleet import (
    FleetCamera,
    OpeningHours,
    Organisation,
    Site,
    StateRequest,
)
from camvault.store.tables import (
    fleet_cameras,
    fleet_organisations,
    fleet_site_users,
    fleet_sites,
    fleet_state_requests,
)

CAMERA_FIELDS = ("state", "site_uuid", "position_uuid", "name", "direction1_alias", "direction2_alias",
                 "claimed_ms")


class FleetRepo:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    # --- organisations and sites ----------------------------------------------------------------
    def add_organisation(self, org: Organisation, now_ms: int) -> bool:
        """False when an organisation of that name exists."""
        return self._insert(fleet_organisations, uuid=org.uuid, name=org.name, created_ms=now_ms)

    def organisations(self) -> list[Organisation]:
        with self._engine.connect() as conn:
            rows = conn.execute(select(fleet_organisations).order_by(fleet_organisations.c.name)).all()
        return [Organisation(r.uuid, r.name) for r in rows]

    def organisation(self, key: str) -> Organisation | None:
        """By uuid or by name."""
        t = fleet_organisations
        with self._engine.connect() as conn:
            row = conn.execute(select(t).where((t.c.uuid == key) | (t.c.name == key))).first()
        return Organisation(row.uuid, row.name) if row else None

    def add_site(self, site: Site, now_ms: int) -> None:
        self._insert(fleet_sites, uuid=site.uuid, organisation_uuid=site.organisation_uuid, name=site.name,
                     timezone=site.timezone, opening_hours_json=_hours_json(site.opening_hours), created_ms=now_ms)

    def update_site(self, site: Site) -> None:
        with self._engine.begin() as conn:
            conn.execute(update(fleet_sites).where(fleet_sites.c.uuid == site.uuid).values(
                name=site.name, timezone=site.timezone, opening_hours_json=_hours_json(site.opening_hours)))

    def sites(self, organisation_uuid: str | None = None) -> list[Site]:
        query = select(fleet_sites).order_by(fleet_sites.c.name, fleet_sites.c.uuid)
        if organisation_uuid is not None:
            query = query.where(fleet_sites.c.organisation_uuid == organisation_uuid)
        with self._engine.connect() as conn:
            return [_site(r) for r in conn.execute(query).all()]

    def site(self, key: str) -> Site | None:
        """By uuid, or by name when one site has it."""
        t = fleet_sites
        with self._engine.connect() as conn:
            rows = conn.execute(select(t).where((t.c.uuid == key) | (t.c.name == key)).limit(2)).all()
        exact = [r for r in rows if r.uuid == key]
        return _site(exact[0]) if exact else (_site(rows[0]) if len(rows) == 1 else None)

    def grant(self, site_uuid: str, user_id: int) -> None:
        self._insert(fleet_site_users, site_uuid=site_uuid, user_id=user_id)

    def revoke(self, site_uuid: str, user_id: int) -> None:
        with self._engine.begin() as conn:
            conn.execute(delete(fleet_site_users).where(fleet_site_users.c.site_uuid == site_uuid,
                                                        fleet_site_users.c.user_id == user_id))

    def user_sites(self, user_id: int) -> set[str]:
        t = fleet_site_users
        with self._engine.connect() as conn:
            return set(conn.execute(select(t.c.site_uuid).where(t.c.user_id == user_id)).scalars())

    def site_users(self, site_uuid: str) -> list[int]:
        t = fleet_site_users
        with self._engine.connect() as conn:
            return sorted(conn.execute(select(t.c.user_id).where(t.c.site_uuid == site_uuid)).scalars())

    # --- cameras --------------------------------------------------------------------------------
    def camera(self, camera_id: int) -> FleetCamera | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(fleet_cameras).where(fleet_cameras.c.camera_id == camera_id)).first()
        return _camera(row) if row else None

    def cameras(self, *, states: list[str] | None = None, site_uuids: set[str] | None = None) -> list[FleetCamera]:
        """Fleet cameras in these states and on these sites (None: no restriction), by camera id."""
        t = fleet_cameras
        query = select(t).order_by(t.c.camera_id)
        if states is not None:
            query = query.where(t.c.state.in_(states))
        if site_uuids is not None:
            query = query.where(t.c.site_uuid.in_(sorted(site_uuids)))
        with self._engine.connect() as conn:
            return [_camera(r) for r in conn.execute(query).all()]

    def paused_ids(self) -> set[int]:
        t = fleet_cameras
        with self._engine.connect() as conn:
            return set(conn.execute(select(t.c.camera_id).where(t.c.state == "paused")).scalars())

    def put_camera(self, camera: FleetCamera, now_ms: int) -> None:
        """Insert or replace the camera's fleet row."""
        values = {f: getattr(camera, f) for f in CAMERA_FIELDS}
        with self._engine.begin() as conn:
            done = conn.execute(update(fleet_cameras).where(fleet_cameras.c.camera_id == camera.camera_id)
                                .values(updated_ms=now_ms, **values)).rowcount
            if not done:
                conn.execute(insert(fleet_cameras).values(camera_id=camera.camera_id, registered_ms=now_ms,
                                                          updated_ms=now_ms, **values))

    # --- state requests -------------------------------------------------------------------------
    def add_request(self, request: StateRequest) -> None:
        self._insert(fleet_state_requests, uuid=request.uuid, camera_id=request.camera_id,
                     new_state=request.new_state, status=request.status, message=request.message,
                     created_ms=request.created_ms, done_ms=request.done_ms)

    def request(self, uuid: str) -> StateRequest | None:
        t = fleet_state_requests
        with self._engine.connect() as conn:
            row = conn.execute(select(t).where(t.c.uuid == uuid)).first()
        return _request(row) if row else None

    def pending_requests(self, limit: int = 100) -> list[StateRequest]:
        """Queued requests, oldest first."""
        t = fleet_state_requests
        with self._engine.connect() as conn:
            rows = conn.execute(select(t).where(t.c.status == "created")
                                .order_by(t.c.created_ms, t.c.uuid).limit(limit)).all()
        return [_request(r) for r in rows]

    def finish_request(self, uuid: str, status: str, message: str, done_ms: int) -> None:
        t = fleet_state_requests
        with self._engine.begin() as conn:
            conn.execute(update(t).where(t.c.uuid == uuid).values(status=status, message=message, done_ms=done_ms))

    def _insert(self, table, **values) -> bool:
        try:
            with self._engine.begin() as conn:
                conn.execute(insert(table).values(**values))
        except IntegrityError:
            return False
        return True


def _hours_json(hours: OpeningHours | None) -> str | None:
    return None if hours is None else json.dumps(hours.to_json())


def _site(row) -> Site:
    hours = None if row.opening_hours_json is None else OpeningHours.parse(json.loads(row.opening_hours_json))
    return Site(row.uuid, row.organisation_uuid, row.name, row.timezone, hours)


def _camera(row) -> FleetCamera:
    return FleetCamera(row.camera_id, row.state, row.site_uuid, row.position_uuid, row.name, row.direction1_alias,
                       row.direction2_alias, row.registered_ms, row.claimed_ms)


def _request(row) -> StateRequest:
    return StateRequest(row.uuid, row.camera_id, row.new_state, row.status, row.message, row.created_ms, row.done_ms)
