"""Facts of the member lifecycle: the own rows behind `dues.payment_rate` and `members.lapsed`, built and
refreshed with every other fact by the fact store (registered with qingfeng.core.metrics), and read back by
qingfeng.membership.indicators.

* "paid" (a flow): one row per dues payment, dated on the first day of the month paid for and owned by the
  organization whose relation holds the person on that month's last day — when the person was admitted by
  then, i.e. exactly the member-months the denominator counts. Read at month grain over the whole months
  of the period only (`payment_rate`); the denominator is the `mem` snapshot (正式党员 + 预备党员) at each
  of those months' last days.
* "dues" (a flow): the payments recorded by each organization (the collecting one) on the day paid, their
  count and their sum in fen — `dues.collected`, rounded to yuan once summed, like the direct computation.
* "lapse" (a snapshot, +1/−1 deltas): a person counts at `to` when admitted before the first day of the
  sixth month before `to`'s month and with no payment or no attended activity in those six months
  (membership.warnings.lapsing_members). That only changes on first days of months, so per person it is
  a few [start, end) segments, owned by the person's *current* organization (Person.within).

* "app" (a flow): a candidacy (入党申请) on the day applied, at the branch that received it — `development.applications`;
* "dev" (a snapshot): a candidacy from the day applied until 转正 or its end, d1 the stages it is in on each day
  (letters of STAGE_LETTERS, cut where a milestone's date falls) — `development.in_progress[stage=…]`;
* "late" (a snapshot): a step of a candidacy in progress, in its current stage, from the first day it is late
  (membership.rules.late_steps) onwards — `development.late_steps`, as the warnings list them.

The dues rows rest on what `members.total` already assumes: a person holds at most one relation on any day. The
raw-record computation in membership.indicators stays the reference and serves drill-through.
"""

# ruff: noqa: S608 — SQL here is built from our own table names (model metadata); values are bound parameters.
from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import CharField, Count, F, Sum, Value

from qingfeng.core import metrics
from qingfeng.core.indicators import FactsQuestion, round_rate
from qingfeng.core.metrics import Rows
from qingfeng.membership import rules
from qingfeng.people.facts import MEM

PAID, LAPSE, DUES = "paid", "lapse", "dues"
APPLIED, DEVELOPING, LATE = "app", "dev", "late"
MEMBER_CATEGORIES = ("正式党员", "预备党员")

metrics.declare(metrics.FLOW, PAID, DUES, APPLIED)
metrics.declare(metrics.SNAPSHOT, LAPSE, DEVELOPING, LATE)

# The stages of development on a day, as "dev" keys them in d1 (qingfeng.membership.indicators names them).
STAGE_LETTERS = {"applicant": "A", "activist": "B", "candidate": "C", "probationary": "P"}


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def month_of_index(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def _next_month_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST({column} + INTERVAL '1 month' AS date)"
    return f"date({column}, '+1 month')"


def _month_index_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"(CAST(EXTRACT(YEAR FROM {column}) AS integer) * 12 + CAST(EXTRACT(MONTH FROM {column}) AS integer) - 1)"
    # dates are 'YYYY-MM-DD' text on SQLite (no strftime: a '%' would trip the query log's formatting)
    return f"(CAST(substr({column}, 1, 4) AS integer) * 12 + CAST(substr({column}, 6, 2) AS integer) - 1)"


def _list_sql(expr: str) -> str:
    """Distinct values of an integer expression of a group, as comma-separated text."""
    if connection.vendor == "postgresql":
        return f"string_agg(DISTINCT CAST({expr} AS text), ',')"
    return f"group_concat(DISTINCT {expr})"


# ---- own rows ----------------------------------------------------------------------------

@metrics.row_source(reads=("membership.duespayment", "people.person", "people.relation", "activities.activity",
                           "activities.attendance", "membership.candidate"),
                    emits=(PAID, LAPSE, APPLIED, DEVELOPING, LATE))
def add_rows(rows: Rows, org_id: int | None = None) -> None:
    """The lifecycle's own rows of one organization (or of all) into `rows` (a qingfeng.core.metrics.Rows)."""
    add_paid(rows, org_id)
    add_lapse(rows, org_id)
    add_development(rows, org_id)


@metrics.sql_source(DUES, reads=("membership.duespayment",))
def dues_values(org_id: int | None = None):
    """"dues" rows as a grouped query (a SQL source: the rebuild inserts it in SQL)."""
    from qingfeng.membership.models import DuesPayment

    qs = DuesPayment.objects.all()
    if org_id is not None:
        qs = qs.filter(org_id=org_id)
    blank = Value("", output_field=CharField())
    return qs.order_by().values(o=F("org_id"), dd=F("paid_on"), k1=blank, k2=blank, k3=blank).annotate(
        c=Count("id"), s=Sum("amount_fen"))


def add_paid(rows, org_id: int | None = None) -> None:
    """"paid" rows: payments for member-months due, counted by the organization holding the relation on the
    last day of the month paid for (a relation holds on day L when start <= L < end: start < next month's
    first day <= end), the person admitted by then."""
    from qingfeng.membership.models import DuesPayment
    from qingfeng.people.models import Person, Relation

    pay, rel, person = table(DuesPayment), table(Relation), table(Person)
    nxt = _next_month_sql("p.month")
    sql = (f"SELECT r.org_id, p.month, COUNT(*) FROM {pay} p JOIN {rel} r ON r.person_id = p.person_id "
           f"JOIN {person} pe ON pe.id = p.person_id "
           f"WHERE pe.admitted_on IS NOT NULL AND pe.admitted_on < {nxt} "
           f"AND (r.start_on IS NULL OR r.start_on < {nxt}) AND (r.end_on IS NULL OR r.end_on >= {nxt})")
    params: list = []
    if org_id is not None:
        sql += " AND r.org_id = %s"
        params.append(org_id)
    sql += " GROUP BY r.org_id, p.month"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for org, month, n in cursor.fetchall():
            rows.add(org, _date(month), PAID, n=n)


def lapse_segments(admitted: dt.date, paid: set[int], attended: set[int]) -> list[tuple[int, int | None]]:
    """[start, end) month indexes in which a member admitted on `admitted` counts as lapsed, given the
    months (indexes) with a payment and with an attended activity. Month M counts when the person was
    admitted before the first day of M − 6 and M − 6 .. M − 1 hold no payment or no attendance; that only
    changes where a month enters (M = x + 1) or leaves (M = x + 7) the window."""
    n = rules.LAPSE_MONTHS
    first = month_index(admitted) + n + 1  # admitted_on < first day of (M − n)  ⇔  M ≥ month(admitted) + n + 1
    cuts = {first}
    for x in paid | attended:
        cuts.update((x + 1, x + n + 1))

    def lapsed(m: int) -> bool:
        window = range(m - n, m)
        return not any(x in paid for x in window) or not any(x in attended for x in window)

    segments: list[list] = []
    state = False
    for m in sorted(c for c in cuts if c >= first):
        now = lapsed(m)
        if now == state:
            continue
        if now:
            segments.append([m, None])
        else:
            segments[-1][1] = m
        state = now
    return [(lo, hi) for lo, hi in segments]


def _months(text) -> set[int]:
    return {int(x) for x in str(text).split(",")} if text else set()


def add_lapse(rows, org_id: int | None = None, chunk: int = 20000) -> None:
    """"lapse" rows: one query gives each member with an organization the months they paid for and the months
    they attended an activity (出席), as lists; the segments follow per person."""
    from qingfeng.activities.models import Activity, Attendance, Presence
    from qingfeng.membership.models import DuesPayment
    from qingfeng.people.models import Person

    person, att, act, pay = table(Person), table(Attendance), table(Activity), table(DuesPayment)
    own = "" if org_id is None else f" AND person_id IN (SELECT id FROM {person} WHERE org_id = %s)"
    scope = [] if org_id is None else [org_id]
    paid = (f"SELECT person_id, {_list_sql(_month_index_sql('month'))} AS months FROM {pay} WHERE 1 = 1{own} "
            f"GROUP BY person_id")
    attended = (f"SELECT person_id, {_list_sql('ym')} AS months FROM (SELECT DISTINCT a.person_id AS person_id, "
                f"{_month_index_sql('x.date')} AS ym FROM {att} a JOIN {act} x ON x.id = a.activity_id "
                f"WHERE a.presence = %s{own.replace('person_id', 'a.person_id', 1)}) s GROUP BY person_id")
    sql = (f"SELECT pe.org_id, pe.admitted_on, pa.months, am.months FROM {person} pe "
           f"LEFT JOIN ({paid}) pa ON pa.person_id = pe.id LEFT JOIN ({attended}) am ON am.person_id = pe.id "
           f"WHERE pe.admitted_on IS NOT NULL AND pe.org_id IS NOT NULL{'' if org_id is None else ' AND pe.org_id = %s'}")
    params: list[int | str] = [*scope, Presence.PRESENT.value, *scope, *scope]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(chunk):
            for org, admitted, paid_months, attended_months in batch:
                admitted_on = _date(admitted)
                if admitted_on is None:
                    continue  # the query asks for admitted members only
                for lo, hi in lapse_segments(admitted_on, _months(paid_months), _months(attended_months)):
                    rows.segment(org, month_of_index(lo), None if hi is None else month_of_index(hi), LAPSE)


CANDIDATE_FIELDS = ("org_id", "stage", "applied_on", "talked_on", "activist_on", "candidate_on", "vote_on", "approved_on",
                    "extension_months", "full_vote_on", "full_approved_on", "closed_on")


def stages_on(day: dt.date, activist: dt.date | None, candidate: dt.date | None, vote: dt.date | None,
              approved: dt.date | None) -> str:
    """The letters of the stages a candidacy in progress is in on `day`, from its milestones' dates (the same
    tests as the direct computation's filter, membership.indicators._stage_at_q)."""
    def by(d: dt.date | None) -> bool:
        return d is not None and d <= day

    held = []
    if not by(activist):
        held.append("A")
    if by(activist) and not by(candidate):
        held.append("B")
    if by(candidate) and not (by(vote) and by(approved)):
        held.append("C")
    if by(approved):
        held.append("P")
    return "".join(held)


def add_development(rows, org_id: int | None = None) -> None:
    """"app", "dev" and "late" rows of the candidacies received by one organization (or all)."""
    from qingfeng.membership.models import Candidate

    qs = Candidate.objects.all() if org_id is None else Candidate.objects.filter(org_id=org_id)
    for (org, stage, applied, talked, activist, candidate, vote, approved, extension, full_vote, full_approved,
         closed) in qs.order_by().values_list(*CANDIDATE_FIELDS).iterator(chunk_size=5000):
        rows.add(org, applied, APPLIED)
        ends = [d for d in (full_approved, closed) if d is not None]
        end = min(ends) if ends else None
        if end is None or applied < end:
            cuts = sorted({d for d in (activist, candidate, vote, approved) if d is not None and applied < d
                           and (end is None or d < end)})
            bounds = [applied, *cuts, end]
            for lo, hi in zip(bounds, bounds[1:], strict=False):
                assert lo is not None
                rows.segment(org, lo, hi, DEVELOPING, stages_on(lo, activist, candidate, vote, approved))
        if stage in STAGE_LETTERS:  # in progress now: its late steps, from the first day each is late
            for _kind, _deadline, late_from in rules.late_steps(stage, applied, talked, vote, approved, extension,
                                                                 full_vote, full_approved):
                rows.segment(org, late_from, None, LATE)


def stage_keys(letters: set[str]) -> list[str]:
    """Every d1 of "dev" holding one of these stage letters."""
    combos = ["".join(c for c, bit in zip("ABCP", f"{mask:04b}", strict=True) if bit == "1") for mask in range(1, 16)]
    return [c for c in combos if letters & set(c)]


# ---- reading -----------------------------------------------------------------------------

def payment_rate(q: FactsQuestion, first: dt.date, last: dt.date):
    """dues.payment_rate from the rolled-up facts: over the whole months first .. last of the period, paid member-
    months ("paid", month grain) ÷ member-months due, the `mem` snapshot of members at each of those months' last
    days. That snapshot is worked back from the one at the period's end: minus the daily deltas of the end's month
    when it is partial, then minus each whole month's delta going back — so only the rows of the period are read,
    in one query."""
    held = q.snap(MEM, MEMBER_CATEGORIES)[0]
    tail = q.end.replace(day=1)  # the end's month: partial unless it is `last`
    deltas: dict[dt.date, int] = {}
    paid = 0
    for grain, metric, row_day, d1, n, _total in q.monthly((MEM, PAID), first, last, tail if last < tail else None):
        day = _date(row_day)
        if day is None:
            continue
        if metric == PAID and grain == "m":
            paid += n or 0
        elif metric == MEM and d1 in MEMBER_CATEGORIES:
            if grain == "d":
                held -= n or 0  # now the members at the end of `last`
            elif day > first:
                deltas[day] = deltas.get(day, 0) + (n or 0)
    due = 0
    for i in range(month_index(last), month_index(first) - 1, -1):
        due += held
        held -= deltas.get(month_of_index(i), 0)
    return round_rate(paid, due)


# ---- keeping them current ----------------------------------------------------------------

@metrics.people_source
def organizations_of(person_ids) -> set[int]:
    """The organizations whose own rows depend on these persons: their current organizations ("lapse": payments,
    attendance, admission) and every organization they held a relation with ("paid", "mem": the month's last day
    decides)."""
    from qingfeng.people.models import Person, Relation

    ids = set(person_ids)
    if not ids:
        return set()
    # An import's new members have consecutive keys: a range is the same set, without an IN list of thousands of
    # values to prepare; DISTINCT: a few organizations for thousands of persons, not a row each.
    low, high = min(ids), max(ids)
    people = {"pk__range": (low, high)} if high - low + 1 == len(ids) else {"pk__in": ids}
    orgs = set(Person.objects.filter(**people, org__isnull=False).values_list("org_id", flat=True).distinct())
    relations = {"person_id__gte": low, "person_id__lte": high} if "pk__range" in people else {"person_id__in": ids}
    orgs |= set(Relation.objects.filter(**relations).values_list("org_id", flat=True).distinct())
    return orgs
