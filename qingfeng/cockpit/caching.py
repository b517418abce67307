"""HTTP caching where it is exact: the cockpit's ETag is made of what its page is made of — the facts' version,
the assessment definition's version, the question, the user's view and the code — so it is known before anything
is computed, and a browser asking again with If-None-Match gets 304 without a single indicator being read.

The facts' version changes with every write that could change a figure: every write announces itself through
core.changes and appends the organizations it refreshed to indicators.FactLog in its own transaction (rows
committed in any order change the count and the sum of the ids), and a rebuild sets FactState.built_at."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import hashlib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db.models import Count, Max, Sum
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from qingfeng.core.memo import per_request

if TYPE_CHECKING:
    from qingfeng.core.indicators import Value
    from qingfeng.indicators.engine import GridAsk, Viewer
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

    state = store.state()  # the page's figures read the same (once per request: core.memo)
    if state is None:
        return None
    return _version(state.built_at, org_id, *_counted(path))


def _version(built_at: dt.datetime, org_id: int | None, n: int, hi: int | None, total: int | None) -> str:
    """A subtree's version from the log rows it counts: their number, largest id and sum. New rows have larger ids,
    trimming the log takes the oldest first and leaves a row every subtree counts (store.trim_log), so a version
    never comes back once a write changed it."""
    return f"{built_at.isoformat()}/{org_id}/{n}/{hi}/{total}"


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


def subtree_versions(questions: Iterable[tuple[Organization, dt.date]]) -> dict[tuple[int, dt.date], str] | None:
    """facts_version of each organization's subtree for the figures of a period ending on the day given, from the one
    read of the log a request makes (`_logged`): a write that changed only facts dated after that day does not count
    (FactLog.since), so the figures of last month survive today's meetings. None while the facts were never built."""
    from qingfeng.indicators import store

    state = store.state()
    if state is None:
        return None
    log = _logged()
    # a grid asks of the same organization and day many times (the keys of a page): each once
    return {(org.pk, end): _version(state.built_at, org.pk, *log.counted(org.path, end))
            for (_pk, end), org in {(o.pk, e): o for o, e in questions}.items()}


def _counted(path: str) -> tuple[int, int, int]:
    """(count, largest id, sum of ids) of the log rows the subtree at `path` counts ("": every row)."""
    return _logged().counted(path)


Group = tuple[dt.date | None, int, int, int]  # first day changed (None: any), count, largest id, sum of ids


class Log:
    """The log grouped by organization and first day changed, for counting what a subtree counts: the rows of a write
    that refreshed an organization inside it or one of its ancestors (a prefix of its path), or of one that counts for
    everyone (a move, a requirement change, a trim, an organization no longer there)."""

    def __init__(self, groups: list[tuple[str | None, Group]]):
        self.everyone = [g for path, g in groups if path is None]
        self.by_path: dict[str, list[Group]] = {}
        for path, g in groups:
            if path is not None:
                self.by_path.setdefault(path, []).append(g)
        self.paths = sorted(self.by_path)
        self._subtrees: dict[str, list[Group]] = {}

    def _of(self, path: str) -> list[Group]:
        found = self._subtrees.get(path)
        if found is None:
            found = list(self.everyone)
            lo, hi = bisect.bisect_left(self.paths, path), bisect.bisect_left(self.paths, path + "\uffff")
            for inside in self.paths[lo:hi]:  # the organization and its subtree
                found += self.by_path[inside]
            parts = [c for c in path.split("/") if c]
            for i in range(1, len(parts)):  # its ancestors
                found += self.by_path.get("/" + "/".join(parts[:i]) + "/", [])
            self._subtrees[path] = found
        return found

    def counted(self, path: str, end: dt.date | None = None) -> tuple[int, int, int]:
        """(count, largest id, sum of ids) of the rows the subtree at `path` counts ("": every row); `end`: for the
        figures of a period ending that day (a write whose first changed day is later does not count)."""
        n = hi = total = 0
        for since, count, top, ids in self._of(path):
            if end is None or since is None or since <= end:
                n, hi, total = n + count, max(hi, top), total + ids
        return n, hi, total


@per_request  # a page asking for several grids reads the log once, and every grid of it the same log
def _logged() -> Log:
    """The log grouped by the organization refreshed (its path; None for a write that counts for everyone) and the
    first day the write changed for it."""
    from qingfeng.indicators.models import FactLog
    from qingfeng.orgs.models import Organization

    groups = list(FactLog.objects.values_list("org_id", "kind", "since")
                  .annotate(n=Count("id"), hi=Max("id"), s=Sum("id")).order_by())
    paths = dict(Organization.objects.filter(pk__in={g[0] for g in groups if g[1] == "o"}).values_list("pk", "path"))
    return Log([(paths.get(org_id) if kind == "o" else None, (since if kind == "o" else None, n, hi, s))
                for org_id, kind, since, n, hi, s in groups])


def shared_grid(asks: Sequence[GridAsk], user: Viewer = None) -> list[dict[str, Value]]:
    """engine.compute_grid with each question's values shared under its own organization's subtree version: a page
    of many organizations (a ranking of ten districts) computes again, after a write, only those the write could have
    changed; the others come from the values built for an earlier request."""
    from qingfeng.core import dates
    from qingfeng.indicators.engine import compute_grid

    versions = subtree_versions((org, end) for org, _start, end, _keys in asks)
    if versions is None:
        return compute_grid(asks, user)
    sees = user is None or bool(getattr(user, "sees_discipline", False))
    common = (code_version(), dates.today(), sees)
    names = []
    for org, start, end, keys in asks:
        text = repr((versions[(org.pk, end)], common, start, end, None if keys is None else tuple(keys)))
        names.append("qingfeng:grid:" + hashlib.sha256(text.encode()).hexdigest())
    found = cache.get_many(set(names))
    missing = [i for i, name in enumerate(names) if name not in found]
    if missing:
        made = dict(zip((names[i] for i in missing), compute_grid([asks[i] for i in missing], user), strict=True))
        cache.set_many(made, SHARED_SECONDS)
        found.update(made)
    return [found[name] for name in names]


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
