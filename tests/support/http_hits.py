"""A real HTTP server on 127.0.0.1 (http.server in a thread) that records every GET it receives,
with the monotonic time it arrived, for tests of code that calls URLs (CamTrace commands).

`/status/N` answers HTTP N, `/sleep/S` answers after S seconds, any other path answers 200 "ok".
`refused_url()` is a URL whose port nobody listens on.
"""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class HitServer:
    def __init__(self) -> None:
        self.hits: list[tuple[float, str]] = []
        self._cond = threading.Condition()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with server._cond:
                    server.hits.append((time.monotonic(), self.path))
                    server._cond.notify_all()
                status = 200
                if self.path.startswith("/status/"):
                    status = int(self.path.split("/")[2])
                elif self.path.startswith("/sleep/"):
                    time.sleep(float(self.path.split("/")[2]))
                body = b"ok"
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="hit-server", daemon=True)

    def __enter__(self) -> HitServer:  # noqa: PYI034
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}{path}"

    def paths(self) -> list[str]:
        with self._cond:
            return [p for _, p in self.hits]

    def wait_for(self, count: int, timeout_s: float = 10.0) -> list[tuple[float, str]]:
        """The hits once there are at least `count`; AssertionError on timeout."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.hits) >= count, timeout_s):
                raise AssertionError(f"{len(self.hits)} hits after {timeout_s} s, expected {count}: {self.hits}")
            return list(self.hits)


def refused_url(path: str = "/") -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"
