"""What a city publishes upward and a province receives: the tables of PostgreSQL logical replication.

A city (QINGFENG_TIER=city, the system of record) keeps these tables itself, from its organization tree and its
indicator facts (`publish.py`); `qingfeng federation publish` puts them in a PUBLICATION. A province
(QINGFENG_TIER=province) holds the same tables, filled by one SUBSCRIPTION per city, and answers indicators from
them (`province.py`). Nothing here names a person: persons appear only as keyed hashes (HMAC-SHA-256 with the
secret the province's cities share, truncated to 128 bits) in `Item.key`, so that distinct persons count exactly
across cities; names, ID numbers, phone numbers, attachments and discipline records never leave the city.

Several cities share the province's tables: every row carries `city` (the code of the city's root organization)
first in its primary key, and everything else is a natural key (organization codes, activity type names, days),
never a local integer id. Two cities' rows cannot collide, and a city re-publishing touches only its own rows.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# The published tables' layout. A province subscribes only to cities publishing the same version; bump it with
# every change of these tables' columns (docs/federation.md: how to roll out such a migration city by city).
SCHEMA = 2  # 2: WarningCount and City.warnings_on


class City(models.Model):  # 上报城市 — the city's own row on a city; one row per subscribed city on a province
    code = models.CharField(_("组织编码"), max_length=32, primary_key=True)  # the city root's code
    name = models.CharField(_("名称"), max_length=200)
    url = models.CharField(_("平台地址"), max_length=300, blank=True)  # where the records are (drill links)
    schema = models.PositiveSmallIntegerField(_("表结构版本"))
    depth = models.PositiveSmallIntegerField(_("上报层级"))  # organizations down to root depth + this
    # The first 16 hex digits of HMAC(secret, "qingfeng-federation"): the province checks that every city
    # hashes persons with the same secret, without knowing it.
    key_id = models.CharField(max_length=16)
    windows_from = models.DateField(null=True, blank=True)  # compliance windows held by the facts
    windows_to = models.DateField(null=True, blank=True)
    published_at = models.DateTimeField()  # `federation publish` last run
    changed_at = models.DateTimeField()  # the last change published (a write's transaction)
    warnings_on = models.DateField(null=True, blank=True)  # the day the published warning counts are for

    class Meta:
        verbose_name = _("上报城市")
        verbose_name_plural = _("上报城市")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ActivityKind(models.Model):  # a city's activity types, by name: published facts key activity types by name
    pk = models.CompositePrimaryKey("city", "name")
    city = models.CharField(max_length=32)
    name = models.CharField(max_length=30)
    role = models.CharField(max_length=20, blank=True)
    is_supervision = models.BooleanField(default=False)
    cadence = models.CharField(max_length=8, blank=True)  # its active 三会一课 requirement's cadence, if any
    sort = models.PositiveSmallIntegerField(default=100)

    def __str__(self) -> str:
        return f"{self.city} {self.name}"


class Node(models.Model):  # a published organization (down to the city's chosen depth)
    pk = models.CompositePrimaryKey("city", "code")
    city = models.CharField(max_length=32)
    code = models.CharField(max_length=32)
    parent_code = models.CharField(max_length=32, blank=True)  # empty for the city's root
    path = models.CharField(max_length=1000)  # the city's own materialized path of codes, "/140100/140105/"
    depth = models.PositiveSmallIntegerField()  # 0: the city's root
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10)
    sector = models.CharField(max_length=10)
    level = models.CharField(max_length=10, blank=True)
    established_on = models.DateField(null=True, blank=True)
    dissolved_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.city} {self.code} {self.name}"


class Fact(models.Model):  # a published organization's rolled-up indicator facts (indicators.models.Fact)
    pk = models.CompositePrimaryKey("city", "code", "metric", "grain", "day", "d1", "d2", "d3")
    city = models.CharField(max_length=32)
    code = models.CharField(max_length=32)
    metric = models.CharField(max_length=12)
    grain = models.CharField(max_length=1)
    day = models.DateField()
    # As in the city's facts, except that activity types are named (act, win) and transfers in (xfer) are not
    # split by the sending organization.
    d1 = models.CharField(max_length=40, blank=True, default="")
    d2 = models.CharField(max_length=40, blank=True, default="")
    d3 = models.CharField(max_length=40, blank=True, default="")
    n = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.city} {self.code} {self.grain}{self.day} {self.metric} {self.d1}/{self.d2}/{self.d3} {self.n} {self.total}"


OPEN = "9999-12-31"  # Item.until of a thing that still holds


class Item(models.Model):  # one thing behind a distinct count: a person (as a keyed hash) or a record
    pk = models.CompositePrimaryKey("city", "source", "indicator", "code", "key", "day", "until", "d1", "d2", "d3")
    city = models.CharField(max_length=32)
    # What the city refreshes the row by: "o<id>" an organization's records, "p<id>" a person's (local ids,
    # meaningless elsewhere).
    source = models.CharField(max_length=24)
    indicator = models.CharField(max_length=40)
    code = models.CharField(max_length=32)  # the published organization it counts under (its deepest one)
    # A person: 32 hex digits of HMAC-SHA-256(secret, ID number), the same in every city; a record or an
    # organization: "<city>:<local key>", distinct per city.
    key = models.CharField(max_length=48)
    day = models.DateField()  # the event's day, or the first day the thing holds
    until = models.DateField()  # the first day it no longer holds (OPEN: still); an event: the next day
    d1 = models.CharField(max_length=40, blank=True, default="")
    d2 = models.CharField(max_length=40, blank=True, default="")
    d3 = models.CharField(max_length=40, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["indicator", "city", "code", "day"], name="federation_item_read")]

    def __str__(self) -> str:
        return f"{self.city} {self.indicator} {self.code} {self.key} {self.day}–{self.until}"


class WarningCount(models.Model):  # how many warnings (预警) of a kind a published organization's subtree has
    pk = models.CompositePrimaryKey("city", "code", "kind", "severity")
    city = models.CharField(max_length=32)
    code = models.CharField(max_length=32)
    kind = models.CharField(max_length=20)  # indicators.warnings.KINDS
    severity = models.CharField(max_length=6)  # red | yellow
    n = models.IntegerField()

    def __str__(self) -> str:
        return f"{self.city} {self.code} {self.kind} {self.severity} {self.n}"
