"""Users: creation, listing, password checks (bcrypt, with a short-lived cache of verified
credentials so Basic auth does not pay a bcrypt round per request), WSSE UsernameToken checks
(freshness window, each nonce accepted once), published and decoy bcrypt salts, the initial admin.

Thread-safe: caches and the nonce registry are guarded by locks."""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
from collections import OrderedDict
from typing import Callable

import bcrypt

from camvault.core import wsse
from camvault.core.clock import Clock
from camvault.core.errors import (
    BadRequest,
    Conflict,
    DomainError,
    NotFound,
    Unauthorized,
)
from camvault.core.model import OBJECT_ACTIONS, CameraRight, Profile, User
from camvault.core.timefmt import parse_iso_ms
from camvault.store.users import UserRepo

log = logging.getLogger(__name__)

BCRYPT_ROUNDS = 10
CACHE_TTL_S = 60.0
CACHE_SIZE = 1024
USER_TTL_S = 5.0
"""How long an authenticated user's profile and rights are reused without reading them again (a
change made through this service is seen at once)."""


def hash_password(password: str) -> tuple[str, str]:
    """(bcrypt hash, md5 hex) of a password; md5 serves the legacy CamTrace WSSE variant."""
    hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt(BCRYPT_ROUNDS)).decode()
    return hashed, hashlib.md5(password.encode()).hexdigest()


DIGEST_REALM = "camvault"


def digest_ha1(name: str, password: str) -> str:
    """HA1 of HTTP/RTSP Digest (RFC 2617, MD5) in camvault's realm."""
    return hashlib.md5(f"{name}:{DIGEST_REALM}:{password}".encode()).hexdigest()


class NonceRegistry:
    """Nonces seen within the freshness window; a nonce is accepted once. Entries older than twice
    the window are forgotten (a token that old is refused as stale anyway)."""

    def __init__(self, clock: Clock, keep_s: float = 2 * wsse.CREATED_WINDOW_MS / 1000) -> None:
        self._clock = clock
        self._keep_s = keep_s
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first_use(self, nonce: str) -> bool:
        now = self._clock.monotonic_s()
        with self._lock:
            while self._seen and next(iter(self._seen.values())) < now - self._keep_s:
                self._seen.popitem(last=False)
            if nonce in self._seen:
                return False
            self._seen[nonce] = now
            return True


class UserService:
    def __init__(self, repo: UserRepo, clock: Clock, secret: Callable[[], bytes] = lambda: b"") -> None:
        self._repo = repo
        self._clock = clock
        self._secret = secret
        self._verified: OrderedDict[tuple[str, bytes], tuple[int, float]] = OrderedDict()
        self._lock = threading.Lock()
        self._nonces = NonceRegistry(clock)
        self._users: dict[int, tuple[User, float]] = {}

    def ensure_admin(self, password: str | None) -> str | None:
        """Create user `admin` when there is no user yet. Returns the generated password, if one was."""
        if self._repo.count():
            return None
        generated = None if password else secrets.token_urlsafe(12)
        self.create("admin", password or generated, Profile.ADMIN)
        log.info("created the initial admin user")
        return generated

    def create(self, name: str, password: str, profile: Profile | str, camera_ids: list[int] | None = None) -> User:
        name = name.strip()
        if not name or len(name) > 100:
            raise BadRequest("A user name must have 1 to 100 characters", key="invalid_user_name")
        if not password:
            raise BadRequest("The password must not be empty", key="empty_password")
        try:
            profile = Profile(profile)
        except ValueError:
            raise BadRequest(f"Unknown profile {profile!r}: use one of "
                             f"{', '.join(p.value for p in Profile)}", key="invalid_profile") from None
        if self._repo.credentials(name) is not None:
            raise Conflict(f"User {name!r} already exists", key="user_exists")
        user_id = self._repo.insert(name, profile, *hash_password(password), now_ms=self._clock.now_ms())
        self._repo.set_ha1(user_id, digest_ha1(name, password))
        if camera_ids:
            self._set_rights(user_id, [CameraRight(c) for c in camera_ids])
        return self._repo.get(user_id)

    def set_rights(self, name: str, rights: list[CameraRight]) -> User:
        user = self._repo.get_by_name(name)
        if user is None:
            raise NotFound(f"No user {name!r}", key="unknown_user")
        self._set_rights(user.id, rights)
        return self._repo.get(user.id)

    def grant_object(self, name: str, kind: str, key: str | int, actions: set[str] | frozenset[str]) -> User:
        """Set what a user may do on one mosaic, map or metadata connector (empty: nothing)."""
        user = self._repo.get_by_name(name)
        if user is None:
            raise NotFound(f"No user {name!r}", key="unknown_user")
        allowed = OBJECT_ACTIONS.get(kind)
        if allowed is None or not set(actions) <= allowed:
            raise BadRequest(f"Rights on a {kind!r} are among: {', '.join(sorted(allowed or ()))}",
                             key="invalid_object_right")
        with self._lock:
            self._users.pop(user.id, None)
        self._repo.set_object_right(user.id, kind, str(key), frozenset(actions))
        return self._repo.get(user.id)

    def forget_object(self, kind: str, key: str | int) -> None:
        """Drop every user's rights on an object that was deleted."""
        with self._lock:
            self._users.clear()
        self._repo.drop_object(kind, str(key))

    def _user(self, user_id: int) -> User | None:
        now = self._clock.monotonic_s()
        with self._lock:
            hit = self._users.get(user_id)
        if hit and hit[1] > now:
            return hit[0]
        user = self._repo.get(user_id)
        if user is not None:
            with self._lock:
                self._users[user_id] = (user, now + USER_TTL_S)
        return user

    def _set_rights(self, user_id: int, rights: list[CameraRight]) -> None:
        with self._lock:
            self._users.pop(user_id, None)
        try:
            self._repo.set_rights(user_id, rights)
        except LookupError as exc:
            raise BadRequest(f"Unknown camera(s): {', '.join(map(str, exc.args[0]))}", key="unknown_cameras") from None

    def list(self) -> list[User]:
        return self._repo.list()

    def get(self, user_id: int) -> User | None:
        return self._repo.get(user_id)

    def active(self, user_id: int) -> User | None:
        """The user with this id (rights re-read at most every USER_TTL_S), None when there is none."""
        return self._user(user_id)

    def by_name(self, name: str) -> User | None:
        """The user with this name (its current rights), None when there is none."""
        return self._repo.get_by_name(name)

    def authenticate_password(self, name: str, password: str) -> User:
        """The user whose name and password these are; Unauthorized otherwise (same message for an
        unknown user, so the answer does not reveal which names exist)."""
        key = (name, hashlib.sha256(password.encode()).digest())
        user_id = self._cached(key)
        if user_id is None:
            creds = self._repo.credentials(name)
            if creds is None or not bcrypt.checkpw(password.encode(), creds.password_bcrypt.encode()):
                raise Unauthorized("Invalid password!", key="invalid_password")
            user_id = creds.user_id
            self._remember(key, user_id)
            if creds.password_ha1 != digest_ha1(name, password):     # users from before Digest
                self._repo.set_ha1(user_id, digest_ha1(name, password))
        user = self._user(user_id)
        if user is None:
            raise Unauthorized("Invalid password!", key="invalid_password")
        return user

    def authenticate_digest(self, name: str, check: Callable[[str], bool]) -> User:
        """The user if `check(HA1)` accepts the stored Digest HA1 (realm `DIGEST_REALM`);
        Unauthorized if the user is unknown, has no HA1 yet (no login since it was stored) or fails."""
        creds = self._repo.credentials(name)
        user = self._user(creds.user_id) if creds is not None and creds.password_ha1 and check(creds.password_ha1) \
            else None
        if user is None:
            raise Unauthorized("Invalid password!", key="invalid_password")
        return user

    def bcrypt_salt(self, name: str) -> str:
        """The salt a WSSE client hashes with; a stable decoy for an unknown user, so the answer
        never tells which names exist."""
        creds = self._repo.credentials(name)
        if creds is None:
            return wsse.decoy_salt(self._secret(), name)
        return wsse.published_salt(creds.password_bcrypt)

    def authenticate_wsse(self, name: str, digest: str, nonce: str, created: str) -> User:
        """Check a UsernameToken: `created` within 10 s of now, the nonce never seen, the digest made
        from the bcrypt hash (salt variant) or the MD5 of the password (legacy variant)."""
        try:
            created_ms = parse_iso_ms(created, field="Created")
        except DomainError:
            raise Unauthorized("Invalid WSSE token: bad Created date", key="wsse_bad_created") from None
        if not wsse.is_fresh(created_ms, self._clock.now_ms()):
            raise Unauthorized("Invalid WSSE token: Created is more than 10 s from the server time",
                               key="wsse_stale")
        if not nonce or not digest:
            raise Unauthorized("Invalid WSSE token: Nonce and PasswordDigest are required", key="wsse_incomplete")
        creds = self._repo.credentials(name)
        accepted = wsse.bcrypt_forms(creds.password_bcrypt) + [creds.password_md5] if creds else []
        if not wsse.digest_matches(digest, nonce, created, accepted):
            raise Unauthorized("Invalid password!", key="invalid_password")
        if not self._nonces.first_use(nonce):
            raise Unauthorized("Invalid WSSE token: this nonce was already used", key="wsse_replay")
        user = self._user(creds.user_id)
        if user is None:
            raise Unauthorized("Invalid password!", key="invalid_password")
        return user

    def _cached(self, key: tuple[str, bytes]) -> int | None:
        with self._lock:
            hit = self._verified.get(key)
            if hit and hit[1] > self._clock.monotonic_s():
                return hit[0]
            self._verified.pop(key, None)
            return None

    def _remember(self, key: tuple[str, bytes], user_id: int) -> None:
        with self._lock:
            self._verified[key] = (user_id, self._clock.monotonic_s() + CACHE_TTL_S)
            while len(self._verified) > CACHE_SIZE:
                self._verified.popitem(last=False)
