"""A city's side: keeping the published tables (models.py) equal to what they derive from, and the PUBLICATION.

* Organizations (`Node`) down to the chosen depth below the city's root, and activity types (`ActivityKind`):
  rewritten whole by a full sync (a few dozen rows).
* Facts (`Fact`): the rolled-up indicator facts of the published organizations, kept by the cells each write
  changed (the store tells them, `source.listen`), or wholly after a rebuild; one SQL statement that writes only
  the rows whose values differ, so a write sends upward only what it changed.
* Items (`Item`): the rows behind distinct counts (`items.py`), recomputed for the organizations and persons a
  write announced through `qingfeng.core.changes`, written as a difference.

All of it happens inside the writing transaction: the published rows commit with the records, and PostgreSQL
ships them to the province with that commit. Nothing is done on a database that does not publish (no own
`City` row, or a province).
"""

# ruff: noqa: S608 — SQL here is built from our own table names (model metadata); values are bound parameters.
from __future__ import annotations

import os

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingfeng.activities.models import ActivityType, Requirement
from qingfeng.federation import items, source
from qingfeng.federation.models import SCHEMA, ActivityKind, City, Fact, Item, Node, WarningCount
from qingfeng.orgs.models import PATH_SEP, Organization

PUBLICATION = "qingfeng_federation"
PUBLISHED = (City, ActivityKind, Node, Fact, Item, WarningCount)


class PublishError(Exception):
    """Why a database cannot publish, in Chinese."""


def tier() -> str:
    return getattr(settings, "QINGFENG_TIER", "city")


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def roots() -> list[Organization]:
    return list(Organization.objects.filter(parent__isnull=True).order_by("code"))


def own_city() -> City | None:
    """This database's own published city, when it publishes: a city on PostgreSQL, holding the shared key
    (without it nothing is asked of the database), that ran `publish`."""
    if connection.vendor != "postgresql" or tier() != "city" or not os.environ.get(items.KEY_ENV):
        return None
    return City.objects.filter(code__in=Organization.objects.filter(parent__isnull=True).values("code")).first()


def published_orgs(city: City) -> dict[int, Organization]:
    root = Organization.objects.get(code=city.code)
    qs = Organization.objects.within(root).filter(depth__lte=root.depth + city.depth)
    return {o.pk: o for o in qs.only("pk", "code", "path", "depth", "name", "kind", "sector", "level", "parent",
                                    "established_on", "dissolved_on")}


class Published:
    """The published organizations of a city and, for any organization, the deepest published one above it."""

    def __init__(self, city: City, from_tree: bool = True):
        """from_tree: the organizations the tree says (a full sync); else those published last time (a write's
        sync: a few rows by key, where the tree's query would read the whole city's organizations)."""
        self.city = city
        if from_tree:
            self.orgs = published_orgs(city)
        else:
            codes = Node.objects.filter(city=city.code).values("code")
            self.orgs = {o.pk: o for o in Organization.objects.filter(code__in=codes).only("pk", "code", "path")}
        self.by_code = {o.code: o for o in self.orgs.values()}
        self._paths: dict[int, str] = {}

    def code_for(self, org_id: int | None) -> str | None:
        if org_id is None:
            return self.city.code
        if org_id in self.orgs:
            return self.orgs[org_id].code
        path = self._paths.get(org_id)
        if path is None:
            return None
        found = None
        for code in (c for c in path.split(PATH_SEP) if c):
            if code in self.by_code:
                found = code
        return found

    def load_paths(self, org_ids) -> None:
        wanted = [o for o in set(org_ids) if o is not None and o not in self.orgs and o not in self._paths]
        for i in range(0, len(wanted), 5000):
            self._paths.update(Organization.objects.filter(pk__in=wanted[i:i + 5000]).values_list("pk", "path"))


# ---- organizations and activity types ----------------------------------------------------

def sync_nodes(pub: Published) -> int:
    city, root = pub.city, pub.by_code[pub.city.code]
    wanted = {}
    for o in pub.orgs.values():
        parent = pub.orgs[o.parent_id].code if o.parent_id in pub.orgs and o.pk != root.pk else ""
        wanted[o.code] = Node(city=city.code, code=o.code, parent_code=parent, path=o.path, depth=o.depth - root.depth,
                              name=o.name, kind=o.kind, sector=o.sector, level=o.level,
                              established_on=o.established_on, dissolved_on=o.dissolved_on)
    return _replace(Node.objects.filter(city=city.code), wanted, "code",
                    ("parent_code", "path", "depth", "name", "kind", "sector", "level", "established_on", "dissolved_on"))


def sync_kinds(city: City) -> int:
    cadence = dict(Requirement.objects.filter(is_active=True).values_list("activity_type_id", "cadence"))
    wanted = {t.name: ActivityKind(city=city.code, name=t.name, role=t.role, is_supervision=t.is_supervision,
                                   cadence=cadence.get(t.pk, ""), sort=t.sort) for t in ActivityType.objects.all()}
    return _replace(ActivityKind.objects.filter(city=city.code), wanted, "name", ("role", "is_supervision", "cadence", "sort"))


def _replace(existing_qs, wanted: dict, key: str, fields) -> int:
    """Make the city's rows of a small table equal `wanted` (by their `key` field), touching only rows that differ."""
    changed = 0
    existing = {getattr(row, key): row for row in existing_qs}
    gone = [k for k in existing if k not in wanted]
    if gone:
        changed += existing_qs.filter(**{f"{key}__in": gone}).delete()[0]
    for k, row in wanted.items():
        old = existing.get(k)
        if old is None:
            row.save(force_insert=True)
            changed += 1
        elif any(getattr(old, f) != getattr(row, f) for f in fields):
            existing_qs.filter(**{key: k}).update(**{f: getattr(row, f) for f in fields})
            changed += 1
    return changed


# ---- facts --------------------------------------------------------------------------------

def sync_facts(pub: Published, cells: list[tuple] | None = None) -> int:
    """Make the published facts of the city equal the rolled-up facts of its published organizations — all of
    them, or only the (org id, metric, grain, day) cells given. One statement: the rows to write are computed,
    upserted where they differ, and the published rows no longer there deleted. Returns the rows written."""
    fact, kind = table(Fact), table(ActivityType)
    pub_values = ", ".join(["(%s::bigint, %s::text)"] * len(pub.orgs))
    params: list = [x for o in pub.orgs.values() for x in (o.pk, o.code)]
    with_want, join_want, using_gone, limit_gone = "", "", "", ""
    if cells is not None:
        if not cells:
            return 0
        with_want = f", want(org_id, metric, grain, day) AS (VALUES {', '.join(['(%s::bigint, %s::text, %s::text, %s::date)'] * len(cells))})"
        params += [x for c in cells for x in c]
        join_want = "JOIN want w ON w.org_id = f.org_id AND w.metric = f.metric AND w.grain = f.grain AND w.day = f.day"
        # the published rows of the cells asked, joined on the primary key's prefix
        using_gone = "USING want w JOIN pub p ON p.org_id = w.org_id"
        limit_gone = "AND x.code = p.code AND x.metric = w.metric AND x.grain = w.grain AND x.day = w.day"
    types = ", ".join(f"'{m}'" for m in source.TYPE_METRICS)
    orgs = ", ".join(f"'{m}'" for m in source.ORG_METRICS)
    sql = (
        f"WITH pub(org_id, code) AS (VALUES {pub_values}){with_want}, "
        f"src AS (SELECT p.code, f.metric, f.grain, f.day, "
        f"CASE WHEN f.metric IN ({types}) THEN COALESCE(t.name, f.d1) WHEN f.metric IN ({orgs}) THEN '' ELSE f.d1 END AS d1, "
        f"f.d2, f.d3, SUM(f.n) AS n, SUM(f.total) AS total "
        f"FROM ({source.rolled_up_sql()}) f JOIN pub p ON p.org_id = f.org_id {join_want} "
        f"LEFT JOIN {kind} t ON f.metric IN ({types}) AND CAST(t.id AS text) = f.d1 "
        f"GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING SUM(f.n) <> 0 OR SUM(f.total) <> 0), "
        f"up AS (INSERT INTO {fact} (city, code, metric, grain, day, d1, d2, d3, n, total) "
        f"SELECT %s, code, metric, grain, day, d1, d2, d3, n, total FROM src "
        f"ON CONFLICT (city, code, metric, grain, day, d1, d2, d3) DO UPDATE SET n = excluded.n, total = excluded.total "
        f"WHERE ({fact}.n, {fact}.total) IS DISTINCT FROM (excluded.n, excluded.total) RETURNING 1), "
        f"gone AS (DELETE FROM {fact} x {using_gone} WHERE x.city = %s {limit_gone} AND NOT EXISTS (SELECT 1 FROM src s "
        f"WHERE s.code = x.code AND s.metric = x.metric AND s.grain = x.grain AND s.day = x.day AND s.d1 = x.d1 "
        f"AND s.d2 = x.d2 AND s.d3 = x.d3) RETURNING 1) "
        f"SELECT (SELECT COUNT(*) FROM up), (SELECT COUNT(*) FROM gone)")
    params += [pub.city.code, pub.city.code]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        written, removed = cursor.fetchone()
    return written + removed


# ---- items --------------------------------------------------------------------------------

ITEM_COLUMNS = ("source", "indicator", "code", "key", "day", "until", "d1", "d2", "d3")


def sync_items(pub: Published, orgs: set[int] | None = None, people: set[int] | None = None) -> int:
    """Make the published items equal what the records say — of every source (orgs and people None), or of the
    organizations and persons given. Only the differing rows are written."""
    city = pub.city
    keys = items.Keys(city.code, items.secret())
    raw: list[tuple] = []
    whole = orgs is None and people is None
    if whole or orgs:
        for produce in items.ORG_SOURCES:
            raw.extend(produce(keys, None if whole else orgs))
    if whole or people:
        for produce in items.PERSON_SOURCES:
            raw.extend(produce(keys, None if whole else people))
    pub.load_paths(r[1] for r in raw)
    wanted = set()
    for src, org_id, indicator, key, day, until, d1, d2, d3 in raw:
        code = pub.code_for(org_id)
        if code is not None:
            wanted.add((src, indicator, code, key, day, until, d1, d2, d3))
    existing_qs = Item.objects.filter(city=city.code)
    if not whole:
        sources = {f"o{o}" for o in orgs or ()} | {f"p{p}" for p in people or ()}
        existing_qs = existing_qs.filter(source__in=sources)
    existing = set(existing_qs.values_list(*ITEM_COLUMNS))
    gone, new = existing - wanted, wanted - existing
    t = table(Item)
    cols = ", ".join(ITEM_COLUMNS)
    with connection.cursor() as cursor:
        gone_rows = sorted(gone)
        for i in range(0, len(gone_rows), 1000):
            chunk = gone_rows[i:i + 1000]
            marks = ", ".join(["(%s, %s, %s, %s, %s::date, %s::date, %s, %s, %s)"] * len(chunk))
            cursor.execute(f"DELETE FROM {t} WHERE city = %s AND ({cols}) IN (VALUES {marks})",
                           [city.code, *(x for row in chunk for x in row)])
    Item.objects.bulk_create([Item(city=city.code, **dict(zip(ITEM_COLUMNS, row, strict=True))) for row in sorted(new)],
                             batch_size=5000)
    return len(gone) + len(new)


# ---- keeping them current ------------------------------------------------------------------

def touch(city: City) -> None:
    """The city's last change, for the province's status; a writer that finds the row locked by another one
    leaves it to that one (no write waits on this row)."""
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table(City)} SET changed_at = %s WHERE code IN "
                       f"(SELECT code FROM {table(City)} WHERE code = %s FOR UPDATE SKIP LOCKED)",
                       [timezone.now(), city.code])


def on_cells(keys) -> None:
    """The store's listener: publish the cells a write changed (None: all of them)."""
    city = own_city()
    if city is None:
        return
    if keys is None:
        pub = Published(city)
        written = sync_facts(pub) + sync_nodes(pub) + sync_kinds(city)
        _windows(city)
    else:
        pub = Published(city, from_tree=False)
        cells = sorted({source.cell_parts(k) for k in keys if k[0] in pub.orgs})
        written = sync_facts(pub, cells) if cells else 0
    if written:
        touch(city)


def _windows(city: City) -> None:
    lo, hi = source.windows()
    if (city.windows_from, city.windows_to) != (lo, hi):
        City.objects.filter(pk=city.pk).update(windows_from=lo, windows_to=hi)


def on_change(change) -> None:
    """The qingfeng.core.changes subscriber: publish the items of what a write announced."""
    city = own_city()
    if city is None:
        return
    if change.everything or change.moved:
        # The tree changed: which organizations are published, and where everything below them counts.
        pub = Published(city)
        written = sync_nodes(pub) + sync_facts(pub) + sync_items(pub)
    else:
        pub = Published(city, from_tree=False)
        orgs = set(change.orgs)
        written = sync_items(pub, orgs=orgs, people=set(change.people)) if orgs or change.people else 0
    if written:
        touch(city)


# ---- the publication ------------------------------------------------------------------------

def check_database() -> None:
    if connection.vendor != "postgresql":
        raise PublishError(_("联邦上报依靠 PostgreSQL 的逻辑复制：当前数据库是 %(vendor)s，无法发布。"
                             "请把 DATABASE_URL 指向 PostgreSQL 数据库。") % {"vendor": connection.vendor})


def publish(depth: int = 1, url: str | None = None, root_code: str | None = None) -> dict[str, int]:
    """Create or update the city's published rows and the PUBLICATION; returns the rows per table."""
    check_database()
    if tier() != "city":
        raise PublishError(_("本部署是省级（QINGFENG_TIER=province）：省级订阅各市，不发布。"))
    if depth < 0 or depth > 10:
        raise PublishError(_("上报层级应在 0 到 10 之间（0：只上报市本级，1：到县（市、区）一级）。"))
    found = roots()
    if root_code:
        found = [o for o in found if o.code == root_code]
        if not found:
            raise PublishError(_("“%(code)s”不是本库的根党组织。") % {"code": root_code})
    if not found:
        raise PublishError(_("数据库中没有党组织，没有可发布的内容。"))
    if len(found) > 1:
        raise PublishError(_("本库有多个根党组织（%(codes)s），请用 --root 指定上报的市级组织。")
                           % {"codes": "、".join(o.code for o in found)})
    if not source.built():
        raise PublishError(_("指标事实尚未生成：请先运行 qingfeng rebuild-facts。"))
    key = items.secret()  # refuses without the shared secret, before anything is written
    root = found[0]
    now = timezone.now()
    with transaction.atomic():
        City.objects.update_or_create(code=root.code, defaults={
            "name": root.name, "url": url if url is not None else settings.QINGFENG_BASE_URL, "schema": SCHEMA,
            "depth": depth, "key_id": items.key_id(key), "published_at": now, "changed_at": now})
        city = City.objects.get(code=root.code)
        _windows(city)
        pub = Published(city)
        sync_nodes(pub)
        sync_kinds(city)
        sync_facts(pub)
        sync_items(pub)
        create_publication()
    with connection.cursor() as cursor:
        # Statistics for the rows just written: planned on those of empty tables (rebuild-facts analyzes them
        # before they are filled), a page write's sync of its cells scanned every row of each organization.
        cursor.execute("ANALYZE " + ", ".join(table(m) for m in PUBLISHED))
    counts = {str(model._meta.model_name): model.objects.filter(**({"code": city.code} if model is City else {"city": city.code})).count()
              for model in PUBLISHED}
    return counts


def create_publication() -> None:
    tables = ", ".join(table(m) for m in PUBLISHED)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_publication WHERE pubname = %s", [PUBLICATION])
        # No TRUNCATE: the province's tables hold every city's rows, and a truncate would empty them all.
        if cursor.fetchone():
            cursor.execute(f"ALTER PUBLICATION {PUBLICATION} SET TABLE {tables}")
            cursor.execute(f"ALTER PUBLICATION {PUBLICATION} SET (publish = 'insert, update, delete')")
        else:
            cursor.execute(f"CREATE PUBLICATION {PUBLICATION} FOR TABLE {tables} WITH (publish = 'insert, update, delete')")


def wal_level() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW wal_level")
        return cursor.fetchone()[0]


def publication_tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_publication_tables WHERE pubname = %s ORDER BY tablename", [PUBLICATION])
        return [r[0] for r in cursor.fetchall()]
