"""VDG Sense XML results: `<result errorcode="N">` with the command's payload, or for an error
the document's description of the code and camvault's message. Built with ElementTree (values
are escaped); served as `application/xml`."""

from __future__ import annotations

from xml.etree.ElementTree import Element, SubElement, tostring

from fastapi.responses import Response

from camvault.core import vdg
from camvault.core.vdg import format_timestamp
from camvault.services.vdg_sessions import ExportStatus

DESCRIPTIONS = {
    vdg.GENERIC: "Error", vdg.NO_DEVICE: "No device", vdg.INVALID_TIMESTAMP: "Invalid Timestamp.",
    vdg.NO_SERVER: "No server", vdg.NO_SERVER_ID: "No serverID", vdg.NO_DEVICE_ID: "No deviceID",
    vdg.END_BEFORE_START: "Enddate before startdate", vdg.NO_VIDEO: "No videodata for timestamp",
    vdg.NO_EXPORT_ID: "No exportid", vdg.INCORRECT_PATH: "Incorrect path", vdg.NO_DISK_SPACE: "Not enough disk space",
    vdg.CANNOT_CREATE_DIR: "Unable to create directory",
}
MEDIA_TYPE = "application/xml"


def result(payload: Element | None = None, *, code: int = vdg.OK, message: str | None = None,
           status: int = 200, headers: dict | None = None) -> Response:
    root = Element("result", errorcode=str(code))
    if payload is not None:
        root.append(payload)
    if code != vdg.OK:
        SubElement(root, "description").text = DESCRIPTIONS.get(code, "Error")
        SubElement(root, "message").text = message or ""
    body = b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="utf-8", xml_declaration=False)
    return Response(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def error(exc: vdg.VdgError, headers: dict | None = None) -> Response:
    return result(code=exc.code, message=exc.message, status=exc.http_status, headers=headers)


def export_created(export_id: int) -> Element:
    export = Element("export")
    SubElement(export, "exportid").text = str(export_id)
    return export


def export_statuses(statuses: list[ExportStatus]) -> Element:
    exports = Element("exports")
    for s in statuses:
        export = SubElement(exports, "export")
        _fields(export, exportid=s.id, state=s.state, progress=s.progress_pct, path=s.folder,
                bandwidth=s.bandwidth_bytes_per_s)
        devices = SubElement(export, "devices")
        for d in s.devices:
            device = SubElement(devices, "device")
            _fields(device, serverid=d.device.server_id, deviceid=d.device.device_id,
                    starttime=format_timestamp(d.device.start_ms), endtime=format_timestamp(d.device.end_ms),
                    state=d.state, progress=d.progress_pct, bytes=d.bytes_written, file=d.file_name or "")
            if d.error:
                SubElement(device, "error").text = d.error
    return exports


def _fields(parent: Element, **values: object) -> None:
    for name, value in values.items():
        SubElement(parent, name).text = str(value)
