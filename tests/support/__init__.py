"""Test helpers: independent peers (PostgreSQL, GStreamer RTSP) and the camvault server process."""
