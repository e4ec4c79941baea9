"""The Fleet dialect's services in one bundle (`Services.fleet`), built at the assembly point:
cameras (lifecycle, queries), OAuth tokens, organisations/sites and the state-request worker."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from camvault.config import FleetConfig
from camvault.core.clock import Clock
from camvault.core.fleet import OpeningHours
from camvault.core.uploads import UploadMetrics
from camvault.services.fleet import FleetService
from camvault.services.fleet_metrics import FleetMetrics
from camvault.services.fleet_requests import FleetStateWorker
from camvault.services.fleet_sites import FleetSites
from camvault.services.fleet_tokens import FleetTokens
from camvault.services.ingest import IngestService
from camvault.services.stills import StillService
from camvault.services.users import UserService
from camvault.store.store import Store


@dataclass(frozen=True)
class FleetServices:
    cameras: FleetService
    tokens: FleetTokens
    sites: FleetSites
    worker: FleetStateWorker

    @classmethod
    def build(cls, config: FleetConfig, store: Store, ingest: IngestService, stills: StillService,
              users: UserService, clock: Clock, *,
              upload_metrics: Callable[[int], UploadMetrics] = lambda _camera_id: UploadMetrics()) -> FleetServices:
        cameras = FleetService(store, ingest, stills, FleetMetrics(store, ingest, upload_metrics), clock,
                               default_hours=OpeningHours.parse(config.opening_hours),
                               default_timezone=config.default_timezone)
        worker = FleetStateWorker(cameras, config.state_request_poll_s)
        cameras.on_request.append(worker.wake)
        return cls(cameras, FleetTokens(users, clock, store.settings.secret, ttl_s=config.token_ttl_s),
                   FleetSites(store, clock), worker)
