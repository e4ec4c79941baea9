"""Metadata events: a connector inserts recognised events ("Insert metadata" right), a user with the
"Metadata consult" right reads the connector's search criteria and searches its events.

Effects of an inserted event, after it is stored:
- an alarm on each camera linked to the connector, when the connector's `alarm_types` hold the
  event's type and the event does not report the end of a condition (`state: false`). It is an
  external trigger (AlarmService.trigger, as a system admin) labelled with the event's label; it
  ends like any trigger (untrigger, or `recording.alarm_max_s`). A failure is logged, the insertion
  stands.
- an `Event(METADATA, time_ms, camera_ids, type=<event type>, data={**params, "eventId",
  "connectorUuid"})` on the event bus (scenarios react to it).

Thread-safe (stateless over the store). Times: event µs / ms epoch UTC.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from camvault.core.clock import Clock
from camvault.core.errors import Conflict, DomainError, Forbidden
from camvault.core.metadata import Connector, MetadataEvent
from camvault.core.metadata_events import parse_event
from camvault.core.metadata_search import Criterion, criteria_for, parse_criteria
from camvault.core.model import Profile, User
from camvault.services.alarms import AlarmService
from camvault.services.events import METADATA, Event, EventBus
from camvault.services.metadata_connectors import KIND, ConnectorService
from camvault.store.store import Store

log = logging.getLogger(__name__)

SYSTEM_USER = User(0, "metadata", Profile.ADMIN)
"""Who raises the alarms of metadata events."""
MAX_ALARM_LABEL_CHARS = 64


@dataclass(frozen=True)
class EventPage:
    items: list[MetadataEvent]
    has_more: bool


class MetadataService:
    def __init__(self, store: Store, connectors: ConnectorService, alarms: AlarmService, events: EventBus,
                 clock: Clock) -> None:
        self._store = store
        self.connectors = connectors
        self._alarms = alarms
        self._events = events
        self._clock = clock

    def insert(self, user: User, uuid: str, payload: dict) -> MetadataEvent:
        """Check, store and act on one event (`payload`: the event's attributes)."""
        connector = self._allowed(user, uuid, "insert")
        now_ms = self._clock.now_ms()
        event = parse_event(payload, connector, now_us=now_ms * 1000)
        if not self._store.metadata_events.insert(event, now_ms):
            raise Conflict(f"An event with eventId {event.event_id} already exists", key="metadata_duplicate_event",
                           id=event.event_id)
        if connector.camera_ids and connector.raises_alarm(event):
            self._raise_alarm(connector, event)
        self._events.publish(Event(METADATA, event.time_ms, connector.camera_ids, event.type,
                                   {**event.params, "eventId": event.event_id, "connectorUuid": connector.uuid}))
        return event

    def criteria(self, user: User, uuid: str) -> list[Criterion]:
        return criteria_for(self._allowed(user, uuid, "consult"))

    def search(self, user: User, uuid: str, raw_criteria: object, *, limit: int, offset: int) -> EventPage:
        """One page (oldest first) of the connector's events matching every criterion."""
        connector = self._allowed(user, uuid, "consult")
        conditions = parse_criteria(raw_criteria, criteria_for(connector))
        found = self._store.metadata_events.search(connector.uuid, conditions, limit=limit + 1, offset=offset)
        return EventPage(found[:limit], has_more=len(found) > limit)

    def _allowed(self, user: User, uuid: str, action: str) -> Connector:
        connector = self.connectors.existing(uuid)
        if not user.may(KIND, connector.uuid, action):
            if action == "insert":
                raise Forbidden("Inserting events requires the Insert metadata right on this connector",
                                key="metadata_insert_forbidden")
            raise Forbidden("This requires the Metadata consult right on this connector",
                            key="metadata_consult_forbidden")
        return connector

    def _raise_alarm(self, connector: Connector, event: MetadataEvent) -> None:
        label = "".join(ch if ch.isprintable() else " " for ch in event.label)[:MAX_ALARM_LABEL_CHARS].strip()
        try:
            self._alarms.trigger(SYSTEM_USER, list(connector.camera_ids), label or event.type)
        except DomainError as exc:
            log.error("metadata event %s of connector %s: no alarm raised: %s", event.event_id, connector.uuid,
                      exc.message)
