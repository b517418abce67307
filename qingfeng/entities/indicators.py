"""Indicators of the two-new coverage (spec/indicators.md), declared with qingfeng.core.indicators."""

from __future__ import annotations

from django.utils.translation import gettext_noop as N

from qingfeng.core.indicators import Indicator, register

register(
    Indicator("coverage.nonpublic", N("非公有制企业党的工作覆盖率"), "rate", "coverage"),
    Indicator("coverage.nonpublic_org", N("非公有制企业党组织覆盖率"), "rate", "coverage"),
    Indicator("coverage.social", N("社会组织党的工作覆盖率"), "rate", "coverage"),
    Indicator("coverage.social_org", N("社会组织党组织覆盖率"), "rate", "coverage"),
)
