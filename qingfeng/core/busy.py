"""When the database cannot take a write in time: 503 with Retry-After and a Chinese reason, never a 500.

A write waits for the database's lock (SQLite: the busy timeout of a `BEGIN IMMEDIATE`; PostgreSQL: the
`lock_timeout` on a row or table lock) longer than any write the platform makes; if it still cannot proceed,
the database raises before anything was written and the transaction rolls back. That error reaches Django's
500 handler from wherever it was raised (a view, the API, a middleware saving the session); `server_error` is
that handler: a lock error answers 503 — as JSON under /api/ — and anything else stays the plain 500 page.

`SessionMiddleware` refreshes a signed-in session's expiry (the idle timeout) at most once a minute rather than on
every request — a page read is not a write — and keeps that refresh from turning a committed write into an error:
the refresh is dropped when the database is busy, so the user never retries a write that already landed.
"""

from __future__ import annotations

import logging
import sys

from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
# PostgreSQL: lock_not_available (lock_timeout), deadlock_detected, serialization_failure, query_canceled
# (statement_timeout), too_many_connections.
PG_BUSY_STATES = {"55P03", "40P01", "40001", "57014", "53300"}
SQLITE_BUSY_WORDS = ("database is locked", "database table is locked", "database is busy")


def is_busy_error(exc: BaseException | None) -> bool:
    """Whether an exception says the database could not take the work in time (nothing of it was written)."""
    seen = 0
    while exc is not None and seen < 6:
        state = getattr(exc, "sqlstate", None) or getattr(getattr(exc, "diag", None), "sqlstate", None)
        if state in PG_BUSY_STATES:
            return True
        if isinstance(exc, OperationalError) or type(exc).__name__ == "OperationalError":
            text = str(exc).lower()
            if any(w in text for w in SQLITE_BUSY_WORDS):
                return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def busy_message() -> str:
    return _("系统正忙：其他人正在写入数据，您的操作没有保存。请 %(seconds)s 秒后重试。") % {"seconds": RETRY_AFTER_SECONDS}


def busy_response(request: HttpRequest) -> HttpResponse:
    message = busy_message()
    if request.path.startswith("/api/"):
        # The API's error shape (docs/api.md): {code, message_zh, message_en}.
        response: HttpResponse = JsonResponse({
            "code": "busy", "message_zh": message,
            "message_en": f"The database is busy with other writes; nothing was saved. Retry in {RETRY_AFTER_SECONDS} seconds.",
        }, status=503)
    else:
        # Plain HTML with no template context: the navigation would read the database that is busy. (The words are
        # asked outside the f-strings, where makemessages finds them.)
        title, back = escape(_("系统正忙")), escape(_("返回"))
        response = HttpResponse(
            f'<!doctype html><html lang="{escape(get_language() or "zh-hans")}"><head><meta charset="utf-8">'
            f'<title>{title}</title></head><body><h1>{title}</h1><p>{escape(message)}</p>'
            f'<p><a href="{escape(request.get_full_path())}">{back}</a></p></body></html>',
            status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """handler500: called by Django inside the handling of the uncaught exception, so sys.exc_info() has it."""
    exc = sys.exc_info()[1]
    if is_busy_error(exc):
        log.warning("database busy, answered 503: %s %s: %s", request.method, request.path, exc)
        return busy_response(request)
    from django.views.defaults import server_error as default

    try:
        return default(request, template_name)
    except Exception:  # noqa: BLE001 — the default handler must not fail in turn
        return HttpResponseServerError("<h1>Server Error (500)</h1>")


REFRESH_SECONDS = 60  # a signed-in session's expiry moves at most once a minute: not a write on every page read
REFRESHED = "_qf_refreshed"


class SessionMiddleware(DjangoSessionMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty():
            # The idle timeout (SESSION_COOKIE_AGE) counts from the last refresh: saving the session, which also
            # sends its cookie again with the new expiry, once a minute of activity keeps it within a minute.
            now = int(timezone.now().timestamp())  # the clock the sessions' expiry is read by
            if now - int(session.get(REFRESHED, 0)) >= REFRESH_SECONDS:
                session[REFRESHED] = now
        try:
            return super().process_response(request, response)
        except Exception as exc:
            # The database backend turns the failed save into UpdateError → SessionInterrupted (a 400); look through.
            if not is_busy_error(exc):
                raise
            session = getattr(request, "session", None)
            if session is not None and session.modified:
                # A sign-in or sign-out must not pass silently: 503, and it is retried (nothing else was written).
                return busy_response(request)
            log.warning("database busy, session refresh skipped: %s", exc)
            return response
