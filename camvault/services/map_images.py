"""Map background images: the client's text (base64, or a `data:image/...;base64,` URL) -> the
image file's bytes, checked by decoding it fully with Pillow; and back to text for answers.

Accepted: PNG, JPEG, GIF, WebP and BMP files (what browsers display) of at most
`MAX_IMAGE_BYTES` and Pillow's pixel limit (`Image.MAX_IMAGE_PIXELS`). Anything else is a
BadRequest naming the field. Thread-safe (no shared state).
"""

from __future__ import annotations

import base64
import binascii
import io
import re

from PIL import Image, UnidentifiedImageError

from camvault.core.errors import BadRequest

MAX_IMAGE_BYTES = 20 * 1024 * 1024
FORMATS = ("PNG", "JPEG", "GIF", "WEBP", "BMP")
DATA_URL_PREFIX = re.compile(r"^data:image/[\w.+-]+;base64,", re.IGNORECASE)


def decode_image(text: str, field: str) -> tuple[bytes, str]:
    """(image file bytes, data-URL prefix or "")."""
    match = DATA_URL_PREFIX.match(text)
    prefix = match.group(0) if match else ""
    encoded = "".join(text[len(prefix):].split())          # MIME base64 may wrap lines
    limit_mb = MAX_IMAGE_BYTES // (1024 * 1024)
    if len(encoded) > (MAX_IMAGE_BYTES + 2) // 3 * 4:
        raise _too_large(field, limit_mb)
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise BadRequest(f"'{field}' is not valid base64", key="map_image_base64", field=field) from None
    _check_image(data, field)
    return data, prefix


def encode_image(data: bytes, prefix: str) -> str:
    return prefix + base64.b64encode(data).decode("ascii")


def _check_image(data: bytes, field: str) -> None:
    try:
        with Image.open(io.BytesIO(data), formats=FORMATS) as picture:
            if picture.width * picture.height > (Image.MAX_IMAGE_PIXELS or 0) > 0:
                raise Image.DecompressionBombError("too many pixels")
            picture.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_large(field, MAX_IMAGE_BYTES // (1024 * 1024)) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise BadRequest(f"'{field}' is not an image file ({', '.join(FORMATS)})", key="map_image_invalid",
                         field=field) from None


def _too_large(field: str, limit_mb: int) -> BadRequest:
    return BadRequest(f"'{field}' is too large (at most {limit_mb} MB and {Image.MAX_IMAGE_PIXELS} pixels)",
                      key="map_image_too_large", field=field, limit_mb=limit_mb)
