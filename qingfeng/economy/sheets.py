"""The 集体经济扶持 import sheet (spec/import-formats.md, second round): one row per payment (项目编号)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from qingfeng.core.sheets import CODE, DATE, ENUM, FREE, INT, Col, Problems, Row, Sheet, choices_of, register
from qingfeng.economy.actions import MAX_AMOUNT
from qingfeng.economy.models import FundSource


def check_payment(row: Row) -> Problems:
    amount, paid = row["金额"], row["拨付日期"]
    if amount is not None and amount <= 0:
        yield "金额", _("金额应为大于 0 的整数（元）。")
    elif amount is not None and amount > MAX_AMOUNT:
        yield "金额", _("金额过大，请核对（单位为元）。")
    if paid is not None and paid > row.today:
        yield "拨付日期", _("拨付日期不能晚于今天。")


SUPPORT_ITEMS = register(Sheet("集体经济扶持", order=200, model="economy.SupportItem", key=("项目编号",),
                               lifetime=("组织编码", "拨付日期"), check=check_payment, columns=(
    Col("项目编号", True, CODE, max_length=40, example="JJ-2020-001", lookup="code"),
    Col("组织编码", True, CODE, max_length=32, example="14012210201", note="获扶持村的党组织", lookup="org__code",
        org=True),
    Col("资金来源", True, ENUM, choices_of(FundSource.values), example="市级", lookup="source"),
    Col("金额", True, INT, example=500000, note="元，大于0的整数", lookup="amount"),
    Col("拨付日期", True, DATE, example="2020-06-01", lookup="paid_on"),
    Col("用途", False, FREE, max_length=300, example="光伏发电项目", lookup="purpose"),
)))
