"""PTZ presets and tours on a real database (SQLite and PostgreSQL): replace semantics, step order,
names in two queries, a used preset is protected by its foreign key, rows go with their camera."""

import pytest
from sqlalchemy.exc import IntegrityError

from camvault.core.ptz import Preset, PtzPosition, Tour, TourStep
from camvault.store.store import Store
from tests.store.test_store import camera


@pytest.fixture
def store(database_url, tmp_path):
    s = Store(database_url, tmp_path / "data")
    s.open()
    s.cameras.upsert(camera(1), created_ms=1)
    s.cameras.upsert(camera(2), created_ms=1)
    yield s
    s.close()


def preset(cam, pid, pan=0.0, name=None, token=None):
    return Preset(cam, pid, name or pid, PtzPosition(pan, -0.25, 0.5), token, updated_ms=10)


def test_presets_are_created_then_replaced(store):
    assert store.ptz.put_preset(preset(1, "Porte", 0.5)) is True
    assert store.ptz.put_preset(preset(1, "Porte", -0.5, name="Door", token="7")) is False
    got = store.ptz.preset(1, "Porte")
    assert (got.name, got.position, got.device_token) == ("Door", PtzPosition(-0.5, -0.25, 0.5), "7")
    store.ptz.put_preset(preset(1, "Allée"))
    store.ptz.put_preset(preset(2, "Porte"))
    assert [p.preset_id for p in store.ptz.presets(1)] == ["Allée", "Porte"]
    assert store.ptz.preset(1, "nope") is None
    assert store.ptz.delete_preset(1, "Allée") is True and store.ptz.delete_preset(1, "Allée") is False


def test_tours_keep_step_order_and_replace_their_steps(store):
    for pid in ("A", "B", "C"):
        store.ptz.put_preset(preset(1, pid))
    steps = (TourStep("C", 2.0), TourStep("A", 0.5), TourStep("C", 1.0))
    assert store.ptz.put_tour(Tour(1, "round", "Round", steps, 5)) is True
    assert store.ptz.tour(1, "round").steps == steps
    assert store.ptz.put_tour(Tour(1, "round", "Round 2", (TourStep("B", 3.0),), 6)) is False
    assert store.ptz.tour(1, "round") == Tour(1, "round", "Round 2", (TourStep("B", 3.0),), 6)
    assert store.ptz.tours_using(1, "B") == ["round"] and store.ptz.tours_using(1, "C") == []
    assert store.ptz.names() == {1: ([("A", "A"), ("B", "B"), ("C", "C")], [("round", "Round 2")])}
    assert store.ptz.delete_tour(1, "round") is True and store.ptz.tours(1) == []


def test_steps_must_name_a_preset_of_the_camera_and_go_with_it(store):
    store.ptz.put_preset(preset(1, "A"))
    store.ptz.put_preset(preset(1, "B"))
    store.ptz.put_preset(preset(2, "C"))
    with pytest.raises(IntegrityError):
        store.ptz.put_tour(Tour(1, "t", "t", (TourStep("C", 1.0),)))      # camera 2's preset
    store.ptz.put_tour(Tour(1, "t", "t", (TourStep("A", 1.0), TourStep("B", 1.0))))
    store.ptz.delete_preset(1, "A")
    assert store.ptz.tour(1, "t").steps == (TourStep("B", 1.0),)


def test_presets_and_tours_go_with_their_camera(store):
    store.ptz.put_preset(preset(1, "A"))
    store.ptz.put_tour(Tour(1, "t", "t", (TourStep("A", 1.0),)))
    store.ptz.put_preset(preset(2, "A"))
    store.cameras.delete(1)
    assert store.ptz.presets(1) == [] and store.ptz.tours(1) == []
    assert store.ptz.names() == {2: ([("A", "A")], [])}
