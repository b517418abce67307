"""Indicators of discipline (restricted to 纪检监察 and 系统管理员; spec/indicators.md), declared with
qingfeng.core.indicators."""

from __future__ import annotations

from django.utils.translation import gettext_noop as N

from qingfeng.core.indicators import Indicator, register
from qingfeng.people.indicators import CADRE_LEVELS

FORMS = ("1", "2", "3", "4")

register(
    Indicator("discipline.cases_filed", N("立案数"), "flow", "discipline", {"cadre_level": CADRE_LEVELS}, True),
    Indicator("discipline.self_surrender", N("主动投案人数"), "flow", "discipline", restricted=True),
    Indicator("discipline.four_forms", N("运用“四种形态”处理人次"), "flow", "discipline", {"form": FORMS}, True),
    Indicator("discipline.recommendations", N("纪检监察建议书数"), "flow", "discipline", restricted=True),
    Indicator("discipline.warning_sessions", N("警示教育场次"), "flow", "discipline", restricted=True),
    Indicator("discipline.warning_audience", N("警示教育受教育人次"), "flow", "discipline", restricted=True),
)
