"""H.265 for RTSP (RFC 7798), the pure parts, on real libx265 output: parameter sets from a
keyframe, from Annex B extradata (encoder with a global header) and from the hvcC that ffmpeg's
Matroska muxer writes (checked against that record's own profile/tier/level bytes); packetization
reassembled back into the NAL units (single NAL unit packets and FUs with their headers), AUDs
dropped, and the reassembled units decoding; the codec seam (`codecs`) for `hevc`. Then the
synthetic camera with `codec=h265`: in-band VPS/SPS/PPS on each keyframe, and recorded to MKV
slices by camvault's recorder."""

from __future__ import annotations

import base64
import io
import threading
from fractions import Fraction

import av
import numpy as np
import pytest

from camvault.store.media import MediaStore
from camvault.video import nal
from camvault.video.live import CodecInfo, annexb_codec
from camvault.video.rtsp import codecs, h265
from camvault.video.sources import SourceError, open_source
from tests.support.media import decode_all, record_packets

WIDTH, HEIGHT = 160, 96
H265_URL = f"synthetic://?codec=h265&width={WIDTH}&height={HEIGHT}&fps=10&gop=5&bitrate=200000&realtime=0"


def x265_stream(count: int, global_header: bool) -> tuple[bytes | None, list[bytes]]:
    """(extradata, packets) of `count` noisy frames encoded by libx265 (noise makes large NAL units)."""
    ctx = av.CodecContext.create("libx265", "w")
    ctx.width, ctx.height, ctx.pix_fmt = WIDTH, HEIGHT, "yuv420p"
    ctx.time_base, ctx.framerate, ctx.gop_size = Fraction(1, 90000), Fraction(10), 5
    if global_header:
        ctx.flags |= av.codec.context.Flags.global_header
    ctx.options = {"preset": "ultrafast", "tune": "zerolatency",
                   "x265-params": "keyint=5:min-keyint=5:scenecut=0:frame-threads=1:pools=none:log-level=error"}
    ctx.open()
    rng = np.random.default_rng(7)
    packets = []
    for i in range(count):
        frame = av.VideoFrame.from_ndarray(rng.integers(0, 255, (HEIGHT * 3 // 2, WIDTH), dtype=np.uint8),
                                           format="yuv420p")
        frame.pts, frame.time_base = i * 9000, Fraction(1, 90000)
        packets += [bytes(p) for p in ctx.encode(frame)]
    packets += [bytes(p) for p in ctx.encode(None)]
    return ctx.extradata, packets


def matroska_copy(extradata: bytes | None, packets: list[bytes]) -> tuple[bytes, list[bytes]]:
    """(hvcC extradata, length-prefixed packets): the stream muxed into Matroska (which writes the
    hvcC from the parameter sets it finds in band; Annex B extradata goes in front of the first
    packet, as a raw .hevc file holds it) and read back."""
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="matroska") as out:
        stream = out.add_mux_stream("hevc", rate=10, width=WIDTH, height=HEIGHT, time_base=Fraction(1, 90000))
        for i, data in enumerate([(extradata or b"") + packets[0], *packets[1:]]):
            packet = av.Packet(data)
            packet.pts = packet.dts = i * 9000
            packet.time_base, packet.stream = Fraction(1, 90000), stream
            out.mux(packet)
    buffer.seek(0)
    with av.open(buffer) as back:
        hvcc = back.streams.video[0].codec_context.extradata
        return hvcc, [bytes(p) for p in back.demux(video=0) if p.size]


def reassemble(payloads: list[bytes]) -> list[bytes]:
    """NAL units from RFC 7798 payloads (single NAL unit packets and FUs), checking FU headers."""
    nals, current = [], None
    for p in payloads:
        if h265.nal_type(p) != 49:
            assert current is None, "a single NAL unit packet inside an FU"
            nals.append(p)
            continue
        start, end, kind = p[2] & 0x80, p[2] & 0x40, p[2] & 0x3F
        assert (current is None) == bool(start), "S bit on the first FU only"
        if start:
            current = bytes(((p[0] & 0x81) | (kind << 1), p[1]))     # F, LayerId and TID kept
        current += p[3:]
        if end:
            nals.append(current)
            current = None
    assert current is None, "an FU without its E bit"
    return nals


@pytest.mark.parametrize("global_header", [False, True])
def test_parameter_sets_in_band_annexb_and_hvcc_agree(global_header):
    extradata, packets = x265_stream(6, global_header)
    if global_header:                 # then x265 gives them in the extradata only
        assert extradata.startswith(b"\x00\x00\x00\x01") and h265.parameter_sets(None, packets[0]) is None
        in_band = h265.parameter_sets(extradata, None)
    else:
        assert extradata is None
        in_band = h265.parameter_sets(None, packets[0])
    assert [h265.nal_type(n) for n in in_band] == [32, 33, 34]
    hvcc, stored = matroska_copy(extradata, packets)
    assert hvcc[0] == 1 and nal.length_size("hevc", hvcc) == 4
    units = h265.hvcc_nals(hvcc)
    assert [n for n in units if h265.nal_type(n) in (32, 33, 34)] == list(in_band)
    assert h265.parameter_sets(hvcc, None) == in_band
    assert codecs.parameter_set_units("hevc", hvcc) == list(in_band)
    assert h265.hvcc_nals(hvcc[:30]) == []                       # a cut record gives what it holds
    for data, copied in zip(packets[1:], stored[1:], strict=True):      # length-prefixed = Annex B
        assert h265.split_nals(copied) == h265.split_nals(data)
    # the fmtp's profile/tier/level against the hvcC's own general_profile/level bytes
    ptl = h265.profile_tier_level(in_band[1])
    assert (ptl.profile_space, ptl.tier_flag, ptl.profile_id) == (hvcc[1] >> 6, (hvcc[1] >> 5) & 1, hvcc[1] & 0x1F)
    assert ptl.level_id == hvcc[12] and ptl.profile_id == 1                 # Main
    media = codecs.media_format("hevc", hvcc, None)
    assert media.rtpmap == "H265/90000"
    fields = dict(item.split("=", 1) for item in media.fmtp.split(";"))
    assert fields["profile-id"] == "1" and fields["level-id"] == str(hvcc[12]) and fields["tier-flag"] == "0"
    assert [base64.b64decode(fields[f"sprop-{k}"]) for k in ("vps", "sps", "pps")] == list(in_band)


def test_hvcc_arrays_with_several_units_keep_their_order():
    vps, sps1, sps2, pps, sei = b"\x40\x01\x0c", b"\x42\x01\x01", b"\x42\x01\x02", b"\x44\x01\xc0", b"\x4e\x01\x05"
    arrays = [(32, [vps]), (33, [sps1, sps2]), (34, [pps]), (39, [sei])]
    record = bytes([1]) + bytes(20) + bytes([0x0F, len(arrays)])                # 23-byte header, 4-byte lengths
    for kind, units in arrays:
        record += bytes([0x80 | kind]) + len(units).to_bytes(2, "big")
        record += b"".join(len(u).to_bytes(2, "big") + u for u in units)
    assert h265.hvcc_nals(record) == [vps, sps1, sps2, pps, sei]
    assert h265.parameter_sets(record, None) == (vps, sps1, pps)
    assert h265.parameter_sets(record[:-5], None) == (vps, sps1, pps)          # SEI cut off
    assert nal.length_size("hevc", record) == 4


def test_annexb_codec_turns_hvcc_into_start_codes():
    extradata, packets = x265_stream(1, True)
    hvcc, _ = matroska_copy(extradata, packets)
    info = annexb_codec(CodecInfo("hevc", WIDTH, HEIGHT, hvcc))
    assert h265.split_nals(info.extradata) == list(h265.parameter_sets(hvcc, None))


def test_payloads_reassemble_and_decode():
    _extradata, packets = x265_stream(6, False)
    aud = b"\x46\x01\x50"                                       # type 35, TID 1
    decoder = av.CodecContext.create("hevc", "r")
    pictures = 0
    fragmented = 0
    for data in packets:
        nals = h265.split_nals(data)
        payloads = h265.payloads([aud, *nals], max_size=200)
        assert all(len(p) <= 200 for p in payloads)
        assert aud not in payloads
        fus = [p for p in payloads if h265.nal_type(p) == 49]
        fragmented += len(fus)
        assert all(p[0] & 0x81 == 0 and p[1] == 0x01 for p in fus)         # F=0, LayerId 0, TID 1
        assert reassemble(payloads) == nals
        assert codecs.payloads("hevc", data) == h265.payloads(nals)
        annexb = b"".join(b"\x00\x00\x00\x01" + n for n in reassemble(payloads))
        pictures += sum(1 for f in decoder.decode(av.Packet(annexb)) if (f.width, f.height) == (WIDTH, HEIGHT))
    pictures += sum(1 for _ in decoder.decode(None))
    assert fragmented > len(packets) and pictures == len(packets)
    big = b"\x26\x01" + bytes(range(256)) * 20                  # an IDR slice: 2-byte header + 5120
    assert [len(p) for p in h265.payloads([big])] == [1400, 1400, 1400, 932]   # 5120 = 3 x 1397 + 929
    assert reassemble(h265.payloads([big])) == [big]


def test_no_format_without_parameter_sets():
    assert codecs.media_format("hevc", None, None) is None
    assert codecs.media_format("hevc", None, b"\x00\x00\x00\x01\x26\x01\xaa") is None
    assert codecs.parameter_set_units("hevc", None) == []
    assert h265.profile_tier_level(b"\x42\x01\x01") is None


def test_synthetic_h265_camera_repeats_parameter_sets_on_keyframes():
    session = open_source(H265_URL).open(threading.Event())
    assert session.info.codec == "hevc" and session.info.encoding == "H265"
    packets = []
    for packet in session.packets():
        packets.append(packet)
        if len(packets) == 11:
            break
    session.close()
    assert [i for i, p in enumerate(packets) if p.is_keyframe] == [0, 5, 10]
    assert all(b.pts - a.pts == 9000 for a, b in zip(packets, packets[1:]))
    assert all(h265.parameter_sets(None, bytes(p)) for p in packets if p.is_keyframe)
    assert not any(h265.parameter_sets(None, bytes(p)) for p in packets if not p.is_keyframe)
    decoder = av.CodecContext.create("hevc", "r")
    frames = [f for p in packets for f in decoder.decode(av.Packet(bytes(p)))] + list(decoder.decode(None))
    assert len(frames) == 11 and {(f.width, f.height) for f in frames} == {(WIDTH, HEIGHT)}


def test_synthetic_codec_parameter():
    assert open_source("synthetic://?width=64&height=64").open(threading.Event()).info.codec == "h264"
    assert open_source("synthetic://?width=64&height=64&codec=hevc").codec == "hevc"
    with pytest.raises(SourceError):
        open_source("synthetic://?codec=vp9")


def test_h265_camera_records_to_mkv_slices(tmp_path):
    media = MediaStore(tmp_path)
    made = record_packets(H265_URL, media, packets=23, slice_max_s=1)
    assert [s.stop_ms - s.start_ms for s in made] == [1000, 1000, 300]     # cut on keyframes, 10 fps
    for s in made:
        frames = decode_all(media.absolute(s.path))
        assert frames[0].key_frame and len(frames) * 100 == s.stop_ms - s.start_ms
        with av.open(str(media.absolute(s.path))) as container:
            assert container.streams.video[0].codec_context.name == "hevc"
