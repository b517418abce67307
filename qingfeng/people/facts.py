"""The own fact rows of the members (qingfeng.core.metrics): what qingfeng.people.indicators (and the indicators of
other ledgers counting members: rotation coverage, dues) read back.

* "mem" (snapshot): a relation while it holds, d1 the person's category then (正式党员 / 预备党员 / "" before
  admission), d2 their cadre level then — cut where either changes (admission, 转正, a cadre-level record);
* "rec" (flow): a person admitted, on the admission day, at the admitting organization — or, when none was
  recorded (an import), at the one holding their relation on that day;
* "xfer" (flow): a relation started by a transfer, d1 the organization it came from (the store rolls it up only to
  the ancestors the two do not share: a move inside a subtree is no transfer into it).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import F, Q

from qingfeng.core import metrics
from qingfeng.core.metrics import Rows, level_at, level_pieces
from qingfeng.people.models import CadreLevelRecord, Category, Person, Relation, RelationVia

MEM, RECRUITED, TRANSFERRED = "mem", "rec", "xfer"
MEMBER_CATEGORIES = (Category.FULL.value, Category.PROBATIONARY.value)

metrics.declare(metrics.SNAPSHOT, MEM)
metrics.declare(metrics.FLOW, RECRUITED, TRANSFERRED)


def category_at(admitted: dt.date | None, full: dt.date | None, category: str, day: dt.date | None) -> str:
    """正式党员 / 预备党员 / "" on `day` (None: before any day)."""
    if admitted is None or day is None or admitted > day:
        return ""
    if full is None:
        return Category.FULL.value if category == Category.FULL else Category.PROBATIONARY.value
    return Category.FULL.value if full <= day else Category.PROBATIONARY.value


Stay = tuple[int, int, Any, Any, Any, Any, str, str]  # REL_FIELDS' values
History = list[tuple[dt.date | None, int, str]]


def add_members(rows: Rows, relations: Iterable[Stay], cadre: dict[int, History]) -> None:
    """Snapshot deltas of relations by (category, cadre level), cut where either changes."""
    for org_id, person_id, start, end, admitted, full, category, own_level in relations:
        if start is not None and end is not None and start >= end:
            continue
        pieces = level_pieces(cadre.get(person_id, []), own_level)
        days = {d for d in (admitted, full) if d is not None} | {p[0] for p in pieces if p[0] is not None}
        cuts = sorted(d for d in days if (start is None or d > start) and (end is None or d < end))
        bounds = [start, *cuts]
        spans: list[list[Any]] = []
        for i, lo in enumerate(bounds):
            hi = bounds[i + 1] if i + 1 < len(bounds) else end
            state = (category_at(admitted, full, category, lo), level_at(pieces, lo))
            if spans and spans[-1][2] == state:
                spans[-1][1] = hi
            else:
                spans.append([lo, hi, state])
        for lo, hi, (cat, level) in spans:
            rows.segment(org_id, lo, hi, MEM, cat, level)


def cadre_records(person_ids: Iterable[int] | None = None) -> dict[int, History]:
    qs = CadreLevelRecord.objects.all()
    if person_ids is not None:
        qs = qs.filter(person_id__in=person_ids)
    out: dict[int, History] = defaultdict(list)
    for pid, since, pk, level in qs.order_by().values_list("person_id", "since", "id", "level"):
        out[pid].append((since, pk, level))
    return out


REL_FIELDS = ("org_id", "person_id", "start_on", "end_on", "person__admitted_on", "person__full_on", "person__category",
              "person__cadre_level")


@metrics.row_source(reads=(Relation, Person, CadreLevelRecord), emits=(MEM,))
def add_member_rows(rows: Rows, org_id: int | None = None) -> None:
    rels = Relation.objects.all() if org_id is None else Relation.objects.filter(org_id=org_id)
    rel_rows = list(rels.order_by().values_list(*REL_FIELDS))
    add_members(rows, rel_rows, cadre_records(None if org_id is None else {r[1] for r in rel_rows}))


@metrics.row_source(reads=(Relation, Person), emits=(RECRUITED, TRANSFERRED))
def add_movement_rows(rows: Rows, org_id: int | None = None) -> None:
    # 发展党员: by the admitting organization, or the one holding the relation on the admission day.
    admitted = Relation.objects.filter(person__admitted_on__isnull=False, person__admitting_org__isnull=True).filter(
        Q(start_on__isnull=True) | Q(start_on__lte=F("person__admitted_on"))).filter(
        Q(end_on__isnull=True) | Q(end_on__gt=F("person__admitted_on")))
    persons = Person.objects.filter(admitted_on__isnull=False, admitting_org__isnull=False)
    transfers = Relation.objects.filter(via__in=(RelationVia.TRANSFER, RelationVia.TRANSFER_IN), start_on__isnull=False)
    if org_id is not None:
        admitted = admitted.filter(org_id=org_id)
        persons = persons.filter(admitting_org_id=org_id)
        transfers = transfers.filter(org_id=org_id)
    for org, day in admitted.order_by().values_list("org_id", "person__admitted_on"):
        rows.add(org, day, RECRUITED)  # type: ignore[arg-type]  # filtered: not null
    for org, admitted_on in persons.order_by().values_list("admitting_org_id", "admitted_on"):
        rows.add(org, admitted_on, RECRUITED)  # type: ignore[arg-type]  # filtered: not null
    for org, start, from_org in transfers.order_by().values_list("org_id", "start_on", "from_org_id"):
        rows.add(org, start, TRANSFERRED, from_org or "")  # type: ignore[arg-type]  # filtered: not null
