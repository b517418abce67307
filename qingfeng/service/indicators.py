"""Indicators of 我为群众办实事 (spec/indicators.md), declared with qingfeng.core.indicators."""

from __future__ import annotations

from django.utils.translation import gettext_noop as N

from qingfeng.core.indicators import Indicator, register
from qingfeng.service.models import ServiceCategory

CATEGORIES = tuple(ServiceCategory.values)

register(
    Indicator("service.items", N("办实事事项数"), "flow", "service", {"category": CATEGORIES}),
    Indicator("service.completed", N("办结事项数"), "flow", "service", {"category": CATEGORIES}),
    Indicator("service.completion_rate", N("按期办结率"), "rate", "service", {"category": CATEGORIES}),
    Indicator("service.beneficiaries", N("受益群众人数"), "flow", "service", {"category": CATEGORIES}),
)
