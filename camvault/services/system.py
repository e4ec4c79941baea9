"""The node itself: server time (for WSSE clients) and the cluster's servers (node 0 = this one)."""

from __future__ import annotations

from dataclasses import dataclass

from camvault.config import ServerConfig
from camvault.core.clock import Clock


@dataclass(frozen=True)
class Node:
    id: int
    name: str
    host: str
    http_port: int
    rtsp_port: int


class SystemService:
    def __init__(self, server: ServerConfig, clock: Clock) -> None:
        self._server = server
        self._clock = clock

    def server_time(self) -> tuple[int, str]:
        """(epoch seconds, IANA time zone)."""
        return self._clock.now_ms() // 1000, self._server.timezone

    def nodes(self, request_host: str) -> list[Node]:
        """This node only until clustering exists; its host is the configured public host or the
        host the client used to reach it."""
        host = self._server.public_host or request_host
        return [Node(0, self._server.name, host, self._server.http_port, self._server.rtsp_port)]
