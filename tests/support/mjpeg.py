"""A browser-style MJPEG client: reads a `multipart/x-mixed-replace` answer part by part from an
httpx streaming response, checking each part's headers, and an in-process uvicorn server (real
sockets, real streaming) on a thread for an assembled node's HTTP application."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Self

import httpx
import uvicorn
from PIL import Image

from tests.support.server import free_port


@dataclass(frozen=True)
class Part:
    headers: dict[str, str]
    body: bytes
    received_s: float

    def image(self) -> Image.Image:
        image = Image.open(io.BytesIO(self.body))
        image.load()
        return image


def boundary_of(response: httpx.Response) -> str:
    content_type = response.headers["content-type"]
    assert content_type.startswith("multipart/x-mixed-replace"), content_type
    return content_type.split("boundary=", 1)[1].strip().strip('"')


def parts(response: httpx.Response) -> Iterator[Part]:
    """The parts of a streaming multipart answer as they arrive; each must carry Content-Length."""
    delimiter = b"--" + boundary_of(response).encode()
    buffer = b""
    chunks = response.iter_raw()
    while True:
        while b"\r\n\r\n" not in buffer:
            buffer += next(chunks)
        head, buffer = buffer.split(b"\r\n\r\n", 1)
        lines = head.strip(b"\r\n").split(b"\r\n")
        assert lines[0] == delimiter, lines[0]
        headers = {k.strip().lower(): v.strip() for k, v in (line.decode().split(":", 1) for line in lines[1:])}
        length = int(headers["content-length"])
        while len(buffer) < length + 2:
            buffer += next(chunks)
        body, tail, buffer = buffer[:length], buffer[length:length + 2], buffer[length + 2:]
        assert tail == b"\r\n"
        yield Part(headers, body, time.monotonic())


class ThreadedServer:
    """uvicorn serving `app` on 127.0.0.1 from a thread (its lifespan starts and stops the node)."""

    def __init__(self, app) -> None:
        self.port = free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    timeout_graceful_shutdown=2))
        self._thread = threading.Thread(target=self.server.run, name="uvicorn", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Self:
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert self._thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *_exc) -> None:
        self.server.should_exit = True
        self._thread.join(30)
