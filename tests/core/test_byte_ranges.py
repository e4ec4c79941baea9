"""HTTP byte ranges: the single range served as 206, what falls back to the whole resource, 416."""

import pytest

from camvault.core.byte_ranges import ByteRange, RangeNotSatisfiable, parse_range


@pytest.mark.parametrize(("header", "expected"), [
    ("bytes=0-99", ByteRange(0, 99)),
    ("bytes=100-", ByteRange(100, 999)),
    ("bytes=-10", ByteRange(990, 999)),
    ("bytes=-5000", ByteRange(0, 999)),
    ("bytes=900-5000", ByteRange(900, 999)),
    ("BYTES = 5-5", None),                   # not "bytes=": ignored
    ("bytes= 5-5", ByteRange(5, 5)),
    (None, None), ("", None), ("items=0-1", None), ("bytes=0-1,5-6", None),
    ("bytes=a-b", None), ("bytes=9-3", None), ("bytes=-", None),
])
def test_parse_range(header, expected):
    assert parse_range(header, 1000) == expected


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=1500-1600", "bytes=-0"])
def test_ranges_past_the_end_are_unsatisfiable(header):
    with pytest.raises(RangeNotSatisfiable):
        parse_range(header, 1000)


def test_content_range_and_length():
    wanted = ByteRange(100, 199)
    assert (wanted.length_bytes, wanted.content_range(1000)) == (100, "bytes 100-199/1000")
