"""Fleet administration: organisations, sites (time zone, opening hours) and which users see which
site; shared by the `/fleet/admin/...` endpoints (admin profile) and the `camvault fleet` CLI.
Each user also has a fleet id (`user_uuid`): a UUID derived from its camvault id, as the Fleet
document names users by UUID. Thread-safe (no mutable state).
"""

from __future__ import annotations

import uuid

from camvault.core.clock import Clock
from camvault.core.errors import BadRequest, Conflict, NotFound
from camvault.core.fleet import OpeningHours, Organisation, Site, zone
from camvault.core.model import User
from camvault.core.rights import require_admin
from camvault.store.store import Store

USER_NAMESPACE = uuid.UUID("0b6f1f3e-54a1-4b8e-9a51-7d1e8a9b2c40")


def user_uuid(user_id: int) -> str:
    """The stable fleet id of a camvault user."""
    return str(uuid.uuid5(USER_NAMESPACE, f"user-{user_id}"))


class FleetSites:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def add_organisation(self, admin: User, name: str) -> Organisation:
        require_admin(admin)
        name = _name(name, "An organisation")
        org = Organisation(str(uuid.uuid4()), name)
        if not self._store.fleet.add_organisation(org, self._clock.now_ms()):
            raise Conflict(f"Organisation {name!r} already exists", key="fleet_org_exists")
        return org

    def organisations(self, admin: User) -> list[Organisation]:
        require_admin(admin)
        return self._store.fleet.organisations()

    def add_site(self, admin: User, organisation: str, name: str, timezone: str,
                 opening_hours: dict | None = None) -> Site:
        """A site of the organisation (its uuid or name); opening hours None: the config default."""
        require_admin(admin)
        org = self._store.fleet.organisation(organisation or "")
        if org is None:
            raise NotFound(f"No organisation {organisation!r}", key="fleet_org_not_found")
        zone(timezone)
        hours = None if opening_hours is None else OpeningHours.parse(opening_hours)
        site = Site(str(uuid.uuid4()), org.uuid, _name(name, "A site"), timezone, hours)
        self._store.fleet.add_site(site, self._clock.now_ms())
        return site

    def update_site(self, admin: User, key: str, *, name: str | None = None, timezone: str | None = None,
                    opening_hours: dict | None = None, default_hours: bool = False) -> Site:
        """Change what is given; `default_hours` goes back to the config's opening hours."""
        require_admin(admin)
        site = self.site(key)
        if timezone is not None:
            zone(timezone)
        hours = None if default_hours else (OpeningHours.parse(opening_hours) if opening_hours is not None
                                             else site.opening_hours)
        site = Site(site.uuid, site.organisation_uuid, _name(name, "A site") if name is not None else site.name,
                    timezone or site.timezone, hours)
        self._store.fleet.update_site(site)
        return site

    def sites(self, admin: User, organisation: str | None = None) -> list[Site]:
        require_admin(admin)
        org = None
        if organisation:
            org = self._store.fleet.organisation(organisation)
            if org is None:
                raise NotFound(f"No organisation {organisation!r}", key="fleet_org_not_found")
        return self._store.fleet.sites(org.uuid if org else None)

    def site(self, key: str) -> Site:
        site = self._store.fleet.site(key or "")
        if site is None:
            raise NotFound(f"No site {key!r}", key="fleet_site_not_found")
        return site

    def grant(self, admin: User, user_name: str, site_key: str, *, granted: bool = True) -> None:
        """Let the user see the site's cameras (or no longer, with granted=False)."""
        require_admin(admin)
        site = self.site(site_key)
        user = self._store.users.get_by_name(user_name)
        if user is None:
            raise NotFound(f"No user {user_name!r}", key="fleet_user_not_found")
        if granted:
            self._store.fleet.grant(site.uuid, user.id)
        else:
            self._store.fleet.revoke(site.uuid, user.id)

    def users(self, admin: User) -> list[tuple[User, str, list[str]]]:
        """(user, fleet id, uuids of the sites it sees) for every user."""
        require_admin(admin)
        return [(u, user_uuid(u.id), sorted(self._store.fleet.user_sites(u.id))) for u in self._store.users.list()]


def _name(name: str | None, what: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise BadRequest(f"{what} needs a name of 1 to 200 characters", key="fleet_bad_name")
    return name
