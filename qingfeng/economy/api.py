"""/support-items: 集体经济扶持 payments in the token user's subtree (mounted under /api/v1/ through
EconomyConfig.ready)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Path, Query, Router, Schema

from qingfeng.accounts import access
from qingfeng.core.api import READ_ERRORS, Day, PageIn, page_schema, paginate
from qingfeng.economy.access import get_support_item_for_user
from qingfeng.economy.models import FundSource, SupportItem

router = Router(tags=["economy"])


class SupportItemOut(Schema):
    code: str
    org: str = Field(alias="org.code")
    org_name: str = Field(alias="org.name")
    source: str = Field(description="中央 / 省级 / 市级 / 县级 / 乡镇 / 社会")
    amount: int = Field(description="金额（元）/ yuan")
    paid_on: dt.date
    purpose: str


class SupportFilter(Schema):
    org: str | None = Field(None, max_length=32, description="组织及下级 / subtree of this code")
    source: list[FundSource] | None = Field(None, description="可重复 / repeatable")
    start: Day | None = Field(None, description="拨付日期不早于 / paid on or after")
    end: Day | None = Field(None, description="拨付日期不晚于 / paid on or before")


SupportPage = page_schema(SupportItemOut, "SupportItemPage")


@router.get("/support-items", response={200: SupportPage, **READ_ERRORS},
            summary="集体经济扶持 / collective-economy support")
def list_support_items(request, filters: Query[SupportFilter], paging: Query[PageIn]):
    user = request.auth
    qs = access.visible(SupportItem.objects.select_related("org"), user)
    if filters.org:
        qs = qs.within(access.get_org_for_user(user, filters.org))
    if filters.source:
        qs = qs.filter(source__in=filters.source)
    if filters.start:
        qs = qs.filter(paid_on__gte=filters.start)
    if filters.end:
        qs = qs.filter(paid_on__lte=filters.end)
    return paginate(qs.order_by("-paid_on", "-id"), paging)


@router.get("/support-items/{code}", response={200: SupportItemOut, **READ_ERRORS},
            summary="扶持项目 / a support item")
def get_support_item(request, code: str = Path(..., max_length=40)):
    return get_support_item_for_user(request.auth, code)
