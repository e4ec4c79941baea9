"""Bandit JSON shapes: listings `{"total": N, "items": [...]}` (no `items` for count 0), video and
image items with the document's field names (optional fields omitted when they do not apply), the
version and the status the Android SDK reads."""

from __future__ import annotations

from dataclasses import asdict

from camvault.services.bandit import ImageItem, Listing, VideoItem
from camvault.services.bandit_status import MediaStatus

API_VERSION = "2"
API_REVISION = "1"


def item_json(item: VideoItem | ImageItem) -> dict:
    """Every field with a value; None marks a field that does not apply (e.g. lat_deg without a
    configured position, number_of_files outside session listings)."""
    return {name: value for name, value in asdict(item).items() if value is not None}


def listing_json(listing: Listing) -> dict:
    body: dict = {"total": listing.total}
    if listing.items is not None:
        body["items"] = [item_json(i) for i in listing.items]
    return body


def version_json() -> dict:
    return {"version": API_VERSION, "revision": API_REVISION, "supported_versions": [API_VERSION]}


def status_json(status: MediaStatus) -> dict:
    """The fields of the SDK's CameraStatusV2 from node data; `recoding_secs` is spelled as the
    SDK reads it (and `recording_secs` as well). A VMS node is mains-powered: battery 100 %."""
    return {
        "recording_active": status.recording_active,
        "recoding_secs": status.recording_secs,
        "recording_secs": status.recording_secs,
        "battery_level_pct": 100,
        "battery_charging": False,
        "gnss_fix": status.has_position,
        "gnss_strength_pct": 100 if status.has_position else 0,
        "heart_rate_sensor_connected": False,
        "cadence_sensor_connected": False,
        "preview_active": False,
        "viewfinder_active": False,
        "viewfinder_streaming_port": 0,
        "backchannel_port": 0,
        "memory_free_bytes": status.memory_free_bytes,
        "memory_total_bytes": status.memory_total_bytes,
        "remaining_time_secs": status.remaining_time_secs,
        "remaining_photos": status.remaining_photos,
    }
