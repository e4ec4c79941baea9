"""A small ONVIF device for tests: a SOAP 1.2 HTTP server on 127.0.0.1 that answers the device,
media and PTZ operations camvault's ONVIF driver uses, and records every request it receives.

It is a fake *peer*: the real ONVIF client library (onvif-zeep-async, with zeep) builds the requests,
signs them with a WS-Security UsernameToken and parses the answers. The peer checks each request is a
well-formed SOAP envelope whose body element is in the namespace of the service it was posted to,
checks the UsernameToken digest against the configured password (answering a SOAP fault with HTTP
400 when it is wrong, as devices do), and keeps a `Request(service, operation, fields, user)` where
`fields` flattens the body element's descendants to `{"Velocity/PanTilt": {"x": "0.5", ...}, ...}`
(attributes, and text under the key "text").

Imaging (ver20): the peer has one video source; `imaging_options` (what `GetOptions` announces: a
setting left out is one the device does not have), `move_options` (`GetMoveOptions`) and
`imaging_settings` (the current settings, returned by `GetImagingSettings` and replaced by each
`SetImagingSettings`) are nested dicts rendered in schema order (a tuple is a `FloatRange`, a list a
repeated element). `SetImagingSettings` is refused (`ter:InvalidArgVal`) when a value lies outside
its announced range or mode list, or names a setting the options lack, and when `refuse_imaging` is
set; `Move` needs the focus in MANUAL mode and a position inside the absolute range (it is kept in
`focus_position`). `profile_video_source=False` leaves the source out of the profile, so a client
must ask `GetVideoSources`.

Thread-safe to read `requests` while it serves (a lock guards the list). `start()` / `stop()`.
"""

from __future__ import annotations

import base64
import hashlib
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SOAP = "http://www.w3.org/2003/05/soap-envelope"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
NS = {"device": "http://www.onvif.org/ver10/device/wsdl", "media": "http://www.onvif.org/ver10/media/wsdl",
      "ptz": "http://www.onvif.org/ver20/ptz/wsdl", "imaging": "http://www.onvif.org/ver20/imaging/wsdl"}
PATHS = {"device": "device_service", "media": "media", "ptz": "ptz", "imaging": "imaging"}
"""Where each service is served, under /onvif/ (device_service is the fixed ONVIF device address)."""
SCHEMA = "http://www.onvif.org/ver10/schema"


def default_imaging_options() -> dict:
    """A typical fixed dome: 0..100 picture levels, exposure and gain ranges, manual white balance
    gains 0..255, auto or manual focus."""
    return {"Brightness": (0.0, 100.0), "ColorSaturation": (0.0, 100.0), "Contrast": (0.0, 100.0),
            "Exposure": {"Mode": ["AUTO", "MANUAL"], "MaxExposureTime": (100.0, 40000.0),
                         "ExposureTime": (10.0, 40000.0), "Gain": (0.0, 36.0)},
            "Focus": {"AutoFocusModes": ["AUTO", "MANUAL"]},
            "WhiteBalance": {"Mode": ["AUTO", "MANUAL"], "YrGain": (0.0, 255.0), "YbGain": (0.0, 255.0)}}


def default_move_options() -> dict:
    return {"Absolute": {"Position": (0.0, 1000.0), "Speed": (0.1, 1.0)}}


def default_imaging_settings() -> dict:
    return {"Brightness": "50", "ColorSaturation": "50", "Contrast": "50",
            "Exposure": {"Mode": "AUTO", "MinExposureTime": "100", "MaxExposureTime": "33000", "MinGain": "0",
                         "MaxGain": "36", "ExposureTime": "10000", "Gain": "0"},
            "Focus": {"AutoFocusMode": "AUTO"}, "IrCutFilter": "AUTO", "Sharpness": "60",
            "WhiteBalance": {"Mode": "AUTO", "CrGain": "128", "CbGain": "128"}}


@dataclass(frozen=True)
class Request:
    service: str
    operation: str
    fields: dict[str, dict[str, str]]
    user: str | None


@dataclass
class OnvifPeer:
    user: str = "onvif"
    password: str = "onvif-pw"
    profile_token: str = "profile_1"
    position: tuple[float, float, float] = (0.0, 0.0, 0.0)
    requests: list[Request] = field(default_factory=list)
    video_source_token: str = "video_source_1"
    profile_video_source: bool = True
    imaging_options: dict = field(default_factory=default_imaging_options)
    move_options: dict = field(default_factory=default_move_options)
    imaging_settings: dict = field(default_factory=default_imaging_settings)
    focus_position: float | None = None
    refuse_imaging: bool = False

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        assert self._server is not None
        return self._server.server_address[1]

    def start(self) -> "OnvifPeer":
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server API)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                service = {path: name for name, path in PATHS.items()}.get(self.path.rsplit("/", 1)[-1], "")
                status, answer = peer._answer(service, body)
                payload = answer.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/soap+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *_args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="onvif-peer", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def operations(self, service: str | None = None) -> list[str]:
        with self._lock:
            return [r.operation for r in self.requests if service is None or r.service == service]

    def last(self, operation: str) -> Request:
        with self._lock:
            return next(r for r in reversed(self.requests) if r.operation == operation)

    # --- SOAP -----------------------------------------------------------------------------------
    def _answer(self, service: str, body: bytes) -> tuple[int, str]:
        root = ET.fromstring(body)
        if root.tag != f"{{{SOAP}}}Envelope":
            return 400, _fault("not a SOAP 1.2 envelope")
        element = root.find(f"{{{SOAP}}}Body")[0]
        namespace, operation = element.tag[1:].split("}")
        if NS.get(service) != namespace:
            return 400, _fault(f"{operation} ({namespace}) posted to the {service} service")
        user = self._check_token(root)
        with self._lock:
            self.requests.append(Request(service, operation, _flatten(element), user))
        if user is None and operation != "GetSystemDateAndTime":
            return 400, _fault("The security token could not be authenticated or authorized", "ter:NotAuthorized")
        handler = getattr(self, f"_{service}_{operation}", None)
        if handler is None:
            return 400, _fault(f"unsupported operation {operation}", "ter:ActionNotSupported")
        try:
            return 200, _envelope(handler(element))
        except _Refused as exc:
            return 400, _fault(str(exc), exc.subcode)

    def _check_token(self, root: ET.Element) -> str | None:
        token = root.find(f".//{{{WSSE}}}UsernameToken")
        if token is None:
            return None
        name = token.findtext(f"{{{WSSE}}}Username")
        nonce = base64.b64decode(token.findtext(f"{{{WSSE}}}Nonce") or "")
        created = token.findtext(f"{{{WSU}}}Created") or ""
        digest = base64.b64encode(hashlib.sha1(nonce + created.encode() + self.password.encode()).digest()).decode()
        return name if name == self.user and token.findtext(f"{{{WSSE}}}Password") == digest else None

    def _base(self) -> str:
        return f"http://127.0.0.1:{self.port}/onvif"

    def _device_GetServices(self, _el) -> str:
        entries = "".join(f"<tds:Service><tds:Namespace>{ns}</tds:Namespace><tds:XAddr>{self._base()}/{PATHS[name]}"
                          f"</tds:XAddr><tds:Version><tt:Major>2</tt:Major><tt:Minor>0</tt:Minor></tds:Version>"
                          f"</tds:Service>" for name, ns in NS.items())
        return f'<tds:GetServicesResponse xmlns:tds="{NS["device"]}" xmlns:tt="{SCHEMA}">{entries}' \
               f'</tds:GetServicesResponse>'

    def _media_GetProfiles(self, _el) -> str:
        source = f'<tt:VideoSourceConfiguration token="vsc_1"><tt:Name>vsc</tt:Name><tt:UseCount>1</tt:UseCount>' \
                 f'<tt:SourceToken>{self.video_source_token}</tt:SourceToken>' \
                 f'<tt:Bounds x="0" y="0" width="1920" height="1080"/></tt:VideoSourceConfiguration>'
        return f'<trt:GetProfilesResponse xmlns:trt="{NS["media"]}" xmlns:tt="{SCHEMA}">' \
               f'<trt:Profiles token="{self.profile_token}" fixed="true"><tt:Name>main</tt:Name>' \
               f'{source if self.profile_video_source else ""}</trt:Profiles></trt:GetProfilesResponse>'

    def _media_GetVideoSources(self, _el) -> str:
        return f'<trt:GetVideoSourcesResponse xmlns:trt="{NS["media"]}" xmlns:tt="{SCHEMA}">' \
               f'<trt:VideoSources token="{self.video_source_token}"><tt:Framerate>25</tt:Framerate>' \
               f'<tt:Resolution><tt:Width>1920</tt:Width><tt:Height>1080</tt:Height></tt:Resolution>' \
               f'</trt:VideoSources></trt:GetVideoSourcesResponse>'

    def _ptz_GetStatus(self, _el) -> str:
        pan, tilt, zoom = self.position
        return f'<tptz:GetStatusResponse xmlns:tptz="{NS["ptz"]}" xmlns:tt="{SCHEMA}"><tptz:PTZStatus>' \
               f'<tt:Position><tt:PanTilt x="{pan}" y="{tilt}"/><tt:Zoom x="{zoom}"/></tt:Position>' \
               f'<tt:UtcTime>2024-01-01T00:00:00Z</tt:UtcTime></tptz:PTZStatus></tptz:GetStatusResponse>'

    def _ptz_empty(self, operation: str) -> str:
        return f'<tptz:{operation}Response xmlns:tptz="{NS["ptz"]}"/>'

    def _ptz_ContinuousMove(self, _el) -> str:
        return self._ptz_empty("ContinuousMove")

    def _ptz_Stop(self, _el) -> str:
        return self._ptz_empty("Stop")

    def _ptz_AbsoluteMove(self, _el) -> str:
        return self._ptz_empty("AbsoluteMove")

    def _ptz_RelativeMove(self, _el) -> str:
        return self._ptz_empty("RelativeMove")

    def _ptz_GotoPreset(self, _el) -> str:
        return self._ptz_empty("GotoPreset")

    # --- imaging ----------------------------------------------------------------------------------
    def _imaging_answer(self, operation: str, inner: str = "") -> str:
        return f'<timg:{operation}Response xmlns:timg="{NS["imaging"]}" xmlns:tt="{SCHEMA}">{inner}' \
               f'</timg:{operation}Response>'

    def _imaging_GetOptions(self, element) -> str:
        self._check_source(element)
        return self._imaging_answer("GetOptions", f"<timg:ImagingOptions>{_render(self.imaging_options)}"
                                                  f"</timg:ImagingOptions>")

    def _imaging_GetMoveOptions(self, element) -> str:
        self._check_source(element)
        return self._imaging_answer("GetMoveOptions", f"<timg:MoveOptions>{_render(self.move_options)}"
                                                      f"</timg:MoveOptions>")

    def _imaging_GetImagingSettings(self, element) -> str:
        self._check_source(element)
        with self._lock:
            settings = _render(self.imaging_settings)
        return self._imaging_answer("GetImagingSettings", f"<timg:ImagingSettings>{settings}</timg:ImagingSettings>")

    def _imaging_SetImagingSettings(self, element) -> str:
        self._check_source(element)
        settings = _parse(element.find(f"{{{NS['imaging']}}}ImagingSettings"))
        problem = "the device refuses" if self.refuse_imaging else _outside(settings, self.imaging_options)
        if problem:
            raise _Refused(f"SetImagingSettings: {problem}")
        with self._lock:
            self.imaging_settings = settings
        return self._imaging_answer("SetImagingSettings")

    def _imaging_Move(self, element) -> str:
        self._check_source(element)
        position = float(element.findtext(f"{{{NS['imaging']}}}Focus/{{{SCHEMA}}}Absolute/{{{SCHEMA}}}Position"))
        low, high = self.move_options.get("Absolute", {}).get("Position", (1.0, 0.0))
        with self._lock:
            mode = self.imaging_settings.get("Focus", {}).get("AutoFocusMode")
            if mode != "MANUAL" or not low <= position <= high:
                raise _Refused(f"Move: position {position} (range {low}..{high}) with focus {mode}")
            self.focus_position = position
        return self._imaging_answer("Move")

    def _check_source(self, element) -> None:
        token = element.findtext(f"{{{NS['imaging']}}}VideoSourceToken")
        if token != self.video_source_token:
            raise _Refused(f"no video source {token!r}", "ter:NoSource")


class _Refused(Exception):
    """A request the peer answers with a SOAP fault (HTTP 400)."""

    def __init__(self, reason: str, subcode: str = "ter:InvalidArgVal") -> None:
        super().__init__(reason)
        self.subcode = subcode


def _render(value: dict) -> str:
    """Nested dict -> `tt:` elements in the dict's order (tuple: FloatRange, list: repeated element)."""
    parts = []
    for name, entry in value.items():
        for item in entry if isinstance(entry, list) else [entry]:
            if isinstance(item, tuple):
                inner = f"<tt:Min>{item[0]}</tt:Min><tt:Max>{item[1]}</tt:Max>"
            else:
                inner = _render(item) if isinstance(item, dict) else str(item)
            parts.append(f"<tt:{name}>{inner}</tt:{name}>")
    return "".join(parts)


def _parse(element: ET.Element) -> dict:
    """The inverse of `_render` for settings (no repeated elements): leaves as text."""
    return {child.tag.split("}")[-1]: _parse(child) if len(child) else (child.text or "").strip() for child in element}


_OPTION_NAMES = {"AutoFocusMode": "AutoFocusModes", "CrGain": "YrGain", "CbGain": "YbGain"}
_UNCHECKED = {"IrCutFilter", "Sharpness", "Extension"}


def _outside(settings: dict, options: dict, where: str = "") -> str | None:
    """The first setting `options` does not allow: a value outside its range or mode list, or a
    top-level setting the device lacks (nested values without an option are not checked)."""
    for name, value in settings.items():
        option = options.get(_OPTION_NAMES.get(name, name))
        if option is None:
            if where or name in _UNCHECKED:
                continue
            return f"{name} is not supported"
        if isinstance(value, dict):
            problem = _outside(value, option, f"{where}{name}/")
        elif isinstance(option, list):
            problem = None if value in option else f"{where}{name} {value} not in {option}"
        else:
            problem = None if option[0] <= float(value) <= option[1] else f"{where}{name} {value} outside {option}"
        if problem:
            return problem
    return None


def _flatten(element: ET.Element) -> dict[str, dict[str, str]]:
    """{"path/of/child": {attributes..., "text": text}} for every descendant of the body element."""
    out: dict[str, dict[str, str]] = {}

    def walk(node: ET.Element, prefix: str) -> None:
        for child in node:
            key = f"{prefix}{child.tag.split('}')[-1]}"
            values = dict(child.attrib)
            if child.text and child.text.strip():
                values["text"] = child.text.strip()
            out[key] = values
            walk(child, key + "/")

    walk(element, "")
    return out


def _envelope(body: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="{SOAP}"><s:Body>{body}</s:Body></s:Envelope>'


def _fault(reason: str, subcode: str = "ter:InvalidArgVal") -> str:
    return _envelope(f'<s:Fault xmlns:ter="http://www.onvif.org/ver10/error"><s:Code><s:Value>s:Sender</s:Value>'
                     f'<s:Subcode><s:Value>{subcode}</s:Value></s:Subcode></s:Code>'
                     f'<s:Reason><s:Text xml:lang="en">{reason}</s:Text></s:Reason></s:Fault>')
