"""Downloads of slice files for every dialect, wherever the slice lives: a local file goes out as
Starlette's FileResponse (Range, If-Range, multipart ranges); a slice that lives only in S3 is
proxied with its one asked range as 206 (Content-Range), the whole object as 200, 416 past the end."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import FileResponse, Response, StreamingResponse

from camvault.core.byte_ranges import RangeNotSatisfiable, parse_range
from camvault.store.slice_files import SliceSource


def slice_download(source: SliceSource, request: Request, *, media_type: str, filename: str) -> Response:
    if source.local is not None:
        return FileResponse(source.local, media_type=media_type, filename=filename)
    size = source.size_bytes
    headers = {"accept-ranges": "bytes", "content-disposition": f'attachment; filename="{filename}"'}
    try:
        wanted = parse_range(request.headers.get("range"), size)
    except RangeNotSatisfiable:
        return Response(status_code=416, headers={"content-range": f"bytes */{size}"})
    first, last, status = (wanted.first, wanted.last, 206) if wanted else (0, size - 1, 200)
    if wanted:
        headers["content-range"] = wanted.content_range(size)
    headers["content-length"] = str(last - first + 1)
    if request.method == "HEAD" or size == 0:
        return Response(status_code=status, headers=headers, media_type=media_type)
    return StreamingResponse(source.read(first, last), status_code=status, headers=headers, media_type=media_type)
