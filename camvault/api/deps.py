"""Typed dependencies shared by dialect adapters: the assembled services, from app state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from camvault.services.cameras import CameraService
from camvault.services.recordings import RecordingService
from camvault.services.system import SystemService
from camvault.services.users import UserService


@dataclass(frozen=True)
class Services:
    """Everything an adapter may call."""

    users: UserService
    cameras: CameraService
    recordings: RecordingService
    system: SystemService


def get_services(request: Request) -> Services:
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(get_services)]
