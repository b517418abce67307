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
from typing import TYPE_CHECKING, TypeVar

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db.models import Count, Max, Q, Sum
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from qingfeng.core.memo import per_request

if TYPE_CHECKING:
    from qingfeng.orgs.models import Organization


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
def facts_version(org_id: int | None = None, path: str = "") -> str | None:
    """None while the facts have never been built (every figure is then read from the records).

    For the figures of one organization's subtree (`org_id`, its `path`), only the writes that refreshed an
    organization of that subtree or one of its ancestors count, with every tree move and requirement change: a
    write elsewhere changes only the rolled-up rows of its own organization's ancestors, never a row of this
    subtree, so a district's cockpit stays valid while the branches of other districts record their meetings."""
    from qingfeng.indicators import store
    from qingfeng.indicators.models import FactLog, OrgAncestor
    from qingfeng.orgs.models import PATH_SEP, Organization

    state = store.state()  # the page's figures read the same (once per request: core.memo)
    if state is None:
        return None
    log = FactLog.objects.all()
    if org_id is not None and PATH_SEP in path.strip(PATH_SEP):  # below the root (the root's subtree: every write)
        inside = Organization.objects.filter(path__startswith=path).values("pk")
        above = OrgAncestor.objects.filter(descendant_id=org_id).values("ancestor_id")
        log = log.filter(Q(org_id__in=inside) | Q(org_id__in=above) | ~Q(kind="o"))
    found = log.aggregate(n=Count("id"), hi=Max("id"), s=Sum("id"))
    return f"{state.built_at.isoformat()}/{org_id}/{found['n']}/{found['hi']}/{found['s']}"


T = TypeVar("T")
SHARED_SECONDS = 15 * 60  # an entry nobody asks for again goes; a changed version never matches an old entry


def _scope(org: Organization | None) -> tuple[int, str] | tuple[()]:
    """facts_version's arguments for the figures of `org`'s subtree (none: of everything)."""
    return () if org is None else (org.pk, org.path)


def shared(make: Callable[[], T], *question: object, org: Organization | None = None) -> T:
    """What `make` builds from the facts for a question (organization, period, what the viewer may see …), built
    once and shared by every request asking the same question of the same facts: the key holds the facts' version,
    the code's, the language and the reference day, so an entry is never read after a write that could change it.
    Without built facts there is no version, and it is built each time. `org`: the figures are of its subtree
    only (facts_version)."""
    from qingfeng.core import dates

    version = facts_version(*_scope(org))
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


def page_etag(request: HttpRequest, *parts: object, org: Organization | None = None) -> str | None:
    """A strong ETag for a page built from the facts for this user and question, or None when the page cannot be
    cached (facts never built, a message waiting to be shown). `org`: the page shows its subtree only (its
    ancestors' names too: a write to an ancestor counts)."""
    version = facts_version(*_scope(org))
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
