"""Who may see and do what with a camera. Pure functions over `User` and camera ids."""

from __future__ import annotations

from camvault.core.errors import Forbidden
from camvault.core.model import Profile, User


def can_view(user: User, camera_id: int) -> bool:
    """A camera is visible to admins and to users holding any right on it."""
    return user.is_admin or camera_id in user.rights


def can_play_live(user: User, camera_id: int) -> bool:
    right = user.rights.get(camera_id)
    return user.is_admin or bool(right and right.live)


def can_play_records(user: User, camera_id: int) -> bool:
    right = user.rights.get(camera_id)
    return user.is_admin or bool(right and right.records)


def can_ptz(user: User, camera_id: int) -> bool:
    right = user.rights.get(camera_id)
    return user.is_admin or bool(right and right.ptz)


def require_admin(user: User) -> None:
    """Raise Forbidden unless the user has the admin profile."""
    if not user.is_admin:
        raise Forbidden("This action requires the Admin profile", key="admin_required")


def require_profile(user: User, *profiles: Profile) -> None:
    """Raise Forbidden unless the user is an admin or has one of `profiles`."""
    if not (user.is_admin or user.profile in profiles):
        names = " or ".join(["Admin", *(p.value.capitalize() for p in profiles)])
        raise Forbidden(f"This action requires the {names} profile", key="profile_required")
