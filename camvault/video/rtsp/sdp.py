"""The SDP of a video stream (pure): one video media, payload type 96, 90 kHz clock, track control
`trackID=0` relative to the Content-Base."""

from __future__ import annotations

from camvault.video.rtsp.codecs import MediaFormat


def describe(session_id: int, server_ip: str, name: str, media: MediaFormat, width: int, height: int,
             time_range: str = "npt=now-") -> str:
    """`time_range`: the session's `a=range:` (live: `npt=now-`; replay: `npt=0-<seconds>`)."""
    lines = ["v=0", f"o=- {session_id} 1 IN IP4 {server_ip}", f"s={name}", "c=IN IP4 0.0.0.0", "t=0 0",
             "a=tool:camvault", "a=control:*", f"a=range:{time_range}",
             "m=video 0 RTP/AVP 96", f"a=rtpmap:96 {media.rtpmap}", f"a=fmtp:96 {media.fmtp}",
             f"a=framesize:96 {width}-{height}", "a=control:trackID=0"]
    return "\r\n".join(lines) + "\r\n"
