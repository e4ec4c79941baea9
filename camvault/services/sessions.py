"""Web sessions for the browser UI: a login with name and password gives a signed, expiring token
(core/session_token.py) that the HTTP layer puts in an HttpOnly cookie. Tokens are stateless and
valid on every node sharing the database (the key derives from the node secret kept there); a
logout revokes its token in this node's memory until it would have expired anyway.

Thread-safe: the revocation list is guarded by a lock."""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from typing import Callable

from camvault.core import session_token
from camvault.core.clock import Clock
from camvault.core.errors import Unauthorized
from camvault.core.model import User
from camvault.core.session_token import SessionClaim
from camvault.services.users import UserService

DEFAULT_TTL_S = 12 * 3600


@dataclass(frozen=True)
class Session:
    token: str
    user: User
    expires_ms: int


class SessionService:
    def __init__(self, users: UserService, clock: Clock, secret: Callable[[], bytes],
                 ttl_s: float = DEFAULT_TTL_S) -> None:
        self._users = users
        self._clock = clock
        self._secret = secret
        self.ttl_s = ttl_s
        self._revoked: dict[str, int] = {}
        self._lock = threading.Lock()
        self._key_bytes: bytes | None = None

    def login(self, name: str, password: str) -> Session:
        """A new session for this user; Unauthorized for a wrong name or password."""
        user = self._users.authenticate_password(name, password)
        claim = SessionClaim(user.id, self._clock.now_ms() + round(self.ttl_s * 1000), secrets.token_urlsafe(12))
        return Session(session_token.sign(self._key(), claim), user, claim.expires_ms)

    def resume(self, token: str) -> Session:
        """The session of a token; Unauthorized when it is forged, expired, logged out, or its user is gone."""
        claim = session_token.read(self._key(), token)
        if claim is None:
            raise Unauthorized("Invalid session: log in again", key="session_invalid")
        if not session_token.is_live(claim, self._clock.now_ms()):
            raise Unauthorized("Your session has expired: log in again", key="session_expired")
        with self._lock:
            revoked = claim.nonce in self._revoked
        if revoked:
            raise Unauthorized("Your session has ended: log in again", key="session_expired")
        user = self._users.active(claim.user_id)
        if user is None:
            raise Unauthorized("Invalid session: log in again", key="session_invalid")
        return Session(token, user, claim.expires_ms)

    def logout(self, token: str) -> None:
        """Revoke a token (a forged or expired one needs nothing)."""
        claim = session_token.read(self._key(), token)
        now_ms = self._clock.now_ms()
        if claim is None or not session_token.is_live(claim, now_ms):
            return
        with self._lock:
            self._revoked = {n: e for n, e in self._revoked.items() if e > now_ms}
            self._revoked[claim.nonce] = claim.expires_ms

    def _key(self) -> bytes:
        if self._key_bytes is None:          # the secret never changes once the store made it
            self._key_bytes = session_token.session_key(self._secret())
        return self._key_bytes
