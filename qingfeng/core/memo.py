"""Per-request memoisation: what a page reads several times while it is built — the facts' state, the requirements,
a user's scope — is read once per request.

Only while a GET or HEAD request is answered (`RequestMemoMiddleware`): such a request writes nothing its own reads
could see, so a value read once stays true until the response is made. Anywhere else — a write, a command, a job,
a test calling functions directly — every call reads again. Values are shared between callers of the same request:
memoise functions whose results nobody mutates."""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_memo: ContextVar[dict[tuple[Any, ...], Any] | None] = ContextVar("request_memo", default=None)


def per_request(func: F) -> F:
    """Memoise `func` (hashable arguments) for the current GET request."""

    @functools.wraps(func)
    def wrapper(*args: Any) -> Any:
        memo = _memo.get()
        if memo is None:
            return func(*args)
        key = (func, args)
        if key not in memo:
            memo[key] = func(*args)
        return memo[key]

    return wrapper  # type: ignore[return-value]


class RequestMemoMiddleware:
    """Opens a memo for each GET or HEAD request, closed with the response (a streamed body reads without it)."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)
