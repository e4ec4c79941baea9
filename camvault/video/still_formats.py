"""Still pictures encoded in the image formats clients ask for (Pillow): JPEG, PNG, WebP, BMP,
TIFF and GIF, each with its MIME type. Grey pictures (mono sensors, depth maps) are written with
one channel. Pure CPU work, thread-safe.
"""

from __future__ import annotations

import io

from PIL import Image

STILL_FORMATS: dict[str, tuple[str, str]] = {
    "jpeg": ("JPEG", "image/jpeg"), "png": ("PNG", "image/png"), "webp": ("WEBP", "image/webp"),
    "bmp": ("BMP", "image/bmp"), "tiff": ("TIFF", "image/tiff"), "gif": ("GIF", "image/gif"),
}
"""Format name (as clients give it) -> (Pillow format, MIME type)."""

ALIASES = {"jpg": "jpeg", "tif": "tiff"}


def still_format(name: str) -> str | None:
    """The canonical format name for `name` (case-insensitive; `jpg`, `tif` accepted), or None."""
    key = name.strip().lower()
    key = ALIASES.get(key, key)
    return key if key in STILL_FORMATS else None


def encode_still(picture: Image.Image, fmt: str, *, grey: bool = False) -> tuple[bytes, str]:
    """(bytes, MIME type) of `picture` in the canonical format `fmt`; `grey` writes one channel."""
    pillow_format, mime = STILL_FORMATS[fmt]
    picture = picture.convert("L" if grey else "RGB")
    options = {"JPEG": {"quality": 90}, "WEBP": {"quality": 85}}.get(pillow_format, {})
    out = io.BytesIO()
    picture.save(out, format=pillow_format, **options)
    return out.getvalue(), mime
