"""Indicators of the members (spec/indicators.md), declared with qingfeng.core.indicators."""

from __future__ import annotations

from django.utils.translation import gettext_noop as N

from qingfeng.core.indicators import Indicator, register
from qingfeng.people.models import CadreLevel, Category

CATEGORIES = tuple(Category.values)
CADRE_LEVELS = tuple(CadreLevel.values)

register(
    Indicator("members.total", N("党员总数"), "snapshot", "orgs", {"category": CATEGORIES, "cadre_level": CADRE_LEVELS}),
    Indicator("members.recruited", N("发展党员数"), "flow", "orgs"),
    Indicator("members.transferred_in", N("转入党员数"), "flow", "orgs"),
)
