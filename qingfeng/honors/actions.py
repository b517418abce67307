"""表彰: a commendation decision with the collectives and persons it commends.

A decision (表彰编号) is shared by everyone who records one of its honorees: the first write creates it, later
writes (another district's honorees, an import) must agree on its name, grantor level and date, and add only
honorees not yet recorded — writing the same decision twice changes nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from qingfeng.core import changes
from qingfeng.core.dates import today
from qingfeng.core.entries import log_entries
from qingfeng.core.ledger import ledger_action
from qingfeng.honors.models import Commendation, GrantorLevel, Honoree, HonoreeKind
from qingfeng.orgs.models import Organization
from qingfeng.people.models import Person


@dataclass
class NewHonoree:
    kind: str
    org: Organization
    collective_name: str = ""
    person: Person | None = None

    @property
    def key(self):
        person = self.person
        return (self.kind, person.pk if self.kind != HonoreeKind.COLLECTIVE and person is not None else self.collective_name)


def check_decision(code: str, name: str, grantor_level: str, date: dt.date | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not code:
        errors["code"] = [_("请填写表彰编号。")]
    elif len(code) > 40:
        errors["code"] = [_("表彰编号不能超过 40 个字符。")]
    if not name:
        errors["name"] = [_("请填写表彰名称。")]
    if grantor_level not in GrantorLevel.values:
        errors["grantor_level"] = [_("授予级别应为 %(allowed)s 之一。") % {"allowed": "、".join(GrantorLevel.values)}]
    if date is None:
        errors["date"] = [_("请填写表彰日期。")]
    elif date > today():
        errors["date"] = [_("表彰日期不能晚于今天。")]
    return errors


def disagreement(decision: Commendation, name: str, grantor_level: str, date: dt.date) -> str:
    """Why an existing decision cannot take these values ("" when they agree)."""
    if (decision.name, decision.grantor_level, decision.date) == (name, grantor_level, date):
        return ""
    return _("表彰编号“%(code)s”已登记为 %(date)s %(level)s“%(name)s”，与填写的名称、级别或日期不一致。") % {
        "code": decision.code, "date": decision.date, "level": decision.grantor_level, "name": decision.name}


@ledger_action
def record_commendation(*, user, code: str, name: str, grantor: str = "", grantor_level: str, date: dt.date,
                        honorees: list[NewHonoree], via: str = "page") -> tuple[Commendation, list[Honoree]]:
    """Create the decision (or find the same one) and add the honorees it does not list yet."""
    code, name, grantor = (code or "").strip(), (name or "").strip(), (grantor or "").strip()
    errors = check_decision(code, name, grantor_level, date)
    if not honorees:
        errors["honorees"] = [_("请至少填写一个受表彰集体或个人。")]
    for h in honorees:
        if h.kind == HonoreeKind.COLLECTIVE and not h.collective_name.strip():
            errors.setdefault("honorees", []).append(_("集体的表彰须填写集体名称。"))
        if h.kind == HonoreeKind.PERSON and h.person is None:
            errors.setdefault("honorees", []).append(_("个人的表彰须填写公民身份号码和姓名。"))
        if len(h.collective_name) > 200:
            errors.setdefault("honorees", []).append(_("集体名称不能超过 200 个字符。"))
    if errors:
        raise ValidationError(errors)
    decision = Commendation.objects.select_for_update().filter(code=code).first()
    if decision is None:
        decision = Commendation.objects.create(code=code, name=name[:200], grantor=grantor[:200],
                                               grantor_level=grantor_level, date=date, entered_via=via)
    else:
        problem = disagreement(decision, name[:200], grantor_level, date)
        if problem:
            raise ValidationError({"code": [problem]})
    existing = {(h.kind, h.collective_name if h.kind == HonoreeKind.COLLECTIVE else h.person_id): h
                for h in decision.honorees.all()}
    created, seen = [], set()
    for h in honorees:
        h.collective_name = h.collective_name.strip()
        if h.key in seen:
            continue
        seen.add(h.key)
        already = existing.get(h.key)
        if already is not None:
            if already.org_id != h.org.pk:
                raise ValidationError({"honorees": [_("“%(who)s”已在该表彰中登记于其他组织。") % {
                    "who": h.collective_name or (h.person.name if h.person is not None else "")}]})
            continue
        created.append(Honoree.objects.create(commendation=decision, kind=h.kind, collective_name=h.collective_name,
                                              person=h.person, org=h.org, entered_via=via))
    log_entries(created, via, user=user)
    changes.record(orgs={h.org_id for h in created}, days=[date], ledgers=(Commendation, Honoree))
    return decision, created
