"""Commands (CamTrace "exturls"): a named list of steps run in order, each an HTTP(S) URL to call
or a `delay=N` pause of N seconds (as in the document: `"urls": ["http://...", "delay=10", ...]`).

Pure rules: what a valid command is, how a step is read, and how a URL is shown in logs (without
its password). Running them is `services.commands`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from camvault.core.errors import BadRequest

MAX_NAME_CHARS = 200
MAX_STEPS = 50
MAX_URL_CHARS = 2048
MAX_DELAY_S = 3600.0
_DELAY = re.compile(r"^delay=(\d{1,6}(?:\.\d{1,3})?)$", re.IGNORECASE)


@dataclass(frozen=True)
class Command:
    """One stored command; `urls` are the steps exactly as given (URLs and `delay=N` entries)."""

    id: int
    name: str
    urls: tuple[str, ...]


def delay_s(step: str) -> float | None:
    """The pause of a `delay=N` step in seconds (N may have decimals), or None for a URL step."""
    match = _DELAY.match(step.strip())
    return float(match.group(1)) if match else None


def checked_command(name: str, urls: list[str]) -> tuple[str, tuple[str, ...]]:
    """The name (trimmed) and steps of a valid command; BadRequest naming the first bad part."""
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME_CHARS or not name.isprintable():
        raise BadRequest(f"A command needs a name of 1 to {MAX_NAME_CHARS} printable characters",
                         key="command_name_required")
    if not urls or len(urls) > MAX_STEPS:
        raise BadRequest(f"A command needs 1 to {MAX_STEPS} urls", key="command_urls_required")
    steps = tuple(_checked_step(step, index) for index, step in enumerate(urls))
    if all(delay_s(step) is not None for step in steps):
        raise BadRequest(f"A command needs 1 to {MAX_STEPS} urls", key="command_urls_required")
    return name, steps


def _checked_step(step: str, index: int) -> str:
    step = step.strip() if isinstance(step, str) else ""
    delay = delay_s(step)
    if delay is not None:
        if delay > MAX_DELAY_S:
            raise BadRequest(f"urls[{index}]: a delay is at most {MAX_DELAY_S:.0f} seconds",
                             key="invalid_command_delay", index=index)
        return step
    if not _is_http_url(step):
        raise BadRequest(f"urls[{index}] must be an http:// or https:// URL or delay=N (seconds)",
                         key="invalid_command_url", index=index)
    return step


def _is_http_url(text: str) -> bool:
    if not text or len(text) > MAX_URL_CHARS or any(c.isspace() or not c.isprintable() for c in text):
        return False
    try:
        parts = urlsplit(text)
        _ = parts.port                  # raises ValueError on a bad port
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def redacted(url: str) -> str:
    """The URL with the password of its user part replaced by `***` (for logs)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))
