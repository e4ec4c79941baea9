"""Fleet repository on a real database (SQLite and PostgreSQL): organisations, sites, grants,
camera rows and the state-request queue, with their cascades."""

from __future__ import annotations


from camvault.core.fleet import (
    FleetCamera,
    OpeningHours,
    Organisation,
    Site,
    StateRequest,
)
from camvault.core.model import Camera, Profile
from camvault.store.store import Store


def _camera(store: Store, cam_id: int) -> None:
    store.cameras.upsert(Camera(id=cam_id, name=f"Cam {cam_id}", source="synthetic://",
                                uuid=f"00000000-0000-0000-0000-{cam_id:012d}", serial_number=f"SN{cam_id}"), 1)


def test_organisations_sites_and_grants(store):
    assert store.fleet.add_organisation(Organisation("o1", "Acme"), 1)
    assert not store.fleet.add_organisation(Organisation("o2", "Acme"), 1)      # names are unique
    hours = OpeningHours.parse({"monday": ["08:00-18:00"]})
    store.fleet.add_site(Site("s1", "o1", "Depot", "Europe/Paris", hours), 2)
    store.fleet.add_site(Site("s2", "o1", "Shop", "UTC"), 2)
    assert store.fleet.organisation("Acme").uuid == "o1"
    assert store.fleet.site("Depot") == Site("s1", "o1", "Depot", "Europe/Paris", hours)
    assert store.fleet.site("s2").opening_hours is None
    store.fleet.update_site(Site("s2", "o1", "Shop", "America/New_York", hours))
    assert store.fleet.site("s2").timezone == "America/New_York"
    user_id = store.users.insert("u", Profile.CONSULT, "x", "y", now_ms=1)
    store.fleet.grant("s1", user_id)
    store.fleet.grant("s1", user_id)                                            # idempotent
    assert store.fleet.user_sites(user_id) == {"s1"} and store.fleet.site_users("s1") == [user_id]
    store.fleet.revoke("s1", user_id)
    assert store.fleet.user_sites(user_id) == set()


def test_camera_rows_filters_and_cascades(store):
    store.fleet.add_organisation(Organisation("o1", "Acme"), 1)
    store.fleet.add_site(Site("s1", "o1", "Depot", "UTC"), 1)
    for cam_id in (1, 2, 3):
        _camera(store, cam_id)
    store.fleet.put_camera(FleetCamera(1, "running", "s1", "p1", claimed_ms=5), 10)
    store.fleet.put_camera(FleetCamera(2, "paused", "s1", "p2", claimed_ms=6), 10)
    store.fleet.put_camera(FleetCamera(3, "registered"), 10)
    store.fleet.put_camera(FleetCamera(1, "running", "s1", "p1", name="Gate", claimed_ms=5), 20)
    first = store.fleet.camera(1)
    assert (first.name, first.registered_ms, first.claimed_ms) == ("Gate", 10, 5)
    assert [c.camera_id for c in store.fleet.cameras(states=["running", "paused"])] == [1, 2]
    assert [c.camera_id for c in store.fleet.cameras(site_uuids=set())] == []
    assert store.fleet.paused_ids() == {2}
    store.cameras.delete(2)
    assert store.fleet.camera(2) is None and store.fleet.paused_ids() == set()


def test_state_requests_queue(store):
    _camera(store, 1)
    for i, state in enumerate(("paused", "running")):
        store.fleet.add_request(StateRequest(f"r{i}", 1, state, "created", "", created_ms=100 + i))
    assert [r.uuid for r in store.fleet.pending_requests()] == ["r0", "r1"]
    store.fleet.finish_request("r0", "applied", "", 200)
    assert [r.uuid for r in store.fleet.pending_requests()] == ["r1"]
    assert store.fleet.request("r0") == StateRequest("r0", 1, "paused", "applied", "", 100, 200)
