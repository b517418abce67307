"""Who is acting: the request being served (set by AuditContextMiddleware) or, for the command
line, a user named with `acting_as(user)`. Writes recorded by audit.signals take their author here."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponseBase

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qingfeng.accounts.models import User

_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar("qingfeng_audit_request", default=None)
_actor: contextvars.ContextVar[User | AnonymousUser | None] = contextvars.ContextVar("qingfeng_audit_actor",
                                                                                     default=None)


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    ip: str | None = request.META.get("REMOTE_ADDR") or None
    return ip


def current_actor() -> tuple[User | AnonymousUser | None, str | None]:
    """(user or None, ip or None) of the write in progress."""
    actor = _actor.get()
    if actor is not None:
        return actor, None
    request = _request.get()
    if request is None:
        return None, None
    user: User | AnonymousUser | None = getattr(request, "user", None)
    return (user if user is not None and user.is_authenticated else None), client_ip(request)


@contextlib.contextmanager
def acting_as(user: User | AnonymousUser | None) -> Iterator[None]:
    """Attribute the writes inside the block to `user` (imports and other commands run as a user)."""
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)
