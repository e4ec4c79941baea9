"""camvault's own RTSP 1.0 service (asyncio): protocol parsing, SDP, RTP packetization, sessions and
the server. Pure modules (protocol, sdp, codecs, h264, h265) are testable alone;
`server.RtspWorker` runs the service on its own thread and event loop."""
