"""The indicator of 一表通: forms the platform filled (spec/forms.md), declared with qingfeng.core.indicators."""

from __future__ import annotations

from django.utils.translation import gettext_noop as N

from qingfeng.core.indicators import Indicator, register

register(
    Indicator("burden.forms_answered", N("系统生成报表份数"), "flow", "burden"),
)
