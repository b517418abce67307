"""The indicators' values and drill-throughs from the raw records (spec/indicators.md, "Common rules").

Each indicator declares its direct computation (`records`, qingfeng.core.indicators.Indicator) beside its app's
models; this module only calls it. It is the reference the facts are checked against
(tests/indicators/test_property.py), the fallback for periods the facts do not cover, and the source of every
drill-through: a value is always a count, distinct count or sum over the very record sets it lists. The compliance
windows the fact store keeps are offered to the declarations here (`stored_windows`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import cast

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_noop as N

from qingfeng.activities.models import Requirement
from qingfeng.activities.windows import WINDOW_COLUMNS
from qingfeng.core import metrics
from qingfeng.core.indicators import (
    REGISTRY,
    Ask,
    Parts,
    RecordSet,
    Value,
    active_on,
    round_rate,
    stream,
    window_store,
)
from qingfeng.indicators import store
from qingfeng.indicators.models import OwnFact

# The vocabulary of record sets is the kernel's (qingfeng.core.indicators); named here too for the pages and
# benchmarks that ask this module for values and drill-throughs.
__all__ = ["Ask", "Parts", "RecordSet", "active_on", "round_rate", "parts", "value", "stored_windows"]

# Column headings of drill-through tables (exports keep them in Chinese, like the import templates;
# pages translate them). Listed once so that makemessages extracts them.
COLUMN_HEADINGS = [
    N("活动编号"),
    N("日期"),
    N("组织编码"),
    N("组织名称"),
    N("活动类型"),
    N("形式"),
    N("主题"),
    N("受众人数"),
    N("第一议题"),
    N("公民身份号码"),
    N("姓名"),
    N("所在党组织编码"),
    N("所在党组织"),
    N("组织类别"),
    N("单位类型"),
    N("层级"),
    N("成立日期"),
    N("撤销日期"),
    N("开始日期"),
    N("结束日期"),
    N("来源"),
    N("转出组织"),
    N("统一社会信用代码"),
    N("名称"),
    N("类型"),
    N("属地党组织编码"),
    N("覆盖方式"),
    N("注销日期"),
    N("岗位"),
    N("派驻组织编码"),
    N("派驻组织"),
    N("队伍"),
    N("结束原因"),
    N("认定日期"),
    N("整顿完成日期"),
    N("选举日期"),
    N("任期年限"),
    N("届满日期"),
    N("问题编号"),
    N("责任组织编码"),
    N("责任组织"),
    N("发现日期"),
    N("整改期限"),
    N("销号日期"),
    N("问题描述"),
    N("事项编号"),
    N("事项名称"),
    N("类别"),
    N("承诺日期"),
    N("计划完成日期"),
    N("完成日期"),
    N("受益人数"),
    N("案件编号"),
    N("干部管理层级"),
    N("承办组织编码"),
    N("立案日期"),
    N("主动投案"),
    N("报表编号"),
    N("报表名称"),
    N("主管组织编码"),
    N("启用日期"),
    N("停用日期"),
    N("停用原因"),
    N("填报时间"),
    N("生成日期"),
    N("填报组织编码"),
    N("用户组织编码"),
    N("记录类型"),
    N("记录编号"),
    N("渠道"),
    N("要求"),
    N("窗口开始"),
    N("窗口结束"),
    N("是否召开"),
    N("小分队编码"),
    N("决定组织编码"),
    N("决定日期"),
    N("方式"),
    N("形态"),
    N("措施"),
    N("建议书编号"),
    N("发出组织编码"),
    N("发出日期"),
    N("收文单位"),
    N("回复日期"),
]


def fact_window_set(qs: QuerySet[OwnFact], names: dict[str, str], ends: store.WindowEnds) -> RecordSet:
    def rows() -> Iterator[list[object]]:
        for code, name, type_id, cadence, day, met in stream(qs.order_by("org__path", "day", "d1").values_list(
                "org__code", "org__name", "d1", "d2", "day", "total")):
            yield [code, name, names.get(type_id, type_id), day, ends[(type_id, cadence, day)], "是" if met else "否"]

    return RecordSet("indicators.window", WINDOW_COLUMNS, rows, qs.count)


@window_store
def stored_windows(ask: Ask, models: list[Model]) -> tuple[RecordSet, RecordSet, RecordSet] | None:
    """The due, met and missed windows of these requirements in the asked subtree, from the compliance facts (one
    row per branch and due window, with its met flag) when they cover the period. None when they do not (not built,
    or outside their span), or for an organization's own records only."""
    if ask.exact:
        return None
    # The kernel's WindowStore names them Model (it cannot import a ledger); its one caller,
    # activities.indicators, passes the active Requirements.
    requirements = cast("list[Requirement]", models)
    ends = store.covered_windows(store.state(), requirements, ask.start, ask.end)
    if ends is None:
        return None
    match = Q(pk__in=[])
    for (type_id, cadence), starts in itertools.groupby(sorted(ends), key=lambda k: k[:2]):
        match |= Q(d1=type_id, d2=cadence, day__in=[ws for _t, _c, ws in starts])
    qs = OwnFact.objects.filter(match, metric=metrics.WINDOWS, org__path__startswith=ask.prefix)
    names = {str(r.activity_type_id): r.activity_type.name for r in requirements}
    return (fact_window_set(qs, names, ends), fact_window_set(qs.filter(total=1), names, ends),
            fact_window_set(qs.filter(total=0), names, ends))


def parts(indicator_id: str, ask: Ask) -> Parts:
    """The record sets behind one value: the indicator's declared direct computation."""
    indicator = REGISTRY[indicator_id]
    if indicator.records is None:
        raise KeyError(indicator_id)
    return indicator.records(ask)


def value(indicator_id: str, ask: Ask) -> Value:
    return parts(indicator_id, ask).value()
