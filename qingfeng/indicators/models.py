"""Pre-aggregated indicator facts (see facts.py for how they are built and read).

OwnFact holds each organization's own contribution per day; Fact holds the same rolled up to every
ancestor, per day (grain "d"), per month (grain "m"), per year (grain "y", for snapshots: the deltas since
ever in a few rows) and per compliance window (grain "w"). Snapshot
indicators are stored as deltas (+1 on the first day a thing holds, −1 on the first day it no longer
does), so a snapshot at day t is the sum of the deltas up to t."""

from __future__ import annotations

from django.db import models

from qingfeng.orgs.models import Organization


class OwnFact(models.Model):  # one organization's own contribution, by day
    # No index of its own on org (nor on Fact.org, OrgAncestor.descendant): the key indexes begin with it, and a
    # rebuild on SQLite makes every index of the new facts inside its switch.
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False)
    day = models.DateField()
    metric = models.CharField(max_length=12)
    d1 = models.CharField(max_length=40, blank=True, default="")
    d2 = models.CharField(max_length=40, blank=True, default="")
    d3 = models.CharField(max_length=40, blank=True, default="")
    n = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["org", "metric"], name="ownfact_org_metric")]

    def __str__(self) -> str:
        return f"{self.org_id} {self.day} {self.metric} {self.d1}/{self.d2}/{self.d3} {self.n} {self.total}"


class Fact(models.Model):  # rolled up to every ancestor
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False)
    grain = models.CharField(max_length=1)  # d day, m month (day = first of month), y year, w compliance window
    day = models.DateField()
    metric = models.CharField(max_length=12)
    d1 = models.CharField(max_length=40, blank=True, default="")
    d2 = models.CharField(max_length=40, blank=True, default="")
    d3 = models.CharField(max_length=40, blank=True, default="")
    n = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "metric", "grain", "day", "d1", "d2", "d3"], name="fact_key"),
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.grain}{self.day} {self.metric} {self.d1}/{self.d2}/{self.d3} {self.n} {self.total}"


class OrgAncestor(models.Model):  # (ancestor, descendant) pairs, the organization itself included
    ancestor = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    descendant = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_constraint=False,
                                   db_index=False)
    # Compliance windows are not rolled up into requirement branches themselves (computed directly there).
    ancestor_is_branch = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["descendant", "ancestor"], name="organcestor_pair")]

    def __str__(self) -> str:
        return f"{self.ancestor_id} ⊇ {self.descendant_id}"


class FactState(models.Model):  # when the facts were built and which compliance windows they cover
    key = models.CharField(max_length=20, unique=True)
    built_at = models.DateTimeField()
    windows_from = models.DateField(null=True, blank=True)
    windows_to = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.key} {self.built_at}"


class FactLog(models.Model):  # what each write refreshed, so a rebuild running beside the live facts catches up
    """Every announced change appends the organizations it refreshed (store.apply), in the write's transaction.
    A rebuild built from a snapshot replays the rows of the writes its snapshot did not see (before its switch, and
    the last few right after it): on PostgreSQL those whose transaction (`xid`) is not visible in the snapshot, on
    SQLite (one writer at a time, so ids follow commit order) those with a larger id. The switch deletes them.

    `since`: the first day of the facts the write changed for that organization (every fact row is keyed by the day
    the records it counts are dated, so a figure of a period ending before that day cannot have changed); None when
    any may have (a move, a requirement change, a write that changed no fact row, the facts never built). The
    cockpit keeps the figures of earlier periods through the writes of today by it (cockpit.caching)."""

    xid = models.BigIntegerField(default=0)
    org_id = models.BigIntegerField(default=0)
    # o: refreshed, m: moved (subtree), r: requirements (every window), t: older rows forgotten (store.trim_log)
    kind = models.CharField(max_length=1)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    since = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind}{self.org_id}@{self.xid}"
