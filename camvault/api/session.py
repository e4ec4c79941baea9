"""The web UI's login (`/api/session`, docs/ref/web.md): `POST` a JSON `{"name", "password"}` to get
an HttpOnly, SameSite=Strict session cookie (`SessionCookieAuth` in api/auth.py accepts it on the
CamTrace API, the PUSH HTTP video paths and `/oak`), `GET` the session's user (or null), `DELETE` to log out.
Errors are `{"error": "<message>"}` translated as CamTrace's, without a Basic challenge (so a
browser shows the UI's login page, not its own password dialog)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from camvault.api.auth import CSRF_HEADER, SESSION_COOKIE
from camvault.api.camtrace.i18n import translate
from camvault.api.deps import get_services
from camvault.core.errors import BadRequest, DomainError, Forbidden, Unauthorized
from camvault.services.sessions import Session

PATH = "/api/session"
PREFIXES = (PATH,)


def shape_error(request: Request, exc: DomainError) -> Response:
    return JSONResponse({"error": translate(exc, request.headers.get("accept-language"))}, status_code=exc.status)


def _answer(session: Session, status: int = 200) -> JSONResponse:
    user = session.user
    return JSONResponse({"user": {"id": user.id, "name": user.name, "profile": user.profile.value},
                         "expiresMs": session.expires_ms}, status_code=status)


async def _credentials(request: Request) -> tuple[str, str]:
    if CSRF_HEADER not in request.headers:
        raise Forbidden("A change with a session cookie needs the X-Requested-With header",
                        key="session_csrf_header")
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise BadRequest("Send the credentials as JSON: {\"name\": ..., \"password\": ...}", key="session_body")
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("name"), str) or \
            not isinstance(body.get("password"), str):
        raise BadRequest("Send the credentials as JSON: {\"name\": ..., \"password\": ...}", key="session_body")
    return body["name"], body["password"]


async def login(request: Request) -> Response:
    name, password = await _credentials(request)
    sessions = get_services(request).sessions
    session = await run_in_threadpool(sessions.login, name, password)      # bcrypt: off the event loop
    answer = _answer(session, 201)
    answer.set_cookie(SESSION_COOKIE, session.token, max_age=round(sessions.ttl_s), path="/", httponly=True,
                      samesite="strict", secure=request.url.scheme == "https")
    return answer


def current(request: Request) -> Response:
    """The session's user; `{"user": null}` (200, so a page probing at start logs no error) when the
    request has no live session (no cookie, or one expired, logged out or forged)."""
    token = request.cookies.get(SESSION_COOKIE)
    try:
        return _answer(get_services(request).sessions.resume(token or ""))
    except Unauthorized:
        return JSONResponse({"user": None, "expiresMs": None})


def logout(request: Request) -> Response:
    if CSRF_HEADER not in request.headers:
        raise Forbidden("A change with a session cookie needs the X-Requested-With header",
                        key="session_csrf_header")
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        get_services(request).sessions.logout(token)
    answer = Response(status_code=204)
    answer.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict",
                         secure=request.url.scheme == "https")
    return answer


def include(app: FastAPI) -> None:
    app.add_api_route(PATH, login, methods=["POST"], name="web_login")
    app.add_api_route(PATH, current, methods=["GET"], name="web_session")
    app.add_api_route(PATH, logout, methods=["DELETE"], name="web_logout")
