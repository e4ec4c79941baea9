"""`camvault fleet ...`: organisations, sites and site users from the command line, through the same
`FleetSites` service as `/fleet/admin/...` (acting as a built-in admin). Prints one line per item."""

from __future__ import annotations

import sys

from camvault.core.clock import SystemClock
from camvault.core.errors import DomainError
from camvault.core.model import Profile, User
from camvault.services.fleet_sites import FleetSites
from camvault.store.store import Store

CLI_ADMIN = User(0, "cli", Profile.ADMIN)


def run_fleet_command(args, config) -> int:
    store = Store(config.database_url, config.storage.data_dir)
    store.open()
    sites = FleetSites(store, SystemClock())
    try:
        _dispatch(sites, args)
    except DomainError as exc:
        print(f"camvault: {exc.message}", file=sys.stderr)
        return 1
    finally:
        store.close()
    return 0


def _dispatch(sites: FleetSites, args) -> None:
    if args.fleet_kind == "org":
        if args.action == "add":
            org = sites.add_organisation(CLI_ADMIN, args.name)
            print(f"created organisation {org.name} ({org.uuid})")
        else:
            for org in sites.organisations(CLI_ADMIN):
                print(f"{org.uuid}\t{org.name}")
    elif args.action == "add":
        site = sites.add_site(CLI_ADMIN, args.org, args.name, args.timezone, parse_hours(args.hours) or None)
        print(f"created site {site.name} ({site.uuid}) in {site.timezone}")
    elif args.action == "list":
        for site in sites.sites(CLI_ADMIN):
            hours = site.opening_hours.to_json() if site.opening_hours is not None else "default hours"
            print(f"{site.uuid}\t{site.name}\t{site.timezone}\t{hours}")
    else:
        sites.grant(CLI_ADMIN, args.user, args.site, granted=args.action == "grant")
        print(f"{args.user} {'sees' if args.action == 'grant' else 'no longer sees'} site {args.site}")


def parse_hours(items: list[str]) -> dict[str, list[str]]:
    """["monday=08:00-12:00,14:00-18:00", ...] -> {"monday": ["08:00-12:00", "14:00-18:00"]}."""
    hours: dict[str, list[str]] = {}
    for item in items:
        day, _, intervals = item.partition("=")
        hours.setdefault(day.strip().lower(), []).extend(i.strip() for i in intervals.split(",") if i.strip())
    return hours
