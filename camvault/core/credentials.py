"""HTTP-style credentials shared by the HTTP API and the RTSP service (pure)."""

from __future__ import annotations

import base64
import binascii


def decode_basic(token: str) -> tuple[str, str] | None:
    """(user, password) of a Basic token (`base64(user:password)`); None if it is malformed."""
    try:
        user, sep, password = base64.b64decode(token.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (user, password) if sep else None
