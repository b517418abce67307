"""集体经济扶持: one payment (项目编号) from a source level to a village's collective economy."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from qingfeng.core import changes
from qingfeng.core.dates import today
from qingfeng.core.entries import log_entries
from qingfeng.core.ledger import ledger_action
from qingfeng.economy.models import FundSource, SupportItem
from qingfeng.orgs.models import Organization

MAX_AMOUNT = 10**12  # yuan: a typo, not a payment


def check_item(code: str, source: str, amount, paid_on: dt.date | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not code:
        errors["code"] = [_("请填写项目编号。")]
    elif len(code) > 40:
        errors["code"] = [_("项目编号不能超过 40 个字符。")]
    if source not in FundSource.values:
        errors["source"] = [_("资金来源应为 %(allowed)s 之一。") % {"allowed": "、".join(FundSource.values)}]
    if amount is None or not isinstance(amount, int) or amount <= 0:
        errors["amount"] = [_("金额应为大于 0 的整数（元）。")]
    elif amount > MAX_AMOUNT:
        errors["amount"] = [_("金额过大，请核对（单位为元）。")]
    if paid_on is None:
        errors["paid_on"] = [_("请填写拨付日期。")]
    elif paid_on > today():
        errors["paid_on"] = [_("拨付日期不能晚于今天。")]
    return errors


@ledger_action
def record_support(*, user, code: str, org: Organization, source: str, amount: int, paid_on: dt.date,
                   purpose: str = "", via: str = "page") -> SupportItem:
    code, purpose = (code or "").strip(), (purpose or "").strip()
    errors = check_item(code, source, amount, paid_on)
    if not errors and SupportItem.objects.filter(code=code).exists():
        errors["code"] = [_("项目编号“%(code)s”已登记。") % {"code": code}]
    if errors:
        raise ValidationError(errors)
    item = SupportItem.objects.create(code=code, org=org, source=source, amount=amount, paid_on=paid_on,
                                      purpose=purpose[:300], entered_via=via)
    log_entries([item], via, user=user)
    changes.record(orgs=[org.pk], days=[paid_on], ledgers=(SupportItem,))
    return item
