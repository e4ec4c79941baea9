"""The SDP of a live H.264 stream (pure): one video media, payload type 96, 90 kHz clock,
track control `trackID=0` relative to the Content-Base."""

from __future__ import annotations


def describe(session_id: int, server_ip: str, name: str, fmtp: str, width: int, height: int) -> str:
    lines = ["v=0", f"o=- {session_id} 1 IN IP4 {server_ip}", f"s={name}", "c=IN IP4 0.0.0.0", "t=0 0",
             "a=tool:camvault", "a=control:*", "a=range:npt=now-",
             "m=video 0 RTP/AVP 96", "a=rtpmap:96 H264/90000", f"a=fmtp:96 {fmtp}",
             f"a=framesize:96 {width}-{height}", "a=control:trackID=0"]
    return "\r\n".join(lines) + "\r\n"
