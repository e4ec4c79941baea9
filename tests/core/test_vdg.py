"""VDG Sense pure rules: timestamps, the exportVideo XML (codes, safe parsing), client paths and
the token bucket."""

from __future__ import annotations

import pytest

from camvault.core import vdg
from camvault.core.vdg import (
    TokenBucket,
    VdgError,
    chunk_bytes,
    format_timestamp,
    parse_export,
    parse_timestamp,
    path_parts,
)

SERVER = "6f1c0d3e-0000-4000-8000-000000000001"
DEVICE = "6f1c0d3e-0000-4000-8000-0000000000aa"


def export_xml(devices: str, path: str = "case1", bandwidth: str = "") -> str:
    bw = f"<bandwidth>{bandwidth}</bandwidth>" if bandwidth else ""
    return f"<export><devices>{devices}</devices><path>{path}</path>{bw}</export>"


def device_xml(server=SERVER, device=DEVICE, start="2024-01-19 10:00:00.000", end="2024-01-19 10:01:00.500"):
    tags = [f"<serverid>{server}</serverid>" if server is not None else "",
            f"<deviceid>{device}</deviceid>" if device is not None else "",
            f"<starttime>{start}</starttime>" if start is not None else "",
            f"<endtime>{end}</endtime>" if end is not None else ""]
    return "<device>" + "".join(tags) + "</device>"


def code_of(raw: str) -> int:
    with pytest.raises(VdgError) as caught:
        parse_export(raw)
    return caught.value.code


def test_timestamps_round_trip_in_utc():
    ms = parse_timestamp("2024-01-19 10:00:05.042")
    assert ms == 1_705_658_405_042
    assert format_timestamp(ms) == "2024-01-19 10:00:05.042"
    assert parse_timestamp("2024-01-19 10:00:05") == 1_705_658_405_000
    assert parse_timestamp("2024-01-19 10:00:05.5") == 1_705_658_405_500


@pytest.mark.parametrize("text", ["2024-01-19T10:00:05.000", "2024-13-01 00:00:00.000", "2024-02-30 00:00:00",
                                  "19-01-2024 10:00:00", "2024-01-19 25:00:00", "", None, "2024-01-19 10:00:05.1234"])
def test_invalid_timestamps_are_code_minus_4(text):
    with pytest.raises(VdgError) as caught:
        parse_timestamp(text)
    assert caught.value.code == vdg.INVALID_TIMESTAMP == -4


def test_a_request_with_two_devices_parses_in_order_case_insensitively():
    second = device_xml(device="B", start="2024-01-19 11:00:00.000", end="2024-01-19 11:00:10.000")
    raw = (f'<?xml version="1.0"?><EXPORT><Devices>{device_xml()}{second}</Devices>'
           f"<PATH> /exports/case 1 </PATH><BandWidth>2000000</BandWidth></EXPORT>")
    spec = parse_export(raw)
    assert [d.device_id for d in spec.devices] == [DEVICE, "B"]
    assert spec.devices[0].end_ms - spec.devices[0].start_ms == 60_500
    assert spec.path == "/exports/case 1"
    assert spec.bandwidth_bytes_per_s == 2_000_000
    assert parse_export(export_xml(device_xml())).bandwidth_bytes_per_s == 0


@pytest.mark.parametrize("device, code", [
    (device_xml(server=None), vdg.NO_SERVER_ID),
    (device_xml(server=""), vdg.NO_SERVER_ID),
    (device_xml(device=None), vdg.NO_DEVICE_ID),
    (device_xml(start=None), vdg.INVALID_TIMESTAMP),
    (device_xml(end="yesterday"), vdg.INVALID_TIMESTAMP),
    (device_xml(start="2024-01-19 10:00:00.001", end="2024-01-19 10:00:00.000"), vdg.END_BEFORE_START),
    (device_xml(start="2024-01-19 10:00:00.000", end="2024-01-19 10:00:00.000"), vdg.NO_VIDEO),
])
def test_device_refusals_carry_the_documented_codes(device, code):
    assert code_of(export_xml(device)) == code


def test_no_device_no_path_and_bad_bandwidth():
    assert code_of(export_xml("")) == vdg.NO_DEVICE_ID
    assert code_of(export_xml(device_xml(), path="")) == vdg.INCORRECT_PATH
    assert code_of(export_xml(device_xml(), bandwidth="-5")) == vdg.GENERIC
    assert code_of("<other/>") == vdg.GENERIC
    assert code_of("<export><devices>") == vdg.GENERIC


def test_entity_expansion_is_refused_before_any_expansion():
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
              + "]>" + export_xml(device_xml(), path="&lol9;"))
    with pytest.raises(VdgError) as caught:
        parse_export(laughs)
    assert caught.value.code == vdg.GENERIC and caught.value.http_status == 400
    assert "DTD" in caught.value.message


def test_external_entities_are_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    xxe = (f'<?xml version="1.0"?><!DOCTYPE export [<!ENTITY x SYSTEM "file://{secret}">]>'
           + export_xml(device_xml(), path="&x;"))
    with pytest.raises(VdgError) as caught:
        parse_export(xxe)
    assert "TOP-SECRET" not in caught.value.message and caught.value.http_status == 400


def test_oversized_documents_are_refused():
    big = export_xml(device_xml(), path="a" * (vdg.MAX_BODY_BYTES + 1))
    with pytest.raises(VdgError) as caught:
        parse_export(big)
    assert caught.value.http_status == 413


def test_client_paths():
    assert path_parts("case1/cam 2") == (False, ("case1", "cam 2"))
    assert path_parts("/srv/exports//./x/") == (True, ("srv", "exports", "x"))
    assert path_parts("\\\\nas\\share") == (True, ("nas", "share"))
    for bad in ("../up", "a/../../b", "C:\\exports", "a\x00b", "a\\..\\b"):
        with pytest.raises(VdgError) as caught:
            path_parts(bad)
        assert caught.value.code == vdg.INCORRECT_PATH


def test_token_bucket_paces_at_its_rate():
    bucket = TokenBucket(1000, 100)
    assert bucket.delay_s(0.0, 100) == pytest.approx(0.1)      # starts empty
    assert bucket.delay_s(0.1, 100) == pytest.approx(0.1)      # waited: the first debt is paid
    assert bucket.delay_s(10.0, 50) == 0.0                     # idle time refills up to the burst only
    assert bucket.delay_s(10.0, 100) == pytest.approx(0.05)
    now, total = 0.0, 0
    paced = TokenBucket(2_000_000, chunk_bytes(2_000_000))
    while total < 10_000_000:                                   # a writer that sleeps what it is told
        now += paced.delay_s(now, chunk_bytes(2_000_000))
        total += chunk_bytes(2_000_000)
    assert now == pytest.approx(5.0, rel=0.01)
    assert chunk_bytes(0) == 256 * 1024 and chunk_bytes(100) == 1024
