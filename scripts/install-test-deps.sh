#!/usr/bin/env bash
# Installs the system tools the tests use as independent peers: ffmpeg/ffprobe, GStreamer (an RTSP
# server camvault did not write, with its Python bindings for Debian's system python3), PostgreSQL
# and Chromium (headless, for the passive-screen page).
# Only installs what is missing; needs root (or sudo) and Debian's package registry.
set -euo pipefail
need=()
command -v ffprobe >/dev/null || need+=(ffmpeg)
command -v gst-launch-1.0 >/dev/null || need+=(gstreamer1.0-tools)
/usr/bin/python3 -c 'import gi; gi.require_version("GstRtspServer", "1.0"); from gi.repository import GstRtspServer' \
  2>/dev/null || need+=(python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-rtsp)
gst-inspect-1.0 x264enc >/dev/null 2>&1 || need+=(gstreamer1.0-plugins-ugly)
gst-inspect-1.0 rtph264pay >/dev/null 2>&1 || need+=(gstreamer1.0-plugins-good gstreamer1.0-plugins-base)
gst-inspect-1.0 h264parse >/dev/null 2>&1 || need+=(gstreamer1.0-plugins-bad)
gst-inspect-1.0 avdec_h265 >/dev/null 2>&1 || need+=(gstreamer1.0-libav)
# VLC as an RTSP client (tests/support/vlc.py; Debian's VLC has no live555: it plays rtsp:// via avformat)
command -v cvlc >/dev/null || need+=(vlc-bin vlc-plugin-base)
# Headless Chromium for browser tests (Playwright drives /usr/bin/chromium; no browser download)
command -v chromium >/dev/null || need+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
if ((${#need[@]})); then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
echo "test system dependencies present"
