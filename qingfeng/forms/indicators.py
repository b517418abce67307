"""The indicator of 一表通: forms the platform filled (spec/forms.md), declared with qingfeng.core.indicators: its value
from the facts (qingfeng.forms.facts), its direct computation from the records, which is also its drill-through."""

from __future__ import annotations

from django.utils.translation import gettext_noop as N

from qingfeng.core.indicators import Ask, Indicator, Parts, RecordSet, between, register, stream, within
from qingfeng.forms.facts import FILLED
from qingfeng.forms.models import Filling

COLUMNS = ["生成日期", "报表编号", "报表名称", "填报组织编码", "开始日期", "结束日期", "用户组织编码", "渠道"]


def fillings(ask: Ask) -> Parts:
    """Forms filled by the platform in the period for users whose organization is in scope."""
    qs = between(within(Filling.objects.all(), ask, "user_org"), ask, "on")

    def rows():
        for f in stream(qs.select_related("template__form", "org", "user_org").order_by("on", "at", "id")):
            yield [f.on, f.template.form.code, f.template.form.name, f.org.code, f.start, f.end,
                   f.user_org.code if f.user_org else "", f.channel]

    return Parts(RecordSet("forms.filling", COLUMNS, rows, qs.count))


register(
    Indicator("burden.forms_answered", N("系统生成报表份数"), "flow", "burden", reads=frozenset({FILLED}),
              facts=lambda q: q.flow(FILLED)[0], records=fillings),
)
