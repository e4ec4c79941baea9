"""VDG Sense command API, pure part: result codes, the `exportVideo` XML request, timestamps
(`yyyy-mm-dd hh:nn:ss.zzz` UTC), export paths as the client writes them, and the token bucket that
throttles an export's copy.

XML is parsed with defusedxml (no DTD, no entity, no external reference: all refused) after a size
check; tags are matched case-insensitively, in any order, as the VDG Sense API promises.
Times are epoch ms UTC. No I/O here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

OK = 0
GENERIC = -1            # outside the document's table: authentication, licence, malformed request
NO_DEVICE = -2
INVALID_TIMESTAMP = -4
NO_SERVER = -17
NO_SERVER_ID = -33
NO_DEVICE_ID = -34
END_BEFORE_START = -37
NO_VIDEO = -48
NO_EXPORT_ID = -57
INCORRECT_PATH = -58
NO_DISK_SPACE = -60
CANNOT_CREATE_DIR = -61

MAX_BODY_BYTES = 64 * 1024
MAX_DEVICES = 64
_TIMESTAMP = re.compile(r"^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$")


class VdgError(Exception):
    """A VDG Sense result code other than 0, with its message; `http_status` for the transport."""

    def __init__(self, code: int, message: str, *, http_status: int = 200) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.http_status = http_status


@dataclass(frozen=True)
class DeviceRange:
    server_id: str
    device_id: str
    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class ExportSpec:
    devices: tuple[DeviceRange, ...]
    path: str
    bandwidth_bytes_per_s: int          # 0: unlimited


def parse_timestamp(text: str | None) -> int:
    """`yyyy-mm-dd hh:nn:ss[.zzz]` UTC -> epoch ms (INVALID_TIMESTAMP otherwise)."""
    match = _TIMESTAMP.match((text or "").strip())
    if match is None:
        raise VdgError(INVALID_TIMESTAMP, f"Invalid timestamp {text!r}: use yyyy-mm-dd hh:nn:ss.zzz (UTC)")
    *fields, millis = match.groups()
    try:
        moment = datetime(*(int(f) for f in fields), tzinfo=UTC)
    except ValueError:
        raise VdgError(INVALID_TIMESTAMP, f"Invalid timestamp {text!r}: no such date or time") from None
    return int(moment.timestamp()) * 1000 + int((millis or "0").ljust(3, "0"))


def format_timestamp(epoch_ms: int) -> str:
    """Epoch ms -> `yyyy-mm-dd hh:nn:ss.zzz` UTC."""
    moment = datetime.fromtimestamp(epoch_ms // 1000, tz=UTC)
    return f"{moment:%Y-%m-%d %H:%M:%S}.{epoch_ms % 1000:03d}"


def parse_xml(raw: bytes | str) -> Element:
    """A safely parsed document (size-limited; DTDs and entities refused) with lower-cased tags."""
    data = raw.encode() if isinstance(raw, str) else raw
    if len(data) > MAX_BODY_BYTES:
        raise VdgError(GENERIC, f"The XML request is larger than {MAX_BODY_BYTES} bytes", http_status=413)
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise VdgError(GENERIC, "The XML request holds a DTD or entities, which are refused",
                       http_status=400) from None
    except ParseError as exc:
        raise VdgError(GENERIC, f"The XML request is malformed: {exc}", http_status=400) from None
    for element in root.iter():
        element.tag = element.tag.lower()
    return root


def parse_export(raw: bytes | str) -> ExportSpec:
    """The `<export>` request: devices in document order, path and bandwidth, validated (codes
    -33, -34, -4, -37, -58 and GENERIC for a malformed document)."""
    root = parse_xml(raw)
    if root.tag != "export":
        raise VdgError(GENERIC, f"The XML request must be an <export> element, not <{root.tag}>", http_status=400)
    nodes = root.findall("./devices/device")
    if not nodes:
        raise VdgError(NO_DEVICE_ID, "No device given: <devices><device>...</device></devices>")
    if len(nodes) > MAX_DEVICES:
        raise VdgError(GENERIC, f"At most {MAX_DEVICES} devices per export", http_status=400)
    devices = tuple(_device(node) for node in nodes)
    path = _text(root, "path")
    if not path:
        raise VdgError(INCORRECT_PATH, "No path given")
    return ExportSpec(devices, path, _bandwidth(_text(root, "bandwidth")))


def _device(node: Element) -> DeviceRange:
    server_id, device_id = _text(node, "serverid"), _text(node, "deviceid")
    if not server_id:
        raise VdgError(NO_SERVER_ID, "No serverid given for a device")
    if not device_id:
        raise VdgError(NO_DEVICE_ID, "No deviceid given for a device")
    start_ms, end_ms = parse_timestamp(_text(node, "starttime")), parse_timestamp(_text(node, "endtime"))
    if end_ms < start_ms:
        raise VdgError(END_BEFORE_START, f"The endtime of device {device_id} is before its starttime")
    if end_ms == start_ms:
        raise VdgError(NO_VIDEO, f"The range of device {device_id} is empty (starttime = endtime)")
    return DeviceRange(server_id, device_id, start_ms, end_ms)


def _bandwidth(text: str) -> int:
    if not text:
        return 0
    if not (text.isascii() and text.isdigit()) or len(text) > 15:
        raise VdgError(GENERIC, f"Invalid bandwidth {text!r}: bytes per second, 0 for unlimited", http_status=400)
    return int(text)


def _text(node: Element, tag: str) -> str:
    found = node.find(tag)
    return (found.text or "").strip() if found is not None else ""


def path_parts(path: str) -> tuple[bool, tuple[str, ...]]:
    """(absolute?, components) of a client's path, `/` or `\\` separated; `..`, NUL and a Windows
    drive are INCORRECT_PATH; `.` and empty components are dropped."""
    if "\x00" in path or re.match(r"^[A-Za-z]:", path):
        raise VdgError(INCORRECT_PATH, f"Incorrect path {path!r}")
    unified = path.replace("\\", "/")
    parts = tuple(p for p in unified.split("/") if p not in ("", "."))
    if ".." in parts:
        raise VdgError(INCORRECT_PATH, f"Incorrect path {path!r}: '..' is not allowed")
    return unified.startswith("/"), parts


class TokenBucket:
    """Bytes per second with a small burst: `delay_s(now_s, n)` takes `n` bytes and says how long
    to wait before writing them. Starts empty, so `total / rate` seconds is the whole copy."""

    def __init__(self, rate_bytes_per_s: int, burst_bytes: int) -> None:
        if rate_bytes_per_s <= 0 or burst_bytes <= 0:
            raise ValueError("rate and burst must be positive")
        self.rate_bytes_per_s = rate_bytes_per_s
        self.burst_bytes = burst_bytes
        self._tokens = 0.0
        self._last_s: float | None = None

    def delay_s(self, now_s: float, n_bytes: int) -> float:
        if self._last_s is not None:
            elapsed = max(0.0, now_s - self._last_s)
            self._tokens = min(float(self.burst_bytes), self._tokens + elapsed * self.rate_bytes_per_s)
        self._last_s = now_s
        self._tokens -= n_bytes
        return 0.0 if self._tokens >= 0 else -self._tokens / self.rate_bytes_per_s


def chunk_bytes(rate_bytes_per_s: int) -> int:
    """The copy's write size: 256 KiB unthrottled, else a tenth of a second of bandwidth (1 KiB..256 KiB)."""
    if rate_bytes_per_s <= 0:
        return 256 * 1024
    return max(1024, min(256 * 1024, rate_bytes_per_s // 10))
