"""Each dialect shapes its own errors. A dialect registers a shaper for its path prefixes; the
application-wide handler turns a `DomainError` into the shape of the dialect that was called."""

from __future__ import annotations

import logging
from typing import Callable

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from camvault.core.errors import DomainError

log = logging.getLogger(__name__)

Shaper = Callable[[Request, DomainError], Response]


def default_shaper(_request: Request, exc: DomainError) -> Response:
    return JSONResponse({"error": exc.message}, status_code=exc.status)


class ErrorShapers:
    def __init__(self) -> None:
        self._by_prefix: list[tuple[str, Shaper]] = []

    def register(self, prefixes: tuple[str, ...], shaper: Shaper) -> None:
        self._by_prefix += [(p, shaper) for p in prefixes]
        self._by_prefix.sort(key=lambda item: -len(item[0]))

    def shaper_for(self, path: str) -> Shaper:
        return next((s for p, s in self._by_prefix if path.startswith(p)), default_shaper)

    def install(self, app: FastAPI) -> None:
        @app.exception_handler(DomainError)
        async def _domain_error(request: Request, exc: DomainError) -> Response:
            if exc.status >= 500:
                log.error("%s %s failed: %s", request.method, request.url.path, exc.message)
            return self.shaper_for(request.url.path)(request, exc)
