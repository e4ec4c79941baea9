"""The snapshot PDF report: a valid PDF whose text (extracted by pypdf, an independent reader)
holds every fact and whose image is the snapshot; text in any script with DejaVu Sans, Latin-1
with the core-font fallback; a long comment flows onto a second page instead of being cut."""

import io

import pytest
from PIL import Image
from pypdf import PdfReader

from camvault.core.model import Snapshot
from camvault.services import snapshot_report
from camvault.services.snapshot_report import render_report
from camvault.services.snapshots import MAX_COMMENT_CHARS

GENERATED_MS = 1_700_000_000_000


def jpeg(size=(320, 180)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(out, format="JPEG")
    return out.getvalue()


def snapshot(comment, camera_name="Entrée nord") -> Snapshot:
    return Snapshot(7, 3, camera_name, 2, "zoé", "2001:db8::5", 1_665_340_000_123, GENERATED_MS, comment, "x.jpg")


def text_of(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def dejavu_installed() -> bool:
    return any((d / "DejaVuSans.ttf").is_file() for d in snapshot_report.FONT_DIRS)


def test_report_holds_every_fact_and_the_picture():
    pdf = render_report(snapshot("Porte forcée"), jpeg((90, 160)), generated_ms=GENERATED_MS)
    text = text_of(pdf)
    for expected in ("Snapshot report #7", "Entrée nord (id 3)", "2022-10-09 18:26:40.123 UTC", "zoé (id 2)",
                     "2001:db8::5", "Porte forcée", "2023-11-14 22:13:20.000 UTC"):
        assert expected in text, expected
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert [img.image.size for img in page.images] == [(90, 160)]


def test_no_comment_is_said_so():
    assert "Comment (none)" in text_of(render_report(snapshot(None), jpeg(), generated_ms=GENERATED_MS))


@pytest.mark.skipif(not dejavu_installed(), reason="DejaVu Sans is not installed")
def test_any_script_with_dejavu():
    text = text_of(render_report(snapshot("Дверь открыта"), jpeg(), generated_ms=GENERATED_MS))
    assert "Дверь открыта" in text


def test_core_font_fallback_replaces_what_latin1_cannot_show(monkeypatch):
    monkeypatch.setattr(snapshot_report, "FONT_DIRS", ())
    text = text_of(render_report(snapshot("Дверь ouverte é"), jpeg(), generated_ms=GENERATED_MS))
    assert "????? ouverte é" in text and "Entrée nord" in text


def test_longest_comment_flows_onto_a_second_page():
    comment = " ".join(f"word{i}" for i in range(300))[:MAX_COMMENT_CHARS]
    last_word = comment.split()[-1]
    pdf = render_report(snapshot(comment), jpeg(), generated_ms=GENERATED_MS)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2
    assert last_word in text_of(pdf).split()
