"""Pure map rules: parsing a body into items (ids normalized, presets out of the camera's
properties, pixels rounded) and who sees which item."""

from dataclasses import dataclass, field

import pytest

from camvault.core.errors import BadRequest
from camvault.core.map_parse import parse_map
from camvault.core.maps import hidden_items, visible_items
from camvault.core.model import CameraRight, Profile, User
from tests.support.maps import camera, element, preset


@dataclass
class KnownRefs:
    cameras: set = field(default_factory=lambda: {1, 2})
    presets: set = field(default_factory=lambda: {(1, "gate"), (2, "dock")})
    maps: set = field(default_factory=lambda: {"5f20a627-c915-42be-895e-865101763dc0"})

    def camera_exists(self, camera_id):
        return camera_id in self.cameras

    def preset_exists(self, camera_id, preset_id):
        return (camera_id, preset_id) in self.presets

    def map_exists(self, uuid):
        return uuid in self.maps


MAP = "5F20A627-C915-42BE-895E-865101763DC0"


def items(*raw):
    return parse_map({"name": "m", "items": list(raw), "backgrounds": []}, creating=True).items


def test_ids_are_normalized_and_properties_kept():
    cam, group, link = items(camera(1, presets=[preset("gate")]), element("group", 7), element("map", MAP))
    assert (cam.ref_id, group.ref_id, link.ref_id) == ("1", "7", MAP.lower())
    assert cam.properties["items"] == [] and cam.children[0].ref_id == "gate"
    assert link.properties == {"id": MAP}


def test_update_without_items_keeps_them_and_create_needs_them():
    draft = parse_map({"name": " Hall "}, creating=False)
    assert (draft.name, draft.scale, draft.items, draft.backgrounds) == ("Hall", None, None, None)
    with pytest.raises(BadRequest, match="'items' is required"):
        parse_map({"name": "Hall", "backgrounds": []}, creating=True)


def test_visibility_by_rights_and_existence():
    user = User(5, "carl", Profile.CONSULT, rights={1: CameraRight(1)},
                objects={("mosaic", "7"): frozenset({"view"})})
    admin = User(1, "admin", Profile.ADMIN)
    every = items(camera(1, presets=[preset("gate"), preset("gone")]), camera(2), camera(9),
                  element("group", 7), element("group", 8), element("command", 1), element("map", MAP))
    refs = KnownRefs()
    seen = visible_items(user, every, refs)
    assert [(i.type, i.ref_id) for i in seen] == [("camera", "1"), ("group", "7"), ("command", "1")]
    assert [c.ref_id for c in seen[0].children] == ["gate"]
    assert [(i.type, i.ref_id) for i in hidden_items(user, every, refs)] == [
        ("camera", "2"), ("group", "8"), ("map", MAP.lower())]
    assert len(visible_items(admin, every, refs)) == 6             # all but the vanished camera 9
