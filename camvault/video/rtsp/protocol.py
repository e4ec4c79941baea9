"""RTSP 1.0 message parsing and formatting (pure, no I/O).

A request is a request line, headers (case-insensitive names) and an optional body of
Content-Length bytes. Responses always carry CSeq back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import unquote, urlsplit

from camvault.core.credentials import decode_basic
from camvault.video.feeds import PlayRange

REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
           405: "Method Not Allowed", 454: "Session Not Found", 455: "Method Not Valid in This State",
           457: "Invalid Range", 459: "Aggregate Operation Not Allowed", 461: "Unsupported Transport", 500: "Internal Server Error",
           501: "Not Implemented", 503: "Service Unavailable"}


@dataclass
class Request:
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)     # lower-case names
    body: bytes = b""

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name.lower(), default)

    @property
    def cseq(self) -> str:
        return self.header("cseq", "0")


def parse_head(head: bytes) -> Request:
    """The request line and headers (`head` ends before the blank line). ValueError if malformed."""
    lines = head.decode("utf-8", "replace").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("RTSP/"):
        raise ValueError(f"bad request line: {lines[0]!r}")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep:
            raise ValueError(f"bad header line: {line!r}")
        headers[name.strip().lower()] = value.strip()
    return Request(parts[0].upper(), parts[1], headers)


def response(status: int, cseq: str, headers: dict[str, str] | None = None, body: bytes = b"") -> bytes:
    lines = [f"RTSP/1.0 {status} {REASONS.get(status, 'Error')}", f"CSeq: {cseq}", "Server: camvault"]
    for name, value in (headers or {}).items():
        for one in value if isinstance(value, list) else [value]:      # a list: the header repeated
            lines.append(f"{name}: {one}")
    if body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def url_path(url: str) -> str:
    """The path of an rtsp:// URL (or of a bare path), without its leading slash."""
    return unquote(urlsplit(url).path if "://" in url else url).lstrip("/")


def url_credentials(url: str) -> tuple[str, str] | None:
    parts = urlsplit(url) if "://" in url else None
    if parts is None or parts.username is None:
        return None
    return unquote(parts.username), unquote(parts.password or "")


def basic_credentials(authorization: str) -> tuple[str, str] | None:
    """(user, password) of an `Authorization: Basic ...` header, None if absent or not Basic."""
    scheme, _, token = authorization.partition(" ")
    return decode_basic(token) if scheme.lower() == "basic" else None


@dataclass(frozen=True)
class Transport:
    """What a client asked for in SETUP: interleaved TCP channels or UDP client ports."""

    tcp: bool
    channels: tuple[int, int] = (0, 1)
    client_ports: tuple[int, int] | None = None


def parse_transport(value: str) -> Transport | None:
    """The first acceptable RTP/AVP unicast transport in a Transport header, None if none is."""
    for spec in value.split(","):
        fields = [f.strip() for f in spec.split(";")]
        proto, params = fields[0].upper(), dict(_param(f) for f in fields[1:])
        if "multicast" in params:
            continue
        try:
            if proto == "RTP/AVP/TCP":
                return Transport(True, _pair(params.get("interleaved", "0-1")))
            if proto in ("RTP/AVP", "RTP/AVP/UDP") and "client_port" in params:
                return Transport(False, client_ports=_pair(params["client_port"]))
        except ValueError:
            continue
    return None


def _param(text: str) -> tuple[str, str]:
    name, _, value = text.partition("=")
    return name.lower(), value


def _pair(text: str) -> tuple[int, int]:
    first, _, second = text.partition("-")
    a = int(first)
    return a, int(second) if second else a + 1


def parse_range(value: str) -> PlayRange | None:
    """The start of a `Range:` header: `npt=<seconds or h:m:s>-[end]` or `clock=<YYYYMMDDThhmmss[.f]Z>-[end]`.
    None when absent or `npt=now-`; ValueError when malformed or of another unit (smpte)."""
    spec = value.split(";")[0].strip()
    if not spec:
        return None
    unit, sep, rest = spec.partition("=")
    start = rest.partition("-")[0].strip()
    unit = unit.strip().lower()
    if not sep or not start:
        raise ValueError(f"bad range {value!r}")
    if unit == "npt":
        return None if start == "now" else PlayRange(npt_s=_npt_seconds(start))
    if unit == "clock":
        return PlayRange(clock_ms=_clock_ms(start))
    raise ValueError(f"unsupported range unit {unit!r}")


def _npt_seconds(text: str) -> float:
    parts = [float(p) for p in text.split(":")]
    if len(parts) > 3 or any(p < 0 for p in parts):
        raise ValueError(f"bad npt time {text!r}")
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + part
    return seconds


def _clock_ms(text: str) -> int:
    if not text.upper().endswith("Z"):
        raise ValueError(f"bad clock time {text!r}")
    whole, _, fraction = text[:-1].partition(".")
    moment = datetime.strptime(whole, "%Y%m%dT%H%M%S").replace(tzinfo=timezone.utc)
    return round(moment.timestamp() * 1000 + float(f"0.{fraction or 0}") * 1000)


def format_clock(epoch_ms: int) -> str:
    """A wall-clock time as an RTSP `clock=` value (UTC, milliseconds)."""
    moment = datetime.fromtimestamp(epoch_ms / 1000, timezone.utc)
    return moment.strftime("%Y%m%dT%H%M%S") + f".{epoch_ms % 1000:03d}Z"
