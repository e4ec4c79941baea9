"""The browser UI (docs/design/web-ui.md): plain ES modules, CSS and one HTML page shipped in this
package (`static/`, package data), no build step and nothing fetched from elsewhere. `/` answers the
page; `/ui/...` its assets. The UI talks to camvault only through its public HTTP APIs."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"
MOUNT = "/ui"
NO_STORE = {"Cache-Control": "no-cache"}
"""Revalidated on every load (ETag), so an upgraded node serves its new UI at once."""


class _Assets(StaticFiles):
    def file_response(self, *args, **kwargs):
        response = super().file_response(*args, **kwargs)
        response.headers.update(NO_STORE)
        return response


def index() -> FileResponse:
    return FileResponse(STATIC / "index.html", media_type="text/html", headers=NO_STORE)


def include(app: FastAPI) -> None:
    app.add_api_route("/", index, methods=["GET"], name="web_index", include_in_schema=False)
    app.mount(MOUNT, _Assets(directory=STATIC), name="web")
