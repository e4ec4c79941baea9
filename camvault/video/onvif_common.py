"""Helpers shared by camvault's ONVIF drivers (PTZ, imaging): a short reason for a log line, closing
a device connection without hiding the error that led there, and waiting for (or abandoning) a
connection still being made when a driver shuts down. Run on the drivers' asyncio loop thread."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

log = logging.getLogger(__name__)


def reason(exc: BaseException | None) -> str:
    """The first line of an error's text (at most 300 characters), or its type's name."""
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:300]


async def close_camera(camera: Any, where: str) -> None:
    try:
        await camera.close()
    except Exception as exc:  # closing must not hide the error that led here
        log.warning("ONVIF %s: closing failed: %s", where, reason(exc))


async def settle_connecting(task: asyncio.Future | None, timeout_s: float, where: str) -> None:
    """Wait at most `timeout_s` for a connection being made, then cancel it if it is still going."""
    if task is None:
        return
    try:
        await asyncio.wait_for(asyncio.shield(task), timeout_s)
    except (Exception, asyncio.TimeoutError):  # its failure was reported to its callers
        pass
    if not task.done():
        log.warning("ONVIF %s: abandoning a connection still being made", where)
        task.cancel()
