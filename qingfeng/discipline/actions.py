"""Writes to the restricted discipline ledgers: file and close a case, record a disposition (四种形态),
issue a recommendation (建议书) and record its reply. Each validates, writes in one transaction, logs the
entry (burden.entries) and refreshes the indicator facts of the organization on the dates it touches."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from qingfeng.accounts.access import WRITERS_DISCIPLINE, org_in_scope, require_discipline, require_write
from qingfeng.core import changes, dates
from qingfeng.core.entries import log_entries
from qingfeng.core.models import Source
from qingfeng.discipline.models import Case, Disposition, Recommendation
from qingfeng.orgs.models import Organization
from qingfeng.people.models import Person


def _refresh(org_id: int, *days: dt.date | None, wrote: tuple[type[Model], ...]) -> None:
    """Announce a write of the models `wrote` (the facts recompute only what reads them)."""
    changes.record(orgs=[org_id], days=days, ledgers=wrote)


def _check_writer(user, org: Organization) -> None:
    require_discipline(user)
    require_write(user, WRITERS_DISCIPLINE)
    if not org_in_scope(user, org):
        raise ValidationError(_("组织 %(code)s 不在您的管辖范围内。") % {"code": org.code})


def _check_day(org: Organization, day: dt.date, label: str) -> None:
    if day > dates.today():
        raise ValidationError(_("%(label)s不能晚于今天。") % {"label": label})
    if org.established_on and day < org.established_on:
        raise ValidationError(_("%(label)s早于组织 %(org)s 的成立日期。") % {"label": label, "org": org.name})
    if org.dissolved_on and day >= org.dissolved_on:
        raise ValidationError(_("%(label)s不早于组织 %(org)s 的撤销日期。") % {"label": label, "org": org.name})


def person_for(id_number: str, name: str, user=None) -> tuple[Person, tuple[type[Model], ...]]:
    """The person with this 公民身份号码 among those the user sees, or a new (non-member) person when the platform
    does not know the number; anything else gets core.ledger's one neutral answer. With the models written: (Person,)
    for a new person, () otherwise."""
    from qingfeng.core.ledger import person_by_id

    known = Person.objects.filter(id_number=(id_number or "").strip().upper()).exists()
    try:
        person = person_by_id(id_number, name, user=user if getattr(user, "is_authenticated", False) else None)
    except ValidationError as exc:  # these forms show the action's errors above the fields
        raise ValidationError(exc.messages) from exc
    return person, () if known else (Person,)


def file_case(user, *, code: str, id_number: str, name: str, org: Organization, filed_on: dt.date,
              cadre_level: str = "", self_surrender: bool = False, closed_on: dt.date | None = None,
              channel: str = Source.PAGE) -> Case:
    _check_writer(user, org)
    code = code.strip()
    if not code:
        raise ValidationError(_("请填写案件编号。"))
    _check_day(org, filed_on, _("立案日期"))
    if closed_on is not None and closed_on < filed_on:
        raise ValidationError(_("结案日期不能早于立案日期。"))
    with transaction.atomic():
        if Case.objects.filter(code=code).exists():
            # The same answer whether the code is taken inside or outside the user's subtree.
            raise ValidationError(_("案件编号 %(code)s 不可用（已被使用），请换一个编号。") % {"code": code})
        person, wrote = person_for(id_number, name, user)
        case = Case.objects.create(code=code, person=person, org=org, filed_on=filed_on, cadre_level=cadre_level,
                                   self_surrender=self_surrender, closed_on=closed_on, entered_via=channel)
        log_entries([case], channel, user)
        _refresh(org.pk, filed_on, closed_on, wrote=(Case, *wrote))
    return case


def close_case(user, case: Case, closed_on: dt.date) -> Case:
    _check_writer(user, case.org)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.closed_on is not None:
            raise ValidationError(_("该案件已于 %(day)s 结案。") % {"day": case.closed_on})
        if closed_on < case.filed_on:
            raise ValidationError(_("结案日期不能早于立案日期。"))
        if closed_on > dates.today():
            raise ValidationError(_("结案日期不能晚于今天。"))
        case.closed_on = closed_on
        case.save(update_fields=["closed_on"])
        _refresh(case.org_id, closed_on, wrote=(Case,))
    return case


def record_disposition(user, *, id_number: str, name: str, org: Organization, decided_on: dt.date, form: int,
                       measure: str = "", case: Case | None = None, channel: str = Source.PAGE) -> Disposition:
    _check_writer(user, org)
    _check_day(org, decided_on, _("处置日期"))
    if int(form) not in (1, 2, 3, 4):
        raise ValidationError(_("形态应为1、2、3或4。"))
    with transaction.atomic():
        person, wrote = person_for(id_number, name, user)
        if case is not None and case.person_id != person.pk:
            raise ValidationError(_("案件 %(code)s 的当事人不是此人。") % {"code": case.code})
        if Disposition.objects.filter(person=person, decided_on=decided_on, form=form).exists():
            raise ValidationError(_("此人在该日期已有同一形态的处置记录。"))
        disposition = Disposition.objects.create(person=person, org=org, decided_on=decided_on, form=form,
                                                 measure=measure.strip(), case=case, entered_via=channel)
        log_entries([disposition], channel, user)
        _refresh(org.pk, decided_on, wrote=(Disposition, *wrote))
    return disposition


def issue_recommendation(user, *, code: str, org: Organization, issued_on: dt.date, recipient: str,
                         replied_on: dt.date | None = None, channel: str = Source.PAGE) -> Recommendation:
    _check_writer(user, org)
    code, recipient = code.strip(), recipient.strip()
    if not code:
        raise ValidationError(_("请填写建议书编号。"))
    if not recipient:
        raise ValidationError(_("请填写收文单位。"))
    _check_day(org, issued_on, _("发出日期"))
    if replied_on is not None and replied_on < issued_on:
        raise ValidationError(_("回复日期不能早于发出日期。"))
    with transaction.atomic():
        if Recommendation.objects.filter(code=code).exists():
            raise ValidationError(_("建议书编号 %(code)s 不可用（已被使用），请换一个编号。") % {"code": code})
        rec = Recommendation.objects.create(code=code, org=org, issued_on=issued_on, recipient=recipient,
                                            replied_on=replied_on, entered_via=channel)
        log_entries([rec], channel, user)
        _refresh(org.pk, issued_on, wrote=(Recommendation,))
    return rec


def record_reply(user, rec: Recommendation, replied_on: dt.date) -> Recommendation:
    _check_writer(user, rec.org)
    with transaction.atomic():
        rec = Recommendation.objects.select_for_update().get(pk=rec.pk)
        if rec.replied_on is not None:
            raise ValidationError(_("该建议书已于 %(day)s 回复。") % {"day": rec.replied_on})
        if replied_on < rec.issued_on:
            raise ValidationError(_("回复日期不能早于发出日期。"))
        if replied_on > dates.today():
            raise ValidationError(_("回复日期不能晚于今天。"))
        rec.replied_on = replied_on
        rec.save(update_fields=["replied_on"])
        _refresh(rec.org_id, replied_on, wrote=(Recommendation,))
    return rec
