"""学历提升: a cadre enrolled toward a degree (中专 … 研究生), later graduated. One record per person and day
enrolled; recording the same enrollment again changes nothing."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from qingfeng.core import changes
from qingfeng.core.dates import today
from qingfeng.core.entries import log_entries
from qingfeng.core.ledger import diff, ledger_action
from qingfeng.education.models import DegreeLevel, DegreeStudy
from qingfeng.orgs.models import Organization
from qingfeng.people.models import Person


def check_study(level: str, enrolled_on: dt.date | None, graduated_on: dt.date | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if level not in DegreeLevel.values:
        errors["level"] = [_("层次应为 %(allowed)s 之一。") % {"allowed": "、".join(DegreeLevel.values)}]
    if enrolled_on is None:
        errors["enrolled_on"] = [_("请填写入学日期。")]
    elif enrolled_on > today():
        errors["enrolled_on"] = [_("入学日期不能晚于今天。")]
    if graduated_on is not None:
        if graduated_on > today():
            errors["graduated_on"] = [_("毕业日期不能晚于今天。")]
        elif enrolled_on is not None and graduated_on < enrolled_on:
            errors["graduated_on"] = [_("毕业日期不能早于入学日期。")]
    return errors


@ledger_action
def enroll(*, user, person: Person, org: Organization, level: str, enrolled_on: dt.date,
           graduated_on: dt.date | None = None, via: str = "page") -> DegreeStudy:
    errors = check_study(level, enrolled_on, graduated_on)
    if errors:
        raise ValidationError(errors)
    existing = DegreeStudy.objects.select_for_update().filter(person=person, enrolled_on=enrolled_on).first()
    if existing is not None:
        if (existing.org_id, existing.level) != (org.pk, level):
            raise ValidationError({"enrolled_on": [_("%(name)s 在 %(date)s 已有一条学历提升记录（%(org)s，%(level)s）。") % {
                "name": person.name, "date": enrolled_on, "org": existing.org.name, "level": existing.level}]})
        return existing
    study = DegreeStudy.objects.create(person=person, org=org, level=level, enrolled_on=enrolled_on,
                                       graduated_on=graduated_on, entered_via=via)
    log_entries([study], via, user=user)
    changes.record(orgs=[org.pk], days=[enrolled_on, graduated_on], ledgers=(DegreeStudy,))
    return study


@ledger_action
def graduate(study: DegreeStudy, *, user, on: dt.date) -> DegreeStudy:
    study = DegreeStudy.objects.select_for_update().get(pk=study.pk)
    if study.graduated_on:
        raise ValidationError(_("已于 %(date)s 毕业。") % {"date": study.graduated_on})
    errors = check_study(study.level, study.enrolled_on, on)
    if errors:
        raise ValidationError({"on": errors.get("graduated_on", [])} if "graduated_on" in errors else errors)
    diff(study, {"graduated_on": on})
    study.save(update_fields=["graduated_on", "updated_at"])
    changes.record(orgs=[study.org_id], days=[on], ledgers=(DegreeStudy,))
    return study
