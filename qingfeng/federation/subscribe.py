"""A province's side of the replication: one SUBSCRIPTION per city (`qingfeng federation subscribe`), checked
before it is made, and the status of each (`qingfeng federation status`).

A subscription named qingfeng_city_<code> asks the city's publication for its rows; PostgreSQL copies what the
city holds, then streams each committed change. A city that stops keeps its replication slot, so its changes wait
in its WAL and arrive when it is back (the subscription retries on its own). Nothing here copies rows itself.
"""

# ruff: noqa: S608 — SQL here is built from our own identifiers (validated codes, model tables); values are bound.
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import psycopg
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from qingfeng.federation.models import SCHEMA, City
from qingfeng.federation.publish import PUBLICATION, PUBLISHED, PublishError, tier
from qingfeng.orgs.models import Organization

CODE = re.compile(r"^[0-9A-Za-z]{2,32}$")


class SubscribeError(PublishError):
    """Why a subscription cannot be made, in Chinese."""


def subscription_name(code: str) -> str:
    return f"qingfeng_city_{code.lower()}"


def check_province() -> None:
    if connection.vendor != "postgresql":
        raise SubscribeError(_("省级部署只支持 PostgreSQL：当前数据库是 %(vendor)s。") % {"vendor": connection.vendor})
    if tier() != "province":
        raise SubscribeError(_("本部署不是省级：订阅各市须在 QINGFENG_TIER=province 的省级部署上进行。"))


def province_root() -> Organization:
    root = Organization.objects.filter(parent__isnull=True).order_by("code").first()
    if root is None:
        raise SubscribeError(_("省级库还没有本级党组织：请先运行 qingfeng federation province --code 编码 --name 名称。"))
    return root


def create_province(code: str, name: str) -> Organization:
    """The province's own root organization (e.g. 140000 中共山西省委): the cities' roots appear below it."""
    from qingfeng.orgs.actions import save_organization
    from qingfeng.orgs.models import Kind, Level, Sector

    check_province()
    code, name = code.strip(), name.strip()
    if not CODE.match(code) or not name:
        raise SubscribeError(_("请给出本级党组织的编码（字母或数字）和名称。"))
    existing = Organization.objects.filter(parent__isnull=True).first()
    if existing is not None:
        if existing.code == code:
            return existing
        raise SubscribeError(_("省级库已有本级党组织 %(org)s。") % {"org": existing})
    return save_organization(Organization(code=code, name=name, kind=Kind.COMMITTEE, sector=Sector.GOVERNMENT,
                                          level=Level.CITY))


def published_columns(conn) -> dict[str, list[tuple[str, str]]]:
    """{table: [(column, type)]} of the published tables, as a database has them."""
    tables = [m._meta.db_table for m in PUBLISHED]
    rows = conn.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = ANY(%s) ORDER BY table_name, ordinal_position",
        [tables]).fetchall()
    out: dict[str, list[tuple[str, str]]] = {t: [] for t in tables}
    for table, column, kind in rows:
        out[table].append((column, kind))
    return out


def subscribe(code: str, dsn: str) -> str:
    """Check the city and create its subscription; returns the subscription's name."""
    check_province()
    province_root()
    code = code.strip()
    if not CODE.match(code):
        raise SubscribeError(_("城市编码“%(code)s”无效：应为组织编码（字母或数字）。") % {"code": code})
    name = subscription_name(code)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_subscription WHERE subname = %s", [name])
        if cursor.fetchone():
            raise SubscribeError(_("已订阅城市 %(code)s（订阅 %(name)s）。") % {"code": code, "name": name})
    try:
        conn = psycopg.connect(dsn, connect_timeout=10, autocommit=True)
    except psycopg.Error as e:
        raise SubscribeError(_("无法连接城市数据库：%(error)s") % {"error": str(e).strip()}) from None
    with conn:
        if not conn.execute("SELECT 1 FROM pg_publication WHERE pubname = %s", [PUBLICATION]).fetchone():
            raise SubscribeError(_("城市数据库没有发布 %(pub)s：请先在城市上运行 qingfeng federation publish。")
                                 % {"pub": PUBLICATION})
        level = (conn.execute("SHOW wal_level").fetchone() or ("",))[0]
        if level != "logical":
            raise SubscribeError(_("城市数据库的 wal_level 为 %(level)s：须设为 logical 并重启其 PostgreSQL。") % {"level": level})
        row = conn.execute(f"SELECT code, name, schema, key_id FROM {City._meta.db_table}").fetchall()
        if len(row) != 1 or row[0][0] != code:
            found = "、".join(r[0] for r in row) or _("（无）")
            raise SubscribeError(_("该数据库发布的城市是 %(found)s，不是 %(code)s。") % {"found": found, "code": code})
        _code, city_name, schema, key_id = row[0]
        if schema != SCHEMA:
            raise SubscribeError(_("表结构版本不一致：城市 %(code)s 为 %(theirs)s，省级为 %(ours)s。请按 docs/federation.md "
                                   "的顺序把两边升级到同一版本后再订阅。") % {"code": code, "theirs": schema, "ours": SCHEMA})
        theirs = published_columns(conn)
    with connection.cursor() as cursor:
        ours = published_columns(cursor.connection)
    differ = sorted(t for t in ours if ours[t] != theirs.get(t))
    if differ:
        raise SubscribeError(_("表结构不一致：%(tables)s 的列与省级不同。请按 docs/federation.md 的顺序升级后再订阅。")
                             % {"tables": "、".join(differ)})
    others = City.objects.exclude(code=code).exclude(key_id=key_id).values_list("code", flat=True)
    if others:
        raise SubscribeError(_("人员去重密钥不一致：城市 %(code)s 与已订阅的 %(others)s 使用的 QINGFENG_FEDERATION_KEY 不同，"
                               "跨市人员无法准确去重。") % {"code": code, "others": "、".join(others)})
    if Organization.objects.filter(code=code).exists():
        raise SubscribeError(_("省级库本身已有编码为 %(code)s 的党组织，与城市的根组织冲突。") % {"code": code})
    # CREATE SUBSCRIPTION makes a replication slot on the city: it cannot run inside a transaction block.
    literal = dsn.replace("'", "''")
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SUBSCRIPTION {name} CONNECTION '{literal}' PUBLICATION {PUBLICATION} "
                       f"WITH (copy_data = true)")
    return f"{name} {city_name}"


def unsubscribe(code: str) -> None:
    """Drop the city's subscription (its slot on the city too, when the city is reachable) and its rows."""
    from qingfeng.federation.models import ActivityKind, Fact, Item, Node, WarningCount

    check_province()
    name = subscription_name(code)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_subscription WHERE subname = %s", [name])
        if not cursor.fetchone():
            raise SubscribeError(_("没有城市 %(code)s 的订阅。") % {"code": code})
        cursor.execute(f"DROP SUBSCRIPTION {name}")
    for model in (Item, Fact, Node, ActivityKind, WarningCount):
        model.objects.filter(city=code).delete()
    City.objects.filter(code=code).delete()


@dataclass
class Status:
    code: str
    name: str
    subscription: str
    streaming: bool  # an apply worker is connected
    copying: int  # tables still in their initial copy
    received_at: dt.datetime | None  # the last message from the city
    changed_at: dt.datetime | None  # the city's last change, as received
    city_changed_at: dt.datetime | None  # the city's last change, as the city says (None: not reachable)
    bytes_behind: int | None

    @property
    def lag(self) -> dt.timedelta | None:
        """How far the province is behind the city: the time between the city's last change and the last one
        received (zero when everything arrived)."""
        if self.city_changed_at is None or self.changed_at is None:
            return None
        return max(self.city_changed_at - self.changed_at, dt.timedelta(0))


def statuses(ask_cities: bool = True) -> list[Status]:
    check_province()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.subname, s.subconninfo, st.pid, st.last_msg_receipt_time, st.latest_end_lsn, "
            "(SELECT COUNT(*) FROM pg_subscription_rel r WHERE r.srsubid = s.oid AND r.srsubstate <> 'r') "
            "FROM pg_subscription s LEFT JOIN pg_stat_subscription st ON st.subid = s.oid AND st.relid IS NULL "
            "ORDER BY s.subname")
        subs = cursor.fetchall()
    cities = {subscription_name(c.code): c for c in City.objects.all()}
    out = []
    for name, conninfo, pid, received, end_lsn, copying in subs:
        city = cities.get(name)
        code = city.code if city else name.removeprefix("qingfeng_city_")
        city_changed, behind = None, None
        if ask_cities:
            city_changed, behind = _ask_city(conninfo, end_lsn)
        out.append(Status(code, city.name if city else "", name, pid is not None, copying, received,
                          city.changed_at if city else None, city_changed, behind))
    return out


def _ask_city(conninfo: str, end_lsn) -> tuple[dt.datetime | None, int | None]:
    try:
        with psycopg.connect(conninfo, connect_timeout=3, autocommit=True) as conn:
            changed = conn.execute(f"SELECT changed_at FROM {City._meta.db_table}").fetchone()
            behind = None
            if end_lsn is not None:
                row = conn.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s::pg_lsn)", [str(end_lsn)]).fetchone()
                behind = row[0] if row else None
            return (changed[0] if changed else None), (int(behind) if behind is not None else None)
    except psycopg.Error:
        return None, None


def now() -> dt.datetime:
    return timezone.now()
