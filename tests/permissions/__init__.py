"""The permission matrix: every URL name × every persona × an object in our own subtree vs a sibling's.

How to add your pages
---------------------
Create ``tests/permissions/rows_<app>.py`` with a module-level ``ROWS: list[Row]``. Give every URL name your
URLconf declares at least one row (``tests/test_permissions.py`` fails, naming the URL, when one has none).
A row says which URL, how to build it from a ``tests.world.World`` and what kind of access it needs; the
expected status for each persona is derived from that, so a row is usually one line::

    from django.urls import reverse
    from tests.permissions import ADMIN, PUBLIC, READ, RESTRICTED, WRITE, Row

    ROWS = [
        # A page about no particular object: every signed-in persona may read it.
        Row("people:list", READ, page=lambda w: reverse("people:list")),
        # An object page: `own` is an object in the clerk's branch A (14010500101A), `sibling` one in the
        # sibling district 140106 (branch O). Out of scope → 404.
        Row("people:detail", READ, own=lambda w: reverse("people:detail", args=[w.members_a[0].pk]),
            sibling=lambda w: reverse("people:detail", args=[w.members_o[0].pk])),
        # A form: GET shows it to writers (200), read-only roles get 403, out of scope 404.
        Row("people:transfer", WRITE, own=..., sibling=...),
        # A POST: `data` is the form body (a dict, or a callable taking (world, target)); success
        # defaults to 302; each request runs in a rolled-back savepoint, so rows never see each
        # other's writes.
        Row("people:transfer", WRITE, method="POST", own=..., sibling=..., data=lambda w, t: {...}),
    ]

Kinds and the statuses derived from them (``ok`` is 200 for GET and 302 for other methods unless a row says):

=============  =========================================================================================
PUBLIC         everyone, anonymous included → ok
READ           signed in and the target in the persona's subtree → ok; outside it → 404
WRITE          as READ, and the persona's role must be in ``writers`` (default accounts.access.
               WRITERS_PARTY_WORK; the superuser always writes) → ok, else 403 (leader, discipline …)
RESTRICTED     discipline records: only 纪检监察 and 系统管理员 in scope → ok (or, with ``writers`` given,
               only those writers; other in-scope discipline readers 403); everyone else → 404
ADMIN          platform administrators only (superuser or role 系统管理员) → ok; other signed-in → 403
=============  =========================================================================================

Anonymous requests to anything but PUBLIC expect 302 to the login page (``anonymous=401`` for the API).

Targets: ``page`` (no object: in scope for every signed-in persona), ``own`` (in the clerk's branch A: in
scope for admin, city, district, clerk, discipline, leader) and ``sibling`` (in district 140106: in scope for
admin, city, discipline, leader, outsider). Scopes are not hard-coded here: they are computed with
accounts.access.org_in_scope against world.branch_a and world.branch_o.

Overrides: ``expect={"leader": 403, ("outsider", "sibling"): 200, "anonymous": 404}`` — a key is a persona
(any target) or a (persona, target) pair; a value is a status or a set of acceptable statuses. ``ok=…``
changes the success status; ``denied=…`` the status for a signed-in persona of the wrong role (ADMIN and
WRITE kinds). ``headers`` is a dict or a callable (world, user or None) → dict, e.g. an API token header.
``setup`` is a callable (world) run once before the row's requests, for rows that need more data than
World builds. Several rows may share a URL name (GET and POST of one view, say).

Personas (tests.world): admin (superuser, no organization), city (组织部门, 140100), district (组织部门,
140105), clerk (党组织管理员, branch A), discipline (纪检监察, 140100), leader (领导, 140100), outsider
(组织部门, 140106), and anonymous.

URL names that need no row: Django admin internals (every ``admin:*`` except ``admin:index``), i18n's
set_language, the JavaScript catalogue, static files; see IGNORED below.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

PUBLIC = "public"
READ = "read"
WRITE = "write"
RESTRICTED = "restricted"
ADMIN = "admin-only"
KINDS = (PUBLIC, READ, WRITE, RESTRICTED, ADMIN)

PERSONAS = ("admin", "city", "district", "clerk", "discipline", "leader", "outsider", "anonymous")
TARGETS = ("page", "own", "sibling")

# URL names no row has to cover: Django's admin internals (admin:index has a row), i18n, static.
IGNORED_NAMESPACES = ("admin",)
IGNORED_NAMES = {"set_language", "javascript-catalog", "static", "djdt"}
COVERED_ANYWAY = {"admin:index"}

Status = int | set[int] | frozenset[int]


@dataclass
class Row:
    name: str
    kind: str
    page: Callable[[Any], str] | None = None
    own: Callable[[Any], str] | None = None
    sibling: Callable[[Any], str] | None = None
    method: str = "GET"
    data: dict | Callable[[Any, str], dict] | None = None
    writers: set[str] | None = None
    ok: Status | None = None
    denied: Status | None = None
    anonymous: Status | None = None
    expect: dict[str | tuple[str, str], Status] = field(default_factory=dict)
    headers: dict | Callable[[Any, Any], dict] | None = None
    setup: Callable[[Any], None] | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"{self.name}: kind must be one of {KINDS}, not {self.kind!r}")
        if not (self.page or self.own or self.sibling):
            raise ValueError(f"{self.name}: a row needs page=, own= or sibling= to build its URL")
        for key in self.expect:
            persona, target = key if isinstance(key, tuple) else (key, None)
            if persona not in PERSONAS or (target is not None and target not in TARGETS):
                raise ValueError(f"{self.name}: unknown override key {key!r}")

    def targets(self) -> Iterable[tuple[str, Callable[[Any], str]]]:
        for target in TARGETS:
            build = getattr(self, target)
            if build is not None:
                yield target, build

    def body(self, world, target: str) -> dict | None:
        if callable(self.data):
            return self.data(world, target)
        return self.data

    def extra_headers(self, world, user) -> dict:
        if callable(self.headers):
            return self.headers(world, user)
        return dict(self.headers or {})

    # -- the derivation ------------------------------------------------------------------------

    def expected(self, persona: str, target: str, user, world) -> frozenset[int]:
        for key in ((persona, target), persona):
            if key in self.expect:
                return _as_set(self.expect[key])
        ok = _as_set(self.ok if self.ok is not None else (200 if self.method == "GET" else 302))
        if persona == "anonymous":
            if self.kind == PUBLIC:
                return ok
            return _as_set(self.anonymous if self.anonymous is not None else 302)
        if self.kind == PUBLIC:
            return ok
        if self.kind == ADMIN:
            return ok if user.is_platform_admin else _as_set(self.denied or 403)
        in_scope = target_in_scope(user, target, world)
        if self.kind == READ:
            return ok if in_scope else _as_set(404)
        if self.kind == RESTRICTED:
            if not user.sees_discipline or not in_scope:
                return _as_set(404)
            if self.writers is not None and not _writes(user, self.writers):
                return _as_set(self.denied or 403)
            return ok
        # WRITE
        if not in_scope:
            return _as_set(404)
        if not _writes(user, self.writers if self.writers is not None else _party_writers()):
            return _as_set(self.denied or 403)
        return ok


def _as_set(status: Status) -> frozenset[int]:
    return frozenset([status]) if isinstance(status, int) else frozenset(status)


def _party_writers() -> set[str]:
    from qingfeng.accounts.access import WRITERS_PARTY_WORK

    return WRITERS_PARTY_WORK


def _writes(user, writers: set[str]) -> bool:
    from qingfeng.accounts.access import can_write

    return can_write(user, writers)


def target_in_scope(user, target: str, world) -> bool:
    from qingfeng.accounts.access import org_in_scope

    if target == "page":
        return True
    org = world.branch_a if target == "own" else world.branch_o
    try:
        return org_in_scope(user, org)
    except Exception:  # noqa: BLE001 — scope_root raises Http404 for an account that sees nothing
        return False


def all_rows() -> list[Row]:
    """Every row of every tests/permissions/rows_*.py module, in module order."""
    rows: list[Row] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("rows_"):
            module = importlib.import_module(f"{__name__}.{info.name}")
            rows.extend(getattr(module, "ROWS", []))
    return rows


def url_names(patterns=None, namespace: str = "") -> set[str]:
    """Every namespaced URL name of the URLconf, minus the ignored ones."""
    from django.urls import URLPattern, URLResolver, get_resolver

    if patterns is None:
        patterns = get_resolver().url_patterns
    names: set[str] = set()
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
            names |= url_names(p.url_patterns, inner)
        elif isinstance(p, URLPattern) and p.name:
            names.add(f"{namespace}{p.name}")
    return {n for n in names if not _ignored(n)} | (COVERED_ANYWAY & names)


def _ignored(name: str) -> bool:
    head = name.split(":", 1)[0] if ":" in name else ""
    return head in IGNORED_NAMESPACES or name.rsplit(":", 1)[-1] in IGNORED_NAMES
