"""Folder rows <-> `core.folders.Folder`: one row per folder, one row per item of its tree.

Items are stored depth first (`item_no` 0, 1, ...), each naming its enclosing item (`parent_no`, NULL
at the top), so a tree is written with one multi-row insert and read back in one query. Replacing
a folder's items deletes and rewrites them in the same transaction; deleting a folder deletes its
items (foreign key, ON DELETE CASCADE). Items name cameras, mosaics, maps... without foreign keys:
a reference may outlive its object (the service drops those it can check when reading).
Every method is one short transaction.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.engine import Connection

from camvault.core.folders import Folder, FolderItem
from camvault.store.tables import folder_items, folders


class Keep:
    """The type of KEEP."""


KEEP = Keep()
"""`update(regex_id=KEEP)`: leave the folder's sort criterion as it is."""


class FolderRepo:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def list(self, *, with_items: bool) -> list[Folder]:
        """Every folder, unordered; items only when `with_items` (one more query)."""
        with self._engine.connect() as conn:
            rows = conn.execute(select(folders)).mappings().all()
            trees = _trees(conn, None) if with_items else {}
        return [_folder(row, trees.get(row["uuid"], ())) for row in rows]

    def get(self, uuid: str) -> Folder | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(folders).where(folders.c.uuid == uuid)).mappings().first()
            return _folder(row, _trees(conn, uuid).get(uuid, ())) if row else None

    def insert(self, folder: Folder) -> None:
        with self._engine.begin() as conn:
            conn.execute(insert(folders).values(uuid=folder.uuid, name=folder.name, regex_id=folder.regex_id,
                                                weight=folder.weight))
            _write_items(conn, folder.uuid, folder.items)

    def update(self, uuid: str, *, name: str | None = None, regex_id: int | None | Keep = KEEP,
               items: tuple[FolderItem, ...] | None = None) -> bool:
        """Change what is given (`items` replaces the whole tree); False if there is no such folder."""
        values: dict[str, object] = {} if name is None else {"name": name}
        if not isinstance(regex_id, Keep):
            values["regex_id"] = regex_id
        with self._engine.begin() as conn:
            found = conn.execute(select(folders.c.uuid).where(folders.c.uuid == uuid).with_for_update()).first()
            if found is None:
                return False
            if values:
                conn.execute(update(folders).where(folders.c.uuid == uuid).values(**values))
            if items is not None:
                conn.execute(delete(folder_items).where(folder_items.c.folder_uuid == uuid))
                _write_items(conn, uuid, items)
        return True

    def set_weights(self, weights: dict[str, int]) -> list[str]:
        """Set the weight of several folders at once; if some do not exist, nothing changes and their
        uuids are returned."""
        with self._engine.begin() as conn:
            known = set(conn.execute(select(folders.c.uuid).where(folders.c.uuid.in_(list(weights)))).scalars())
            missing = [uuid for uuid in weights if uuid not in known]
            if missing:
                return missing
            for uuid, weight in weights.items():
                conn.execute(update(folders).where(folders.c.uuid == uuid).values(weight=weight))
        return []

    def delete(self, uuid: str) -> bool:
        with self._engine.begin() as conn:
            conn.execute(delete(folder_items).where(folder_items.c.folder_uuid == uuid))
            return conn.execute(delete(folders).where(folders.c.uuid == uuid)).rowcount > 0


def _write_items(conn: Connection, uuid: str, items: tuple[FolderItem, ...]) -> None:
    rows = [{"folder_uuid": uuid, "item_no": no, "parent_no": parent, "type": item.type,
             "server_id": item.server_id, "name": item.name, "ref_id": item.ref_id, "ref_key": item.ref_key,
             "weight": item.weight}
            for no, parent, item in _flatten(items)]
    if rows:
        conn.execute(insert(folder_items), rows)


def _flatten(items: tuple[FolderItem, ...]) -> list[tuple[int, int | None, FolderItem]]:
    """(item_no, parent_no, item), depth first."""
    out: list[tuple[int, int | None, FolderItem]] = []

    def visit(level: tuple[FolderItem, ...], parent: int | None) -> None:
        for item in level:
            no = len(out)
            out.append((no, parent, item))
            visit(item.items, no)

    visit(items, None)
    return out


def _trees(conn: Connection, uuid: str | None) -> dict[str, tuple[FolderItem, ...]]:
    """folder uuid -> its item tree, for one folder or (None) for all."""
    query = select(folder_items).order_by(folder_items.c.folder_uuid, folder_items.c.item_no)
    if uuid is not None:
        query = query.where(folder_items.c.folder_uuid == uuid)
    by_folder: dict[str, list] = defaultdict(list)
    for row in conn.execute(query).mappings():
        by_folder[row["folder_uuid"]].append(row)
    return {key: _tree(rows) for key, rows in by_folder.items()}


def _tree(rows: list) -> tuple[FolderItem, ...]:
    """Rebuild a tree from its depth-first rows: walking them backwards, every item's sub-items are
    complete when the item itself is reached."""
    children: dict[int | None, list[FolderItem]] = defaultdict(list)
    for row in reversed(rows):
        item = FolderItem(type=row["type"], weight=row["weight"], server_id=row["server_id"], name=row["name"],
                          ref_id=row["ref_id"], ref_key=row["ref_key"],
                          items=tuple(reversed(children.pop(row["item_no"], []))))
        children[row["parent_no"]].append(item)
    return tuple(reversed(children.get(None, [])))


def _folder(row, items: tuple[FolderItem, ...]) -> Folder:
    return Folder(uuid=row["uuid"], name=row["name"], regex_id=row["regex_id"], weight=row["weight"], items=items)
