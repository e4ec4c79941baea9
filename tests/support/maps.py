"""Bodies of the CamTrace maps API for tests: items, backgrounds (real PNG files, base64) and the
create helper."""

from __future__ import annotations

import base64
import io

from PIL import Image

from tests.api.conftest import ADMIN

BASE = "/api/v1.2/maps"


def png(width: int = 12, height: int = 8, color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format="PNG")
    return out.getvalue()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def camera(camera_id, x=332, y=271, presets=None, **extra) -> dict:
    properties = {"id": str(camera_id), "node": "0", "angle": 16.49, "range": 288.1, "direction": 32, **extra}
    if presets is not None:
        properties["items"] = presets
    return {"posX": x, "posY": y, "type": "camera", "width": 40, "height": 40, "zIndex": 1, "properties": properties}


def preset(preset_id, x=350, y=300) -> dict:
    return {"posX": x, "posY": y, "type": "preset", "width": 20, "height": 20, "zIndex": 2,
            "properties": {"id": str(preset_id), "node": "0"}}


def element(kind, ref, x=1310, y=519) -> dict:
    """A `group` (mosaic), `command`, `screen` or `map` element."""
    return {"posX": x, "posY": y, "type": kind, "width": 40, "height": 40, "zIndex": 1, "properties": {"id": ref}}


def background(image: bytes | str | None = None, x=20, y=19) -> dict:
    text = image if isinstance(image, str) else b64(image or png())
    return {"posX": x, "posY": y, "image": text, "width": 1280, "height": 770, "zIndex": 0}


def create(client, name="Batiment 2", items=None, backgrounds=None, auth=ADMIN) -> dict:
    body = {"name": name, "items": items or [], "backgrounds": backgrounds or []}
    response = client.post(BASE, json={"map": body}, auth=auth)
    assert response.status_code == 201, response.text
    return response.json()["map"]
