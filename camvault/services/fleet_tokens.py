"""Fleet OAuth2 (client-credentials grant): the client is a camvault user (`client_id` = user name,
`client_secret` = password); the access token is signed, not stored:
`base64url(JSON {"u": user id, "s": scopes, "e": expiry ms}) "." base64url(HMAC-SHA256)`, keyed
with a key derived from the store's server secret. A token is refused (401) when it is malformed,
its signature does not match, it has expired (on the service's clock) or its user no longer exists;
the user's current profile is read on every request.

Thread-safe (no mutable state). Times are epoch ms UTC, `ttl_s` in seconds.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass

from camvault.core import fleet
from camvault.core.clock import Clock
from camvault.core.errors import Unauthorized
from camvault.core.model import User
from camvault.services.users import UserService

TOKEN_TYPE = "Bearer"
GRANT = "client_credentials"


class OAuthError(Exception):
    """An error of the token endpoint, in RFC 6749 section 5.2 terms."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error, self.description, self.status = error, description, status


@dataclass(frozen=True)
class Bearer:
    """An authenticated fleet request: the token's user (as it is now) and its scopes."""

    user: User
    scopes: tuple[str, ...]


class FleetTokens:
    def __init__(self, users: UserService, clock: Clock, secret: Callable[[], bytes], *, ttl_s: int) -> None:
        self._users = users
        self._clock = clock
        self._secret = secret
        self._ttl_s = ttl_s

    def issue(self, grant_type: str | None, client_id: str | None, client_secret: str | None,
              scope: str | None) -> dict:
        """The RFC 6749 token response; OAuthError otherwise."""
        if not grant_type:
            raise OAuthError("invalid_request", "grant_type is required")
        if grant_type != GRANT:
            raise OAuthError("unsupported_grant_type", f"Only the {GRANT} grant is supported")
        if not client_id or client_secret is None:
            raise OAuthError("invalid_client", "client_id and client_secret are required", 401)
        try:
            user = self._users.authenticate_password(client_id, client_secret)
        except Unauthorized:
            raise OAuthError("invalid_client", "Client authentication failed", 401) from None
        scopes = fleet.granted_scopes(user, scope)
        if scopes is None:
            raise OAuthError("invalid_scope", f"Scopes this client may have: {' '.join(fleet.allowed_scopes(user))}")
        expires_ms = self._clock.now_ms() + self._ttl_s * 1000
        payload = _b64(json.dumps({"u": user.id, "s": " ".join(scopes), "e": expires_ms},
                                  separators=(",", ":")).encode())
        return {"access_token": f"{payload}.{self._sign(payload)}", "token_type": TOKEN_TYPE,
                "expires_in": self._ttl_s, "scope": " ".join(scopes)}

    def authenticate(self, token: str | None) -> Bearer:
        """The bearer of a token; Unauthorized when missing, forged, expired or of a deleted user."""
        if not token:
            raise Unauthorized("A bearer token is required", key="fleet_token_missing")
        payload, _, signature = token.partition(".")
        if not hmac.compare_digest(self._sign(payload), signature):
            raise Unauthorized("Invalid token", key="fleet_token_invalid")
        try:
            claims = json.loads(_unb64(payload))
            user_id, scopes, expires_ms = int(claims["u"]), str(claims["s"]).split(), int(claims["e"])
        except (ValueError, KeyError, TypeError, binascii.Error):
            raise Unauthorized("Invalid token", key="fleet_token_invalid") from None
        if self._clock.now_ms() >= expires_ms:
            raise Unauthorized("The token has expired", key="fleet_token_expired")
        user = self._users.get(user_id)
        if user is None:
            raise Unauthorized("Invalid token", key="fleet_token_invalid")
        allowed = fleet.allowed_scopes(user)                 # a profile lowered since: fewer scopes
        return Bearer(user, tuple(s for s in scopes if s in allowed))

    def _sign(self, payload: str) -> str:
        key = hmac.new(self._secret(), b"camvault fleet oauth", hashlib.sha256).digest()
        return _b64(hmac.new(key, payload.encode(), hashlib.sha256).digest())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
