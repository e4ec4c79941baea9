"""Domain errors raised by services; each dialect maps them to its own status codes and error shapes.

`message` is English; `key` + `params` let a dialect translate it (CamTrace's Accept-Language).
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    status = 500

    def __init__(self, message: str, *, key: str | None = None, **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.key = key or type(self).__name__
        self.params = params


class BadRequest(DomainError):
    """The request is malformed or a value is out of range (400)."""

    status = 400


class Unauthorized(DomainError):
    """No credentials, or credentials that do not authenticate (401)."""

    status = 401


class Forbidden(DomainError):
    """Authenticated, but the user's rights do not allow this (403)."""

    status = 403


class NotFound(DomainError):
    """The resource does not exist or is hidden from this user (404)."""

    status = 404


class Conflict(DomainError):
    """The request conflicts with the current state (409)."""

    status = 409


class Unprocessable(DomainError):
    """Well-formed but not applicable in the current state (422)."""

    status = 422
