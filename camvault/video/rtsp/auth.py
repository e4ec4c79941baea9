"""RTSP authentication pieces (pure): Digest (RFC 2617, MD5, with or without qop=auth) and the
server's nonces. The HA1 (md5 of user:realm:password) comes from the user store; this module only
checks a client's answer against it."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time

NONCE_TTL_S = 3600.0
_PARAM = re.compile(r'(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))')


def digest_params(authorization: str) -> dict[str, str] | None:
    """The parameters of an `Authorization: Digest ...` header, None if it is not Digest."""
    scheme, _, rest = authorization.strip().partition(" ")
    if scheme.lower() != "digest":
        return None
    return {m[1].lower(): m[2] if m[2] is not None else m[3] for m in _PARAM.finditer(rest)}


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def expected_response(ha1: str, method: str, params: dict[str, str]) -> str:
    ha2 = _md5(f"{method}:{params.get('uri', '')}")
    if params.get("qop"):
        return _md5(f"{ha1}:{params.get('nonce', '')}:{params.get('nc', '')}:{params.get('cnonce', '')}:"
                    f"{params['qop']}:{ha2}")
    return _md5(f"{ha1}:{params.get('nonce', '')}:{ha2}")


def response_matches(ha1: str, method: str, params: dict[str, str]) -> bool:
    return hmac.compare_digest(expected_response(ha1, method, params), params.get("response", "").lower())


class Nonces:
    """Nonces this server handed out, valid for `NONCE_TTL_S`. Thread-safe."""

    def __init__(self) -> None:
        self._issued: dict[str, float] = {}
        self._lock = threading.Lock()

    def issue(self) -> str:
        nonce = secrets.token_hex(16)
        now = time.monotonic()
        with self._lock:
            for old in [n for n, t in self._issued.items() if now - t > NONCE_TTL_S]:
                del self._issued[old]
            self._issued[nonce] = now
        return nonce

    def valid(self, nonce: str) -> bool:
        with self._lock:
            issued = self._issued.get(nonce)
        return issued is not None and time.monotonic() - issued <= NONCE_TTL_S
