"""The two-new register (两新组织): registering an entity, its coverage over time (CoverageChange rows,
Entity.coverage the current one) and deregistration (注销)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from qingfeng.core import changes
from qingfeng.core.dates import today
from qingfeng.core.entries import log_entries
from qingfeng.core.idnumbers import credit_problem
from qingfeng.core.ledger import diff, ledger_action
from qingfeng.entities.models import CoverageChange, CoverageMode, Entity, EntityType
from qingfeng.orgs.models import Organization

# What registering an entity or changing its coverage writes (the facts recompute only what reads these).
WRITES = (Entity, CoverageChange)


@ledger_action
def register_entity(*, user, org: Organization, credit_code: str, name: str, type: str,  # noqa: A002
                    coverage: str = CoverageMode.NONE, since: dt.date | None = None, employees: int | None = None,
                    member_count: int | None = None, via: str = "page") -> Entity:
    credit_code, name = (credit_code or "").strip().upper(), (name or "").strip()
    errors: dict[str, list[str]] = {}
    problem = credit_problem(credit_code)
    if problem:
        errors["credit_code"] = [problem]
    elif Entity.objects.filter(credit_code=credit_code).exists():
        errors["credit_code"] = [_("该统一社会信用代码已登记。")]
    if not name:
        errors["name"] = [_("请填写名称。")]
    if type not in EntityType.values:
        errors["type"] = [_("请选择类型。")]
    if coverage not in CoverageMode.values:
        errors["coverage"] = [_("请选择覆盖方式。")]
    elif coverage == CoverageMode.NONE and since:
        errors["since"] = [_("未覆盖时不填覆盖日期。")]
    if since and since > today():
        errors["since"] = [_("覆盖日期不能晚于今天。")]
    if errors:
        raise ValidationError(errors)
    entity = Entity.objects.create(credit_code=credit_code, name=name[:200], type=type, org=org, employees=employees,
                                   member_count=member_count, coverage=coverage, entered_via=via)
    if coverage != CoverageMode.NONE:
        CoverageChange.objects.create(entity=entity, mode=coverage, since=since)
    log_entries([entity], via, user=user)
    changes.record(orgs=[org.pk], days=[since or today()], ledgers=WRITES)
    return entity


@ledger_action
def change_coverage(entity: Entity, *, user, mode: str, since: dt.date) -> CoverageChange:
    entity = Entity.objects.select_for_update().get(pk=entity.pk)
    if entity.deregistered_on:
        raise ValidationError(_("该组织已注销。"))
    if mode not in CoverageMode.values:
        raise ValidationError({"mode": [_("请选择覆盖方式。")]})
    if mode == entity.coverage:
        raise ValidationError({"mode": [_("覆盖方式没有变化。")]})
    if since > today():
        raise ValidationError({"since": [_("变化日期不能晚于今天。")]})
    last = entity.coverage_history.exclude(since__isnull=True).order_by("-since").first()
    if last and last.since is not None and since <= last.since:
        raise ValidationError({"since": [_("变化日期必须晚于上一次变化（%(date)s）。") % {"date": last.since}]})
    change = CoverageChange.objects.create(entity=entity, mode=mode, since=since)
    diff(entity, {"coverage": mode})
    entity.save(update_fields=["coverage"])
    changes.record(orgs=[entity.org_id], days=[since], ledgers=WRITES)
    return change


@ledger_action
def deregister_entity(entity: Entity, *, user, on: dt.date) -> Entity:
    entity = Entity.objects.select_for_update().get(pk=entity.pk)
    if entity.deregistered_on:
        raise ValidationError(_("该组织已于 %(date)s 注销。") % {"date": entity.deregistered_on})
    if on > today():
        raise ValidationError({"on": [_("注销日期不能晚于今天。")]})
    diff(entity, {"deregistered_on": on})
    entity.save(update_fields=["deregistered_on"])
    changes.record(orgs=[entity.org_id], days=[on], ledgers=(Entity,))
    return entity


# ---- bulk variants (imports) -------------------------------------------------------------------

def coverage_since(entity_ids: list[int]) -> dict[int, dt.date | None]:
    """The date each entity's current coverage holds from: the start of its latest history row (entities without
    history are left out)."""
    from django.db.models import F

    latest: dict[int, dt.date | None] = {}
    ids = sorted(entity_ids)
    for i in range(0, len(ids), 5000):
        for entity_id, since in CoverageChange.objects.filter(entity_id__in=ids[i:i + 5000]).order_by(
                "entity_id", F("since").asc(nulls_first=True), "id").values_list("entity_id", "since"):
            latest[entity_id] = since
    return latest


def register_entities(entities: list[Entity], since: list[dt.date | None]) -> None:
    """The bulk variant of register_entity (imports): the entities, and the first coverage row of each covered
    one, holding from its date (None: known since registration). The caller has checked them."""
    for entity in entities:
        entity.coverage = entity.coverage or CoverageMode.NONE
    Entity.objects.bulk_create(entities, batch_size=5000)
    CoverageChange.objects.bulk_create([CoverageChange(entity_id=e.pk, mode=e.coverage, since=day)
                                        for e, day in zip(entities, since, strict=True)
                                        if e.coverage != CoverageMode.NONE], batch_size=5000)


def append_coverages(rows: list[tuple[int, str, dt.date | None]], *, on: dt.date, dated: bool = True) -> None:
    """The bulk variant of change_coverage (imports): (entity, new coverage, date) appended to each history.
    Without a date the coverage holds from `on` — unless it is the first coverage of an entity without history,
    known since registration. With `dated` false (no date column at all) each keeps its current coverage's date."""
    since = coverage_since([pk for pk, _mode, _day in rows])
    history = []
    for pk, mode, day in rows:
        if not dated:
            day = since.get(pk)
        history.append(CoverageChange(entity_id=pk, mode=mode, since=day or (
            None if pk not in since and mode != CoverageMode.NONE else on)))
    CoverageChange.objects.bulk_create(history, batch_size=5000)
