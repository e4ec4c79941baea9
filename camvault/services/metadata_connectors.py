"""Metadata connectors (CamTrace "devices"): the Admin creates, changes and deletes them and links
them to cameras; a user sees the connectors on which they hold the "Insert metadata" or "Metadata
consult" right (admins all).

Rights: `user.may("connector", uuid, "insert" | "consult")`. Unknown connector: NotFound (also
for a uuid that is not one); a known one without any right: Forbidden. Deleting a connector
deletes its events and drops every user's rights on it. Thread-safe (stateless over the store).
"""

from __future__ import annotations

import logging
import re
import uuid as uuids
from collections.abc import Callable

from camvault.core.clock import Clock
from camvault.core.errors import BadRequest, Conflict, Forbidden, NotFound
from camvault.core.metadata import EVENT_TYPES, Connector
from camvault.core.model import User
from camvault.core.rights import require_admin
from camvault.services.users import UserService
from camvault.store.store import Store

log = logging.getLogger(__name__)

KIND = "connector"
ACTIONS = ("insert", "consult")
MAX_NAME_CHARS = 200
FIELDS = ("name", "camera_ids", "event_types", "alarm_types")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)


class ConnectorService:
    def __init__(self, store: Store, users: UserService, clock: Clock, *,
                 source_limit: Callable[[], int | None] = lambda: None) -> None:
        self._store = store
        self._users = users
        self._clock = clock
        self._source_limit = source_limit

    # --- queries --------------------------------------------------------------------------------
    def list_for(self, user: User) -> list[Connector]:
        return [c for c in self._store.metadata_connectors.list()
                if any(user.may(KIND, c.uuid, action) for action in ACTIONS)]

    def get_for(self, user: User, uuid: str) -> Connector:
        connector = self.existing(uuid)
        if not any(user.may(KIND, connector.uuid, action) for action in ACTIONS):
            raise Forbidden(f"You have no rights on the metadata connector {uuid}", key="metadata_connector_forbidden")
        return connector

    def existing(self, uuid: str) -> Connector:
        """The connector, or NotFound."""
        connector = self._store.metadata_connectors.get(uuid.lower()) if _UUID.match(uuid) else None
        if connector is None:
            raise NotFound(f"Metadata connector {uuid} not found", key="metadata_connector_not_found", uuid=uuid)
        return connector

    def count(self) -> int:
        return self._store.metadata_connectors.count()

    # --- Admin ----------------------------------------------------------------------------------
    def create(self, user: User, *, uuid: str | None = None, **fields) -> Connector:
        """A new connector (`uuid`: a v4 one is drawn when None); `fields` as in `FIELDS`."""
        require_admin(user)
        if uuid is not None and not _UUID.match(uuid):
            raise BadRequest("uuid must be a UUID (e.g. 3000efd7-62b3-4a6e-ac05-a76f0d831a56)",
                             key="metadata_invalid_uuid")
        limit = self._source_limit()
        if limit is not None and self.count() >= limit:
            raise Forbidden(f"The licence allows {limit} metadata sources", key="metadata_licence_limit", limit=limit)
        if "name" not in fields:
            raise BadRequest("A connector needs a name", key="metadata_connector_name")
        connector = _checked(Connector((uuid or str(uuids.uuid4())).lower(), ""), fields)
        if not self._saved(lambda: self._store.metadata_connectors.insert(connector, self._clock.now_ms())):
            raise Conflict(f"Metadata connector {connector.uuid} already exists", key="metadata_connector_exists",
                           uuid=connector.uuid)
        log.info("metadata connector %s (%s) created by %s", connector.uuid, connector.name, user.name)
        return connector

    def update(self, user: User, uuid: str, **fields) -> Connector:
        """Change the given fields only (`FIELDS`; None for `event_types`/`alarm_types`: all)."""
        require_admin(user)
        connector = _checked(self.existing(uuid), fields)
        if not self._saved(lambda: self._store.metadata_connectors.update(connector)):
            raise NotFound(f"Metadata connector {uuid} not found", key="metadata_connector_not_found", uuid=uuid)
        return connector

    def delete(self, user: User, uuid: str) -> None:
        require_admin(user)
        connector = self.existing(uuid)
        self._store.metadata_connectors.delete(connector.uuid)
        self._users.forget_object(KIND, connector.uuid)
        log.info("metadata connector %s (%s) deleted by %s", connector.uuid, connector.name, user.name)

    @staticmethod
    def _saved(save: Callable[[], bool]) -> bool:
        try:
            return save()
        except LookupError as exc:
            raise BadRequest(f"Unknown camera(s): {', '.join(map(str, exc.args[0]))}", key="unknown_cameras") from None


def _checked(connector: Connector, fields: dict) -> Connector:
    """`connector` with `fields` applied, each checked."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown connector fields {sorted(unknown)}")
    values = dict(connector.__dict__)
    if "name" in fields:
        name = (fields["name"] or "").strip()
        if not name or len(name) > MAX_NAME_CHARS or not name.isprintable():
            raise BadRequest(f"A connector name must have 1 to {MAX_NAME_CHARS} printable characters",
                             key="metadata_connector_name")
        values["name"] = name
    if "camera_ids" in fields:
        values["camera_ids"] = tuple(sorted(set(fields["camera_ids"] or ())))
    for name in ("event_types", "alarm_types"):
        if name in fields:
            values[name] = _types(fields[name])
    return Connector(**values)


def _types(types: list[str] | None) -> tuple[str, ...] | None:
    if types is None:
        return None
    for t in types:
        if t not in EVENT_TYPES:
            raise BadRequest(f"Unknown event type {t!r}: only the recognised types can be inserted",
                             key="metadata_unknown_type", type=str(t))
    return tuple(dict.fromkeys(types))
