"""User rows, password hashes, per-camera rights and object rights <-> `core.model.User`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, delete, insert, select, update

from camvault.core.model import CameraRight, Profile, User
from camvault.store.tables import camera_rights, cameras, object_rights, users


@dataclass(frozen=True)
class StoredCredentials:
    """What the auth layer needs to check a password or a WSSE digest."""

    user_id: int
    password_bcrypt: str
    password_md5: str
    password_ha1: str | None = None          # RTSP Digest HA1, once known (set at creation or login)


class UserRepo:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def count(self) -> int:
        with self._engine.connect() as conn:
            return len(conn.execute(select(users.c.id).limit(1)).all())

    def insert(self, name: str, profile: Profile, password_bcrypt: str, password_md5: str, now_ms: int) -> int:
        with self._engine.begin() as conn:
            result = conn.execute(insert(users).values(name=name, profile=profile.value, password_bcrypt=password_bcrypt,
                                                       password_md5=password_md5, created_ms=now_ms))
            return result.inserted_primary_key[0]

    def set_password(self, user_id: int, password_bcrypt: str, password_md5: str) -> None:
        with self._engine.begin() as conn:
            conn.execute(update(users).where(users.c.id == user_id)
                         .values(password_bcrypt=password_bcrypt, password_md5=password_md5))

    def set_ha1(self, user_id: int, password_ha1: str) -> None:
        with self._engine.begin() as conn:
            conn.execute(update(users).where(users.c.id == user_id).values(password_ha1=password_ha1))

    def credentials(self, name: str) -> StoredCredentials | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(users.c.id, users.c.password_bcrypt, users.c.password_md5, users.c.password_ha1)
                               .where(users.c.name == name)).first()
        return StoredCredentials(row.id, row.password_bcrypt, row.password_md5, row.password_ha1) if row else None

    def get(self, user_id: int) -> User | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.id == user_id)).mappings().first()
            if row is None:
                return None
            rights = conn.execute(select(camera_rights).where(camera_rights.c.user_id == user_id)).mappings().all()
            objects = conn.execute(select(object_rights).where(object_rights.c.user_id == user_id)).mappings().all()
        return _user(row, rights, objects)

    def get_by_name(self, name: str) -> User | None:
        with self._engine.connect() as conn:
            user_id = conn.execute(select(users.c.id).where(users.c.name == name)).scalar()
        return self.get(user_id) if user_id is not None else None

    def list(self) -> list[User]:
        with self._engine.connect() as conn:
            rows = conn.execute(select(users).order_by(users.c.id)).mappings().all()
            rights = conn.execute(select(camera_rights)).mappings().all()
            objects = conn.execute(select(object_rights)).mappings().all()
        return [_user(r, [x for x in rights if x["user_id"] == r["id"]], [x for x in objects if x["user_id"] == r["id"]])
                for r in rows]

    def set_rights(self, user_id: int, rights: list[CameraRight]) -> None:
        """Replace the user's per-camera rights; LookupError names cameras that do not exist."""
        with self._engine.begin() as conn:
            wanted = {r.camera_id for r in rights}
            known = set(conn.execute(select(cameras.c.id).where(cameras.c.id.in_(wanted))).scalars())
            if wanted - known:
                raise LookupError(sorted(wanted - known))
            conn.execute(delete(camera_rights).where(camera_rights.c.user_id == user_id))
            for r in rights:
                conn.execute(insert(camera_rights).values(user_id=user_id, camera_id=r.camera_id, live=r.live,
                                                          records=r.records, ptz=r.ptz))


    def set_object_right(self, user_id: int, kind: str, key: str, actions: frozenset[str]) -> None:
        """Set what the user may do on one object (no actions: remove the right)."""
        where = ((object_rights.c.user_id == user_id) & (object_rights.c.kind == kind)
                 & (object_rights.c.object_key == key))
        with self._engine.begin() as conn:
            conn.execute(delete(object_rights).where(where))
            if actions:
                conn.execute(insert(object_rights).values(user_id=user_id, kind=kind, object_key=key,
                                                          actions=",".join(sorted(actions))))

    def drop_object(self, kind: str, key: str) -> None:
        """Forget every user's rights on an object (it was deleted)."""
        with self._engine.begin() as conn:
            conn.execute(delete(object_rights).where((object_rights.c.kind == kind) & (object_rights.c.object_key == key)))


def _user(row, rights, objects=()) -> User:
    return User(id=row["id"], name=row["name"], profile=Profile(row["profile"]),
                rights={r["camera_id"]: CameraRight(r["camera_id"], r["live"], r["records"], r["ptz"]) for r in rights},
                objects={(o["kind"], o["object_key"]): frozenset(o["actions"].split(",")) for o in objects})
