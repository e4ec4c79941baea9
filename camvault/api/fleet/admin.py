"""`/fleet/admin/...` extensions (not in the Fleet document; admin profile and `fleet:admin` scope):
organisations, sites with time zone and opening hours, and which users see which site."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from camvault.api.deps import ServicesDep
from camvault.api.fleet.auth import Body, FleetAdmin, text
from camvault.core.errors import BadRequest
from camvault.core.fleet import Organisation, Site

router = APIRouter()


@router.post("/admin/organisations", status_code=201)
def add_organisation(user: FleetAdmin, services: ServicesDep, body: Body) -> dict:
    return org_json(services.fleet.sites.add_organisation(user, text(body, "name")))


@router.get("/admin/organisations")
def organisations(user: FleetAdmin, services: ServicesDep) -> list[dict]:
    return [org_json(o) for o in services.fleet.sites.organisations(user)]


@router.post("/admin/sites", status_code=201)
def add_site(user: FleetAdmin, services: ServicesDep, body: Body) -> dict:
    site = services.fleet.sites.add_site(user, text(body, "organisationId"), text(body, "name"),
                                         text(body, "timeZone", required=False) or "UTC", _hours(body))
    return site_json(site)


@router.get("/admin/sites")
def sites(user: FleetAdmin, services: ServicesDep, request: Request) -> list[dict]:
    return [site_json(s) for s in services.fleet.sites.sites(user, request.query_params.get("organisationId"))]


@router.patch("/admin/sites/{site_id}")
def update_site(site_id: str, user: FleetAdmin, services: ServicesDep, body: Body) -> dict:
    site = services.fleet.sites.update_site(
        user, site_id, name=text(body, "name", required=False), timezone=text(body, "timeZone", required=False),
        opening_hours=_hours(body), default_hours="openingHours" in body and body["openingHours"] is None)
    return site_json(site)


@router.put("/admin/sites/{site_id}/users/{user_name}", status_code=204)
def grant(site_id: str, user_name: str, user: FleetAdmin, services: ServicesDep) -> Response:
    services.fleet.sites.grant(user, user_name, site_id)
    return Response(status_code=204)


@router.delete("/admin/sites/{site_id}/users/{user_name}", status_code=204)
def revoke(site_id: str, user_name: str, user: FleetAdmin, services: ServicesDep) -> Response:
    services.fleet.sites.grant(user, user_name, site_id, granted=False)
    return Response(status_code=204)


@router.get("/admin/devices")
def devices(user: FleetAdmin, services: ServicesDep) -> list[dict]:
    return [{"id": camera.uuid, "camvaultId": camera.id, "name": camera.name, "serialNumber": camera.serial_number,
             "state": row.state if row else None} for camera, row in services.fleet.cameras.devices(user)]


@router.get("/admin/users")
def users(user: FleetAdmin, services: ServicesDep) -> list[dict]:
    return [{"id": fleet_id, "name": u.name, "profile": u.profile.value, "siteIds": site_ids}
            for u, fleet_id, site_ids in services.fleet.sites.users(user)]


def _hours(body: dict) -> dict | None:
    hours = body.get("openingHours")
    if hours is not None and not isinstance(hours, dict):
        raise BadRequest("openingHours must be an object: weekday -> [\"HH:MM-HH:MM\", ...]", key="fleet_bad_hours")
    return hours


def org_json(org: Organisation) -> dict:
    return {"id": org.uuid, "name": org.name}


def site_json(site: Site) -> dict:
    return {"id": site.uuid, "organisationId": site.organisation_uuid, "name": site.name, "timeZone": site.timezone,
            "openingHours": site.opening_hours.to_json() if site.opening_hours is not None else None}
