"""/service-items: 我为群众办实事 commitments, followed to completion."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema

from qingfeng.accounts import access
from qingfeng.api.errors import READ_ERRORS
from qingfeng.api.paging import PageIn, page_schema, paginate
from qingfeng.service.models import ServiceCategory, ServiceItem

router = Router(tags=["service"])


class ServiceItemOut(Schema):
    code: str
    org: str = Field(alias="org.code")
    org_name: str = Field(alias="org.name")
    name: str
    category: str
    committed_on: dt.date
    planned_on: dt.date
    completed_on: dt.date | None
    beneficiaries: int | None
    done: bool
    entered_via: str

    @staticmethod
    def resolve_done(obj) -> bool:
        return obj.completed_on is not None


class ServiceFilter(Schema):
    org: str | None = Field(None, max_length=32, description="组织及下级 / subtree of this code")
    category: ServiceCategory | None = None
    done: bool | None = Field(None, description="true 已办结 / completed")
    overdue: bool | None = Field(None, description="true 超过计划日期未办结 / past the planned day, not completed")
    q: str | None = Field(None, max_length=100, description="名称包含 / name contains")


ServicePage = page_schema(ServiceItemOut, "ServiceItemPage")


@router.get("/service-items", response={200: ServicePage, **READ_ERRORS}, summary="办实事事项 / list service items")
def list_service_items(request, filters: Query[ServiceFilter], paging: Query[PageIn]):
    user = request.auth
    qs = access.visible(ServiceItem.objects.select_related("org"), user)
    if filters.org:
        qs = qs.within(access.get_org_for_user(user, filters.org))
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.done is not None:
        qs = qs.filter(completed_on__isnull=not filters.done)
    if filters.overdue is not None:
        late = qs.filter(completed_on__isnull=True, planned_on__lt=timezone.localdate())
        qs = late if filters.overdue else qs.exclude(pk__in=late.values("pk"))
    if filters.q:
        qs = qs.filter(name__icontains=filters.q)
    return paginate(qs.order_by("-committed_on", "-id"), paging)


@router.get("/service-items/{code}", response={200: ServiceItemOut, **READ_ERRORS},
            summary="办实事详情 / service item")
def get_service_item(request, code: str = Path(..., max_length=40)):
    return access.get_service_item_for_user(request.auth, code)
