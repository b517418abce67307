"""Indicators of burden reduction: report forms and the entries made at the grassroots (spec/indicators.md),
declared with qingfeng.core.indicators."""

from __future__ import annotations

from django.utils.translation import gettext_noop as N

from qingfeng.core.indicators import Indicator, register

register(
    Indicator("burden.forms_active", N("在用报表数"), "snapshot", "burden"),
    Indicator("burden.forms_reduction", N("报表精简率"), "rate", "burden"),
    Indicator("burden.entries", N("基层填报条数"), "flow", "burden"),
)
