"""Errors a service raises; views, API and CLI each turn them into their own answer."""
from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    status = 400
    code = "error"

    def __init__(self, message: str, **extra: Any):
        super().__init__(message)
        self.message = message
        self.extra = extra


class Invalid(ServiceError):
    """Input failed validation; `fields` maps each field to its messages."""

    status = 422
    code = "invalid"

    def __init__(self, message: str, fields: dict[str, list[str]]):
        super().__init__(message)
        self.fields = fields


class Stale(ServiceError):
    """The record changed since the user read it; `current` is what it is now."""

    status = 409
    code = "stale"

    def __init__(self, message: str, current: Any):
        super().__init__(message)
        self.current = current


class Conflict(ServiceError):
    status = 409
    code = "conflict"


class Forbidden(ServiceError):
    status = 403
    code = "forbidden"


class NotFound(ServiceError):
    status = 404
    code = "not_found"
