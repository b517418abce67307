"""System checks: a province runs on PostgreSQL only (logical replication is PostgreSQL's)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register
from django.db import connections

TIERS = ("city", "province")


@register()
def tier_check(app_configs, **kwargs):
    tier = getattr(settings, "QINGFENG_TIER", "city")
    if tier not in TIERS:
        return [Error(f"QINGFENG_TIER={tier!r}: 应为 city（市级，默认）或 province（省级）。", id="federation.E001")]
    if tier == "province" and connections["default"].vendor != "postgresql":
        return [Error("省级部署（QINGFENG_TIER=province）只支持 PostgreSQL：省级库由各市的逻辑复制填充。"
                      "请把 DATABASE_URL 指向 PostgreSQL 数据库。", id="federation.E002")]
    return []
