"""Folder trees as pure functions: the shape rules, pruning what a user may not see, and the order
(weights first, then cameras by their sort key in the places cameras hold)."""

import pytest

from camvault.core.errors import BadRequest
from camvault.core.folders import (
    MAX_DEPTH,
    MAX_ITEMS,
    Folder,
    FolderItem,
    check_shape,
    listing_key,
    ordered,
    pruned,
)


def CAM(camera_id, weight=0, items=()):
    return FolderItem("camera", weight, ref_id=camera_id, items=tuple(items))


def MAP(key, weight=0):
    return FolderItem("map", weight, ref_key=key)


def SUB(name, items=(), weight=0):
    return FolderItem("folder", weight, name=name, items=tuple(items))


def PRESET(camera_id, preset_id, weight=0):
    return FolderItem("preset", weight, ref_id=camera_id, ref_key=preset_id)


def by_id(item):
    return item.ref_id


def label(item):
    return {"folder": item.name, "map": item.ref_key, "preset": item.ref_key}.get(item.type, item.ref_id)


def shape(items):
    return [(i.type, label(i), shape(i.items)) if i.items else (i.type, label(i)) for i in items]


def test_weights_order_each_level_and_cameras_follow_their_key_among_equal_weights():
    items = (CAM(3), MAP("m"), CAM(1), SUB("s", [CAM(9), CAM(8, weight=-1)], weight=-5), CAM(2, weight=7), CAM(0))
    assert shape(ordered(items, by_id)) == [
        ("folder", "s", [("camera", 8), ("camera", 9)]),
        ("camera", 0), ("map", "m"), ("camera", 1), ("camera", 3),   # the map keeps its place among weight 0
        ("camera", 2)]


def test_the_camera_key_decides_not_the_given_order():
    items = (CAM(1), CAM(2), CAM(3))
    assert [i.ref_id for i in ordered(items, lambda i: -i.ref_id)] == [3, 2, 1]


def test_presets_inside_cameras_are_ordered_by_weight_stably():
    items = (CAM(1, items=[PRESET(1, "b", 1), PRESET(1, "a", 0), PRESET(1, "c", 1)]),)
    assert [p.ref_key for p in ordered(items, by_id)[0].items] == ["a", "b", "c"]


def test_pruning_takes_sub_items_along_and_keeps_empty_folders():
    items = (SUB("s", [CAM(2, items=[PRESET(2, "p")]), MAP("m")]), CAM(1, items=[PRESET(1, "q")]), SUB("empty"))
    kept = pruned(items, lambda i: not (i.type == "camera" and i.ref_id == 2) and i.type != "map")
    assert shape(kept) == [("folder", "s"), ("camera", 1, [("preset", "q")]), ("folder", "empty")]
    assert kept[0].items == ()


def test_the_documented_kinds_of_tree_pass():
    check_shape((MAP("m"), SUB("f", [CAM(1, items=[PRESET(1, "p")]), FolderItem("group", ref_id=1),
                                     FolderItem("screen", ref_id=1), FolderItem("device", ref_key="d"),
                                     FolderItem("command", ref_id=2), SUB("g")])))


@pytest.mark.parametrize(("items", "key", "path"), [
    ((PRESET(1, "p"),), "folder_item_place", "items[0]"),
    ((SUB("f", [PRESET(1, "p")]),), "folder_item_place", "items[0].items[0]"),
    ((CAM(1, items=[CAM(2)]),), "folder_item_place", "items[0].items[0]"),
    ((FolderItem("map", ref_key="m", items=(CAM(1),)),), "folder_item_place", "items[0].items[0]"),
    ((SUB("f", [FolderItem("shot")]),), "folder_item_type", "items[0].items[0]"),
    ((SUB("  "),), "folder_item_name", "items[0]"),
    ((SUB("x" * 201),), "folder_item_name", "items[0]"),
])
def test_shape_errors_name_the_item(items, key, path):
    with pytest.raises(BadRequest) as caught:
        check_shape(items)
    assert caught.value.key == key and caught.value.params["path"] == path


def test_size_limits():
    deep = SUB("leaf")
    for level in range(MAX_DEPTH - 1):
        deep = SUB(f"l{level}", [deep])
    check_shape((deep,))
    with pytest.raises(BadRequest) as caught:
        check_shape((SUB("top", [deep]),))
    assert caught.value.key == "folder_too_big"
    check_shape(tuple(CAM(i) for i in range(MAX_ITEMS)))
    with pytest.raises(BadRequest):
        check_shape(tuple(CAM(i) for i in range(MAX_ITEMS + 1)))


def test_the_folder_list_is_by_weight_then_name():
    folders = [Folder("u3", "b", weight=0), Folder("u1", "B", weight=0), Folder("u2", "a", weight=1),
               Folder("u4", "z", weight=-1)]
    assert [f.uuid for f in sorted(folders, key=listing_key)] == ["u4", "u1", "u3", "u2"]
