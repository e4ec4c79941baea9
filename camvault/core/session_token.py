"""Web session tokens (pure, no I/O): `<user id>.<expires ms>.<nonce>.<signature>`, the signature
an HMAC-SHA256 (base64url, unpadded) of the first three fields under a key derived from the node's
secret. Expiry is part of the signed text, so a token cannot be extended; `nonce` (random, chosen by
the caller) names one login so it can be revoked. Times are epoch ms UTC.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

KEY_LABEL = b"camvault web session v1"
_TOKEN = re.compile(r"^(\d{1,12})\.(\d{1,16})\.([A-Za-z0-9_-]{8,64})\.([A-Za-z0-9_-]{43})$")


@dataclass(frozen=True)
class SessionClaim:
    """What a valid token says."""

    user_id: int
    expires_ms: int
    nonce: str


def session_key(secret: bytes) -> bytes:
    """The signing key: the node secret is never used directly (it also derives decoy salts)."""
    return hmac.new(secret, KEY_LABEL, hashlib.sha256).digest()


def _signature(key: bytes, text: str) -> str:
    digest = hmac.new(key, text.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def sign(key: bytes, claim: SessionClaim) -> str:
    text = f"{claim.user_id}.{claim.expires_ms}.{claim.nonce}"
    if _TOKEN.match(f"{text}.{'A' * 43}") is None:
        raise ValueError(f"cannot sign session claim {claim!r}")
    return f"{text}.{_signature(key, text)}"


def read(key: bytes, token: str) -> SessionClaim | None:
    """The claim of a well-formed token with a good signature, expired or not; None otherwise."""
    match = _TOKEN.match(token)
    if match is None:
        return None
    text = token.rsplit(".", 1)[0]
    if not hmac.compare_digest(_signature(key, text), match[4]):
        return None
    return SessionClaim(int(match[1]), int(match[2]), match[3])


def is_live(claim: SessionClaim, now_ms: int) -> bool:
    return now_ms < claim.expires_ms
