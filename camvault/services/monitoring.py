"""Monitoring: the licence (fields of the CamTrace document; `max_video_sources` is enforced when
cameras are added), the host's hardware (`sysinfo`, read from /proc, /sys and psutil) and health
(recorder, cameras, hardware, each with error details from the real state).

A first start writes a default licence; `POST /license` replaces it with a validated document.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import platform
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import psutil
from sqlalchemy import text

from camvault import __version__
from camvault.core.clock import Clock
from camvault.core.errors import BadRequest
from camvault.core.model import Profile, User
from camvault.core.rights import require_admin, require_profile
from camvault.store.licence import LicenceFile
from camvault.store.store import Store

log = logging.getLogger(__name__)

DEFAULT_MODULES = ["api", "maps", "messages", "metadata", "record", "scenarios", "tags", "video_relay"]
LICENCE_FIELDS = {  # field -> type of the stored licence document
    "active_modules": list, "build": int, "hardware_id": str, "license_creation_date": str, "licensed_to": str,
    "max_metadata_sources": int, "max_screens": int, "max_space_usage": int, "max_video_sources": int,
    "postal_code": str, "serial_number": str, "upgrade_expiration_date": str, "uuid": str, "version": str,
}


@dataclass
class Health:
    recorder: bool = True
    cameras: bool = True
    hardware: bool = True
    errors: dict[str, list] = field(default_factory=lambda: {"recorder": [], "cameras": [], "hardware": []})


def hardware_id() -> str:
    """A stable id of this machine (from /etc/machine-id when present)."""
    try:
        seed = Path("/etc/machine-id").read_text().strip()
    except OSError:
        seed = platform.node()
    return hashlib.sha256(seed.encode()).hexdigest()[:8].upper()


class MonitoringService:
    def __init__(self, store: Store, clock: Clock, ingest, *, min_free_bytes: int) -> None:
        self._store = store
        self._clock = clock
        self._ingest = ingest
        self._min_free_bytes = min_free_bytes
        self._file = LicenceFile(store.media.root)

    # --- licence --------------------------------------------------------------------------------
    def ensure_licence(self) -> None:
        if self._file.read() is None:
            today = datetime.fromtimestamp(self._clock.now_ms() / 1000, tz=timezone.utc).strftime("%Y%m%d")
            self._file.write({
                "active_modules": DEFAULT_MODULES, "build": int(today), "hardware_id": hardware_id(),
                "license_creation_date": today, "licensed_to": "camvault", "max_metadata_sources": 64,
                "max_screens": 64, "max_space_usage": 100, "max_video_sources": 256, "postal_code": "",
                "serial_number": hardware_id(), "upgrade_expiration_date": "", "uuid": str(uuid.uuid4()),
                "version": __version__})
            log.info("wrote a default licence to %s", self._file.path)

    def licence(self, user: User) -> dict:
        require_profile(user, Profile.MONITOR)
        content = self._file.read() or {}
        return {**content, "license_valid": self._is_valid(content),
                "current_video_sources": len(self._store.cameras.list()),
                "current_metadata_sources": self._store.metadata_connectors.count()}

    def max_video_sources(self) -> int | None:
        content = self._file.read()
        return content.get("max_video_sources") if content and self._is_valid(content) else None

    def max_metadata_sources(self) -> int | None:
        """The licence's metadata connector limit (None without a valid licence)."""
        content = self._file.read()
        return content.get("max_metadata_sources") if content and self._is_valid(content) else None

    def node_uuid(self) -> str | None:
        """This node's UUID: the licence's `uuid` (None before the first start wrote a licence)."""
        return (self._file.read() or {}).get("uuid")

    def has_module(self, module: str) -> bool:
        content = self._file.read() or {}
        return self._is_valid(content) and module in content.get("active_modules", [])

    def update_licence(self, user: User, raw: str) -> None:
        require_admin(user)
        try:
            content = json.loads(raw)
        except (TypeError, ValueError):
            raise BadRequest("The licence must be a JSON document", key="invalid_licence") from None
        problems = [f"{name} ({kind.__name__})" for name, kind in LICENCE_FIELDS.items()
                    if not isinstance(content, dict) or not isinstance(content.get(name), kind)]
        if problems:
            raise BadRequest(f"Invalid licence, missing or wrong fields: {', '.join(problems)}", key="invalid_licence")
        if content["hardware_id"] != hardware_id():
            raise BadRequest("This licence was issued for another machine (hardware_id)", key="licence_hardware")
        self._file.write(content)
        log.info("licence updated by %s: %s, %d video sources", user.name, content["licensed_to"],
                 content["max_video_sources"])

    @staticmethod
    def _is_valid(content: dict) -> bool:
        """Complete and issued for this machine (the upgrade date limits upgrades, not use)."""
        complete = all(isinstance(content.get(k), kind) for k, kind in LICENCE_FIELDS.items())
        return complete and content.get("hardware_id") == hardware_id()

    # --- sysinfo --------------------------------------------------------------------------------
    def sysinfo(self, user: User) -> dict:
        require_profile(user, Profile.MONITOR)
        return {"CPU": _cpus(), "Memory": [_size_g(psutil.virtual_memory().total)], "Network": _networks(),
                "Controller": _controllers(), "Disk": _disks(), "Partition": _partitions()}

    # --- health ---------------------------------------------------------------------------------
    def health(self, user: User) -> Health:
        require_profile(user, Profile.MONITOR)
        result = Health()
        try:
            with self._store.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:
            result.recorder = False
            result.errors["recorder"].append(f"Database unreachable: {exc.__class__.__name__}")
        self._check_cameras(result)
        self._check_hardware(result)
        return result

    def _check_cameras(self, result: Health) -> None:
        for camera in self._store.cameras.list():
            if not camera.enabled:
                continue
            for stream in camera.streams:
                if stream.ignored or stream.on_demand:
                    continue
                state = self._ingest.state(camera.id, stream.stream_id)
                error = "No image" if state is None or not state.connected else None
                if error is None and "rrecord" in stream.roles and not self._ingest.is_recording(camera.id):
                    error = "Not recording"
                if error:
                    result.cameras = False
                    result.errors["cameras"].append({"id": camera.id, "name": camera.name,
                                                     "streamName": stream.name or f"stream{stream.stream_id}",
                                                     "error": error})

    def _check_hardware(self, result: Health) -> None:
        free = self._store.media.free_bytes()
        if free < self._min_free_bytes:
            result.hardware = result.cameras = False
            result.errors["hardware"].append(f"Recording disk nearly full: {free} bytes free")
        memory = psutil.virtual_memory()
        if memory.available < memory.total * 0.05:
            result.hardware = False
            result.errors["hardware"].append(f"Memory nearly exhausted: {memory.available} bytes available")


def _size_g(n: int) -> str:
    return f"{n / 1024 ** 3:.1f}G".replace(".", ",")


def _cpus() -> list[str]:
    try:
        names = [line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                 if line.startswith("model name")]
    except OSError:
        names = []
    return sorted(set(names)) or [platform.processor() or platform.machine()]


def _networks() -> list[str]:
    found = []
    for name in sorted(psutil.net_if_addrs()):
        if name == "lo":
            continue
        driver = Path(f"/sys/class/net/{name}/device/driver")
        label = os.path.basename(os.readlink(driver)) if driver.is_symlink() else "virtual"
        found.append(f"{label} ({name})")
    return found


def _controllers() -> list[str]:
    kinds = {"0x0101": "IDE controller", "0x0104": "RAID controller", "0x0106": "SATA controller",
             "0x0107": "SAS controller", "0x0108": "NVMe controller", "0x0100": "SCSI controller"}
    found = []
    for device in sorted(Path("/sys/bus/pci/devices").glob("*")):
        try:
            kind = kinds.get((device / "class").read_text().strip()[:6])
        except OSError:
            continue
        if kind:
            driver = device / "driver"
            found.append(f"{kind} {os.path.basename(os.readlink(driver)) if driver.is_symlink() else ''} ({device.name})"
                         .replace("  ", " "))
    return found


def _disks() -> list[str]:
    found = []
    for block in sorted(Path("/sys/block").glob("*")):
        if block.name.startswith(("loop", "ram", "zram")):
            continue
        model = (block / "device" / "model")
        label = model.read_text().strip() if model.exists() else "disk"
        found.append(f"{label} ({block.name})")
    return found


def _partitions() -> list[str]:
    found = []
    for part in psutil.disk_partitions(all=False):
        try:
            usage = psutil.disk_usage(part.mountpoint)
        except OSError:
            continue
        found.append(f"{usage.total // 1024 ** 3}GiB {part.fstype.upper()} volume ({part.device})")
    return sorted(set(found))
