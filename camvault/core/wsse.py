"""WSSE UsernameToken rules (pure): the password digest and the freshness window.

PasswordDigest = base64(sha1(nonce + created + hashed_password)), with the nonce and the created
date exactly as the client sent them, and hashed_password either the user's bcrypt hash (when the
client used the salt from the auth-methods list) or the hex MD5 of the password (legacy variant).
"""

from __future__ import annotations

import base64
import hashlib
import hmac

CREATED_WINDOW_MS = 10_000
BCRYPT_ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def password_digest(nonce: str, created: str, hashed_password: str) -> str:
    raw = hashlib.sha1((nonce + created + hashed_password).encode("utf-8")).digest()
    return base64.b64encode(raw).decode("ascii")


def digest_matches(digest: str, nonce: str, created: str, secrets: list[str]) -> bool:
    """True if the digest was made from one of the accepted hashed-password forms."""
    return any(hmac.compare_digest(digest, password_digest(nonce, created, s)) for s in secrets)


def is_fresh(created_ms: int, now_ms: int, window_ms: int = CREATED_WINDOW_MS) -> bool:
    """`Created` may be at most `window_ms` away from the server's time, either way."""
    return abs(now_ms - created_ms) <= window_ms


def bcrypt_forms(stored_hash: str) -> list[str]:
    """A stored bcrypt hash as the client may have computed it: the `$2y$` form the salt is
    published in (PHP's), and the `$2b$`/`$2a$` forms other libraries produce."""
    body = stored_hash[4:]
    return [f"$2y${body}", f"$2b${body}", f"$2a${body}"]


def published_salt(stored_hash: str) -> str:
    """The salt to publish for a stored bcrypt hash: `$2y$<cost>$<22 chars>`."""
    return "$2y$" + stored_hash[4:29]


def decoy_salt(secret: bytes, user_name: str, cost: int = 10) -> str:
    """A stable salt for a user that does not exist, indistinguishable from a real one."""
    digest = hmac.new(secret, b"decoy-salt:" + user_name.encode("utf-8"), hashlib.sha256).digest()
    chars = "".join(BCRYPT_ALPHABET[b % 64] for b in digest[:22])
    # the 22nd character of a real bcrypt salt only carries 2 bits: keep it in the valid set
    chars = chars[:21] + ".Oeu"[digest[22] % 4]
    return f"$2y${cost:02d}${chars}"
