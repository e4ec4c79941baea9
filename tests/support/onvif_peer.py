"""A small ONVIF device for tests: a SOAP 1.2 HTTP server on 127.0.0.1 that answers the device,
media and PTZ operations camvault's ONVIF driver uses, and records every request it receives.

It is a fake *peer*: the real ONVIF client library (onvif-zeep-async, with zeep) builds the requests,
signs them with a WS-Security UsernameToken and parses the answers. The peer checks each request is a
well-formed SOAP envelope whose body element is in the namespace of the service it was posted to,
checks the UsernameToken digest against the configured password (answering a SOAP fault with HTTP
400 when it is wrong, as devices do), and keeps a `Request(service, operation, fields, user)` where
`fields` flattens the body element's descendants to `{"Velocity/PanTilt": {"x": "0.5", ...}, ...}`
(attributes, and text under the key "text").

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
      "ptz": "http://www.onvif.org/ver20/ptz/wsdl"}
PATHS = {"device": "device_service", "media": "media", "ptz": "ptz"}
"""Where each service is served, under /onvif/ (device_service is the fixed ONVIF device address)."""
SCHEMA = "http://www.onvif.org/ver10/schema"


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
        return 200, _envelope(handler(element))

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
        return f'<trt:GetProfilesResponse xmlns:trt="{NS["media"]}" xmlns:tt="{SCHEMA}">' \
               f'<trt:Profiles token="{self.profile_token}" fixed="true"><tt:Name>main</tt:Name></trt:Profiles>' \
               f'</trt:GetProfilesResponse>'

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
