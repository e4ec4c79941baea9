"""`POST /fleet/oauth/token`: the OAuth2 client-credentials grant (RFC 6749 section 4.4). The body is
`application/x-www-form-urlencoded` (the RFC's) or JSON; the client may authenticate with HTTP Basic
instead of `client_id`/`client_secret` in the body. Answers and errors are RFC 6749's, never cached."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from camvault.api.deps import get_services
from camvault.core.credentials import decode_basic
from camvault.services.fleet_tokens import OAuthError

router = APIRouter()
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


@router.post("/oauth/token")
async def token(request: Request) -> JSONResponse:
    try:
        fields = _fields(request.headers.get("content-type", ""), await request.body())
        basic = _basic(request)
        client_id, client_secret = basic or (fields.get("client_id"), fields.get("client_secret"))
        tokens = get_services(request).fleet.tokens
        answer = await anyio.to_thread.run_sync(tokens.issue, fields.get("grant_type"), client_id, client_secret,
                                                fields.get("scope"))
    except OAuthError as exc:
        headers = dict(NO_STORE)
        if exc.status == 401:
            headers["WWW-Authenticate"] = 'Basic realm="camvault"'
        return JSONResponse({"error": exc.error, "error_description": exc.description}, status_code=exc.status,
                            headers=headers)
    return JSONResponse(answer, headers=NO_STORE)


def _fields(content_type: str, raw: bytes) -> dict[str, str]:
    if content_type.split(";")[0].strip().lower() == "application/json":
        try:
            data = json.loads(raw or b"{}")
        except ValueError:
            raise OAuthError("invalid_request", "The body is not valid JSON") from None
        if not isinstance(data, dict):
            raise OAuthError("invalid_request", "The body must be a JSON object")
        return {k: str(v) for k, v in data.items() if v is not None}
    return dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))


def _basic(request: Request) -> tuple[str, str] | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    credentials = decode_basic(value)
    if credentials is None:
        raise OAuthError("invalid_client", "Malformed Basic credentials", 401)
    return credentials
