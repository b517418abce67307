"""Indicators of grassroots organization building: weak organizations, elections, dispatched cadres
(spec/indicators.md), declared with qingfeng.core.indicators."""

from __future__ import annotations

from django.utils.translation import gettext_noop as N

from qingfeng.core.indicators import Indicator, register
from qingfeng.grassroots.models import Role
from qingfeng.orgs.indicators import LEVELS, SECTORS

ROLES = tuple(Role.values)

register(
    Indicator("grassroots.weak_identified", N("软弱涣散党组织认定数"), "flow", "grassroots", {"sector": SECTORS}),
    Indicator("grassroots.weak_rectified", N("软弱涣散党组织整顿完成数"), "flow", "grassroots", {"sector": SECTORS}),
    Indicator("grassroots.elections", N("完成换届党组织数"), "flow", "grassroots", {"level": LEVELS}),
    Indicator("grassroots.elections_overdue", N("应换届未换届党组织数"), "snapshot", "grassroots"),
    Indicator("grassroots.dispatched", N("选派(下派)干部人数"), "flow", "grassroots",
              {"role": ROLES, "sector": SECTORS, "level": LEVELS}),
    Indicator("grassroots.stationed", N("在岗驻村(社区)力量人数"), "snapshot", "grassroots", {"role": ROLES}),
    Indicator("grassroots.adjusted", N("调整驻村干部人数"), "flow", "grassroots", {"role": ROLES}),
    Indicator("grassroots.dispatch_teams", N("派出队伍数"), "flow", "grassroots", {"role": ROLES}),
)
