"""The `camvault` command: `run` (the server), `users add|list|grant`."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from logging.handlers import RotatingFileHandler

from camvault.config import ConfigError, load_config
from camvault.core.errors import DomainError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="camvault", description="camvault video management system")
    parser.add_argument("--config", help="YAML config file (default: $CAMVAULT_CONFIG, else the demo)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="start the server")
    users = sub.add_parser("users", help="manage users").add_subparsers(dest="action", required=True)
    add = users.add_parser("add", help="create a user")
    add.add_argument("name")
    add.add_argument("--password", required=True)
    add.add_argument("--profile", default="consult", choices=["admin", "protection", "monitor", "consult"])
    add.add_argument("--cameras", default="", help="ids of the cameras the user may see, e.g. 1,2")
    users.add_parser("list", help="list users")
    grant = users.add_parser("grant", help="set a user's rights on a mosaic, map or metadata connector")
    grant.add_argument("name")
    grant.add_argument("kind", choices=["mosaic", "map", "connector"])
    grant.add_argument("key", help="the object's id (mosaic) or uuid (map, connector)")
    grant.add_argument("actions", help="comma-separated: view,edit (mosaic, map) or insert,consult "
                                       "(connector); empty removes the right")
    _fleet_parser(sub)
    args = parser.parse_args(argv)
    try:
        config, is_demo = load_config(args.config)
    except ConfigError as exc:
        print(f"camvault: {exc}", file=sys.stderr)
        return 2
    if args.command == "run":
        return _run(config, is_demo)
    if args.command == "fleet":
        from camvault.services.fleet_cli import run_fleet_command
        return run_fleet_command(args, config)
    return _users(args, config)


def _fleet_parser(sub) -> None:
    fleet = sub.add_parser("fleet", help="fleet organisations, sites and site users").add_subparsers(
        dest="fleet_kind", required=True)
    org = fleet.add_parser("org", help="organisations").add_subparsers(dest="action", required=True)
    org.add_parser("add", help="create an organisation").add_argument("name")
    org.add_parser("list", help="list organisations")
    site = fleet.add_parser("site", help="sites").add_subparsers(dest="action", required=True)
    add = site.add_parser("add", help="create a site")
    add.add_argument("org", help="the organisation's name or id")
    add.add_argument("name")
    add.add_argument("--timezone", default="UTC", help="IANA time zone, e.g. Europe/Paris")
    add.add_argument("--hours", action="append", default=[], metavar="DAY=HH:MM-HH:MM[,...]",
                     help="opening hours of a weekday, e.g. monday=08:00-12:00,14:00-18:00 (repeatable)")
    site.add_parser("list", help="list sites")
    for verb in ("grant", "revoke"):
        grant = site.add_parser(verb, help=f"{verb} a user the view of a site's cameras")
        grant.add_argument("user")
        grant.add_argument("site", help="the site's name or id")


def _setup_logging(data_dir) -> None:
    (data_dir / "logs").mkdir(parents=True, exist_ok=True)
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    handlers = [logging.StreamHandler(), RotatingFileHandler(data_dir / "logs" / "camvault.log",
                                                             maxBytes=20_000_000, backupCount=5)]
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    for handler in handlers:
        handler.setFormatter(fmt)
        root.addHandler(handler)


STOP_GRACE_S = 3
"""On SIGTERM, requests still running after this many seconds are cancelled (then the node stops)."""


def _run(config, is_demo: bool) -> int:
    import uvicorn

    from camvault.api.http import build_http_app
    from camvault.app import Camvault

    _setup_logging(config.storage.data_dir)
    node = Camvault(config, is_demo=is_demo, admin_password=os.environ.get("CAMVAULT_ADMIN_PASSWORD") or None)
    app = build_http_app(node, announce=lambda msg: print(msg, flush=True))
    if is_demo:
        print(f"camvault: demo mode, 4 synthetic cameras; API on http://localhost:{config.server.http_port}/api/v1.2",
              flush=True)
    # Endless answers (MJPEG views) would hold a graceful stop forever: after this long they are cancelled.
    uvicorn.run(app, host=config.server.http_host, port=config.server.http_port, log_level="warning",
                timeout_graceful_shutdown=STOP_GRACE_S)
    return 0


def _users(args, config) -> int:
    from camvault.core.clock import SystemClock
    from camvault.services.users import UserService
    from camvault.store.store import Store

    store = Store(config.database_url, config.storage.data_dir)
    store.open()
    service = UserService(store.users, SystemClock())
    try:
        if args.action == "add":
            cameras = [int(c) for c in args.cameras.split(",") if c.strip()]
            user = service.create(args.name, args.password, args.profile, cameras)
            cams = "all" if user.is_admin else ",".join(map(str, sorted(user.rights))) or "none"
            print(f"created user {user.name} ({user.profile.value}), cameras: {cams}")
        elif args.action == "grant":
            actions = {a.strip() for a in args.actions.split(",") if a.strip()}
            service.grant_object(args.name, args.kind, args.key, actions)
            print(f"{args.name} on {args.kind} {args.key}: {','.join(sorted(actions)) or 'no right'}")
        else:
            for user in service.list():
                cams = "all" if user.is_admin else ",".join(map(str, sorted(user.rights))) or "-"
                print(f"{user.id}\t{user.name}\t{user.profile.value}\tcameras: {cams}")
    except DomainError as exc:
        print(f"camvault: {exc.message}", file=sys.stderr)
        return 1
    except ValueError:
        print("camvault: --cameras takes camera ids separated by commas", file=sys.stderr)
        return 2
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
