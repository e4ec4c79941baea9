"""The PDF report of a snapshot (fpdf2): the picture, then camera name and id, time (UTC), user,
client IP address and comment, on one A4 page.

Text is set in DejaVu Sans when the font is installed (any language a comment may be written in),
else in the PDF core font Helvetica (Latin-1; other characters become '?'). Pure function of its
inputs apart from reading the font file; safe to call from any thread. Lengths in mm.
"""

from __future__ import annotations

import io
from datetime import datetime, timezone
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from PIL import Image

from camvault.core.model import Snapshot

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
             Path("/usr/share/fonts/TTF"), Path("/usr/local/share/fonts"))
PAGE_MARGIN_MM = 15.0
IMAGE_MAX_H_MM = 130.0
LABEL_W_MM = 45.0
LINE_H_MM = 7.0


def render_report(snapshot: Snapshot, jpeg: bytes, *, generated_ms: int) -> bytes:
    """The report as PDF bytes."""
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(PAGE_MARGIN_MM, PAGE_MARGIN_MM, PAGE_MARGIN_MM)
    pdf.set_auto_page_break(True, margin=PAGE_MARGIN_MM)
    pdf.set_title(f"Snapshot {snapshot.id}")
    pdf.set_author("camvault")
    pdf.set_creation_date(_utc(generated_ms))
    family = _choose_font(pdf)
    pdf.add_page()
    pdf.set_font(family, "B", 16)
    _line(pdf, f"Snapshot report #{snapshot.id}", height=10)
    _image(pdf, jpeg)
    for label, value in _fields(snapshot, generated_ms):
        _field(pdf, family, label, value)
    return bytes(pdf.output())


def _fields(s: Snapshot, generated_ms: int) -> list[tuple[str, str]]:
    return [("Camera", f"{s.camera_name} (id {s.camera_id})"),
            ("Time (UTC)", _utc_text(s.time_ms)),
            ("User", f"{s.user_name} (id {s.user_id})"),
            ("IP address", s.ip),
            ("Comment", s.comment if s.comment is not None else "(none)"),
            ("Generated (UTC)", _utc_text(generated_ms))]


def _image(pdf: FPDF, jpeg: bytes) -> None:
    with Image.open(io.BytesIO(jpeg)) as picture:
        width_px, height_px = picture.size
    width_mm = pdf.epw
    height_mm = width_mm * height_px / width_px
    if height_mm > IMAGE_MAX_H_MM:
        width_mm, height_mm = IMAGE_MAX_H_MM * width_px / height_px, IMAGE_MAX_H_MM
    x_mm = PAGE_MARGIN_MM + (pdf.epw - width_mm) / 2
    pdf.ln(2)
    pdf.image(io.BytesIO(jpeg), x=x_mm, y=pdf.get_y(), w=width_mm, h=height_mm)
    pdf.set_y(pdf.get_y() + height_mm + 6)


def _field(pdf: FPDF, family: str, label: str, value: str) -> None:
    pdf.set_font(family, "B", 11)
    pdf.cell(LABEL_W_MM, LINE_H_MM, _printable(pdf, label), new_x=XPos.RIGHT, new_y=YPos.TOP)
    pdf.set_font(family, "", 11)
    pdf.multi_cell(0, LINE_H_MM, _printable(pdf, value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _line(pdf: FPDF, text: str, *, height: float) -> None:
    pdf.cell(0, height, _printable(pdf, text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _choose_font(pdf: FPDF) -> str:
    """'DejaVu' when its regular and bold files are found, else the core font 'Helvetica'."""
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            pdf.add_font("DejaVu", "", str(regular))
            pdf.add_font("DejaVu", "B", str(bold))
            return "DejaVu"
    return "Helvetica"


def _printable(pdf: FPDF, text: str) -> str:
    """Core fonts only know Latin-1: replace what they cannot show."""
    if pdf.font_family == "helvetica":
        return text.encode("latin-1", "replace").decode("latin-1")
    return text


def _utc(epoch_ms: int) -> datetime:
    return datetime.fromtimestamp(epoch_ms / 1000, tz=timezone.utc)


def _utc_text(epoch_ms: int) -> str:
    return _utc(epoch_ms).strftime("%Y-%m-%d %H:%M:%S.") + f"{epoch_ms % 1000:03d} UTC"
