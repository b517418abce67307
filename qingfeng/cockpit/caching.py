"""HTTP caching where it is exact: the cockpit's ETag is made of what its page is made of — the facts' version,
the assessment definition's version, the question, the user's view and the code — so it is known before anything
is computed, and a browser asking again with If-None-Match gets 304 without a single indicator being read.

The facts' version changes with every write that could change a figure: every write announces itself through
core.changes and appends the organizations it refreshed to indicators.FactLog in its own transaction (rows
committed in any order change the count and the sum of the ids), and a rebuild sets FactState.built_at."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db.models import Count, Max, Sum
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from qingfeng.core.memo import per_request


@functools.cache
def code_version() -> str:
    """The platform's own files as deployed (a new release changes the pages without changing the data)."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".html", ".mo", ".js", ".css"):
            stat = path.stat()
            digest.update(f"{path.relative_to(root)}:{stat.st_mtime_ns}:{stat.st_size}".encode())
    return digest.hexdigest()[:16]


@per_request  # the ETag and the shared figures of one page read it once
def facts_version() -> str | None:
    """None while the facts have never been built (every figure is then read from the records)."""
    from qingfeng.indicators import store
    from qingfeng.indicators.models import FactLog

    state = store.state()  # the page's figures read the same (once per request: core.memo)
    if state is None:
        return None
    log = FactLog.objects.aggregate(n=Count("id"), hi=Max("id"), s=Sum("id"))
    return f"{state.built_at.isoformat()}/{log['n']}/{log['hi']}/{log['s']}"


T = TypeVar("T")
SHARED_SECONDS = 15 * 60  # an entry nobody asks for again goes; a changed version never matches an old entry


def shared(make: Callable[[], T], *question: object) -> T:
    """What `make` builds from the facts for a question (organization, period, what the viewer may see …), built
    once and shared by every request asking the same question of the same facts: the key holds the facts' version,
    the code's, the language and the reference day, so an entry is never read after a write that could change it.
    Without built facts there is no version, and it is built each time."""
    from qingfeng.core import dates

    version = facts_version()
    if version is None:
        return make()
    text = repr((version, code_version(), get_language(), dates.today(), question))
    key = "qingfeng:shared:" + hashlib.sha256(text.encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = make()
        cache.set(key, found, SHARED_SECONDS)
    return found


def _csrf_secret(request: HttpRequest) -> str:
    """The CSRF secret the page's forms are signed with (the one the response sets when the browser has none), so
    a page held from before a new secret is never reused with a token that no longer matches."""
    get_token(request)
    return str(request.META.get("CSRF_COOKIE", ""))


def page_etag(request: HttpRequest, *parts: object) -> str | None:
    """A strong ETag for a page built from the facts for this user and question, or None when the page cannot be
    cached (facts never built, a message waiting to be shown)."""
    version = facts_version()
    if version is None or len(get_messages(request)):
        return None
    user = request.user
    who = (user.pk, getattr(user, "role", ""), getattr(user, "org_id", None), getattr(user, "sees_discipline", False),
           request.session.session_key, _csrf_secret(request))
    text = repr((version, code_version(), get_language(), request.get_full_path(), who, parts))
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def not_modified(request: HttpRequest, etag: str | None) -> HttpResponse | None:
    """304 when the browser already holds this version."""
    if etag is None:
        return None
    asked = [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]
    if etag in asked or f"W/{etag}" in asked:
        response = HttpResponseNotModified()
        return with_etag(response, etag)
    return None


def with_etag(response: HttpResponse, etag: str | None) -> HttpResponse:
    if etag is not None:
        response["ETag"] = etag
        response["Cache-Control"] = "private, no-cache"  # the browser keeps it, and asks each time
    return response
