"""Indicators of supervision: findings and their rectification, accountability (spec/indicators.md), declared with
qingfeng.core.indicators."""

from __future__ import annotations

from django.utils.translation import gettext_noop as N

from qingfeng.core.indicators import Indicator, register
from qingfeng.supervision.models import FindingSource

SOURCES = tuple(FindingSource.values)

register(
    Indicator("rectify.found", N("发现问题数"), "flow", "supervision", {"source": SOURCES}),
    Indicator("rectify.closed", N("整改销号数"), "flow", "supervision", {"source": SOURCES}),
    Indicator("rectify.on_time_rate", N("按期整改率"), "rate", "supervision", {"source": SOURCES}),
    Indicator("rectify.overdue", N("逾期未整改数"), "snapshot", "supervision", {"source": SOURCES}),
    Indicator("accountability.persons", N("问责人数"), "flow", "supervision"),
)
