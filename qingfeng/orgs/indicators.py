"""Indicators of the organization tree (spec/indicators.md), declared with qingfeng.core.indicators."""

from __future__ import annotations

from django.utils.translation import gettext_noop as N

from qingfeng.core.indicators import Indicator, register
from qingfeng.orgs.models import Kind, Level, Sector

KINDS = tuple(Kind.values)
SECTORS = tuple(Sector.values)
LEVELS = tuple(Level.values)

register(
    Indicator("orgs.total", N("党组织总数"), "snapshot", "orgs", {"kind": KINDS, "sector": SECTORS, "level": LEVELS}),
    Indicator("orgs.branches", N("党支部数"), "snapshot", "orgs", {"sector": SECTORS}),
)
