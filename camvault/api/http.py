"""Builds the FastAPI application over an assembled `Camvault`: dialect routers, error shapers,
and a lifespan that starts and stops the node."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

import anyio
from fastapi import FastAPI

from camvault import __version__
from camvault.api import bandit, camtrace
from camvault.api import oak
from camvault.api import fleet
from camvault.api import vdg
from camvault.api import session
from camvault.api.camtrace.jsonp import install_jsonp
from camvault.api.errors import ErrorShapers
from camvault.app import Camvault
from camvault import web

log = logging.getLogger(__name__)


def build_http_app(node: Camvault, *, announce=print) -> FastAPI:
    """`announce` receives the one-time message with a generated admin password."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        generated = await anyio.to_thread.run_sync(node.start)
        if generated:
            announce(f"camvault: created user 'admin' with password: {generated}  (shown only once)")
        try:
            yield
        finally:
            await anyio.to_thread.run_sync(node.stop)

    app = FastAPI(title="camvault", version=__version__, lifespan=lifespan, docs_url="/docs", redoc_url=None)
    app.state.services = node.services
    shapers = ErrorShapers()
    shapers.register(camtrace.PREFIXES, camtrace.shape_error)
    shapers.register(camtrace.PUSH_PREFIXES, camtrace.shape_error)
    shapers.install(app)
    camtrace.include(app)
    shapers.register(oak.PREFIXES, oak.shape_error)
    oak.include(app)
    shapers.register(bandit.PREFIXES, bandit.shape_error)
    bandit.include(app)
    shapers.register(fleet.PREFIXES, fleet.shape_error)
    fleet.include(app)
    shapers.register(vdg.PREFIXES, vdg.shape_error)
    vdg.include(app)
    install_jsonp(app, camtrace.PREFIXES)
    shapers.register(session.PREFIXES, session.shape_error)
    session.include(app)
    web.include(app)
    return app
