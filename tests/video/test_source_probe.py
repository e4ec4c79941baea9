"""`video.source_probe`: the first picture of a real synthetic H.264 source, and the failure kinds
of real connection errors (a refused port, an unknown host). The RTSP answers 401 and 404 of a real
server are covered over HTTP in tests/api/test_camtrace_source_check.py."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from camvault.video.source_probe import ProbeError, ProbeFailure, first_picture
from camvault.video.sources import open_source
from tests.support.rtsp_peer import free_port


def test_first_picture_of_a_synthetic_source():
    probe = first_picture(open_source("synthetic://?width=160&height=90&fps=5", label="Probe"), threading.Event())
    assert probe.picture.size == (160, 90)
    assert probe.info.encoding == "H264"
    assert np.asarray(probe.picture).std() > 5            # a real picture, not a flat grey frame


def test_a_stopped_probe_gives_no_picture():
    stop = threading.Event()
    stop.set()
    with pytest.raises(ProbeError) as caught:
        first_picture(open_source("synthetic://?width=160&height=90&fps=5"), stop)
    assert caught.value.failure is ProbeFailure.NO_VIDEO


@pytest.mark.parametrize("url", [lambda: f"rtsp://127.0.0.1:{free_port()}/cam", lambda: "rtsp://camvault-nowhere.invalid/cam"],
                         ids=["closed port", "unknown host"])
def test_no_connection_is_unreachable(url):
    url = url()
    with pytest.raises(ProbeError) as caught:
        first_picture(open_source(url), threading.Event())
    assert caught.value.failure is ProbeFailure.UNREACHABLE
    assert "127.0.0.1" not in caught.value.detail and "nowhere" not in caught.value.detail   # no URL in the reason
