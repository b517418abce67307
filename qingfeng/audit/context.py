"""Who is acting: the request being served (set by AuditContextMiddleware) or, for the command
line, a user named with `acting_as(user)`. Writes recorded by audit.signals take their author here."""

from __future__ import annotations

import contextlib
import contextvars

_request: contextvars.ContextVar = contextvars.ContextVar("qingfeng_audit_request", default=None)
_actor: contextvars.ContextVar = contextvars.ContextVar("qingfeng_audit_actor", default=None)


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None if request is not None else None


def current_actor():
    """(user or None, ip or None) of the write in progress."""
    actor = _actor.get()
    if actor is not None:
        return actor, None
    request = _request.get()
    if request is None:
        return None, None
    user = getattr(request, "user", None)
    return (user if getattr(user, "is_authenticated", False) else None), client_ip(request)


@contextlib.contextmanager
def acting_as(user):
    """Attribute the writes inside the block to `user` (imports and other commands run as a user)."""
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)
