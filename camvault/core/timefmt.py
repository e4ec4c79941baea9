"""UTC time helpers. Internally times are integer milliseconds since the Unix epoch (`*_ms`);
on the wire they are ISO-8601 with a `Z` suffix."""

from __future__ import annotations

from datetime import datetime, timezone

from camvault.core.errors import BadRequest


def parse_iso_ms(text: str, *, field: str = "date") -> int:
    """Parse an ISO-8601 date-time to epoch ms. A value without a zone is taken as UTC.

    Raises BadRequest naming `field` when the text is not a date-time.
    """
    raw = text.strip()
    if raw.endswith(("Z", "z")):
        raw = raw[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise BadRequest(f"Invalid date for '{field}': {text!r} (expected ISO-8601, e.g. 2020-06-16T16:25:00Z)",
                         key="invalid_date", field=field, value=text) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return round(moment.timestamp() * 1000)


def format_iso_ms(epoch_ms: int) -> str:
    """Epoch ms -> `YYYY-MM-DDTHH:MM:SS.mmmZ` (the CamTrace slice format)."""
    moment = datetime.fromtimestamp(epoch_ms / 1000, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{epoch_ms % 1000:03d}Z"


def format_iso_s(epoch_ms: int) -> str:
    """Epoch ms -> `YYYY-MM-DDTHH:MM:SSZ` (whole seconds, the CamTrace general date format)."""
    moment = datetime.fromtimestamp(epoch_ms // 1000, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
