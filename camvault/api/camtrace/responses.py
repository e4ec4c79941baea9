"""A JSON answer built without FastAPI's response-model pass: large lists (alarms, slices) are
serialized once, with the standard json encoder, keeping headers set on the injected `Response`
(e.g. `Link`). Use it only for bodies made of plain JSON types."""

from __future__ import annotations

from fastapi import Response
from fastapi.responses import JSONResponse


def json_answer(body: dict, response: Response | None = None, status_code: int = 200) -> JSONResponse:
    answer = JSONResponse(body, status_code=status_code)
    if response is not None:
        for name, value in response.headers.items():
            if name not in ("content-length", "content-type"):
                answer.headers[name] = value
    return answer
