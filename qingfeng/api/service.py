"""/service-items: 我为群众办实事 commitments, followed to completion."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Path, Query, Router, Schema

from qingfeng.accounts import access
from qingfeng.api.errors import READ_ERRORS, WRITE_ERRORS
from qingfeng.api.params import Day, PageIn, page_schema, paginate
from qingfeng.core import dates
from qingfeng.core.models import Source
from qingfeng.service.access import get_service_item_for_user
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
    started_on: dt.date | None
    completed_on: dt.date | None
    beneficiaries: int | None
    status: str = Field(description="已承诺 / 推进中 / 已办结")
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
        late = qs.filter(completed_on__isnull=True, planned_on__lt=dates.today())
        qs = late if filters.overdue else qs.exclude(pk__in=late.values("pk"))
    if filters.q:
        qs = qs.filter(name__icontains=filters.q)
    return paginate(qs.order_by("-committed_on", "-id"), paging)


@router.get("/service-items/{code}", response={200: ServiceItemOut, **READ_ERRORS},
            summary="办实事详情 / service item")
def get_service_item(request, code: str = Path(..., max_length=40)):
    return get_service_item_for_user(request.auth, code)


class ServiceItemIn(Schema):
    org: str = Field(..., max_length=32, description="组织编码 / organization code")
    name: str = Field(..., max_length=300)
    category: ServiceCategory | None = None
    committed_on: Day
    planned_on: Day = Field(..., description="计划完成日期 / planned completion")


class StartIn(Schema):
    on: Day | None = Field(None, description="开始推进日期，缺省为今天 / default today")


class CompleteIn(Schema):
    on: Day | None = Field(None, description="完成日期，缺省为今天 / default today")
    beneficiaries: int = Field(..., ge=0, le=100_000_000, description="受益人数 / people served")


@router.post("/service-items", response={201: ServiceItemOut, **WRITE_ERRORS},
             summary="承诺办实事 / commit a service item")
def create_service_item(request, payload: ServiceItemIn):
    from qingfeng.service import actions

    user = request.auth
    org = access.get_org_for_user(user, payload.org)
    access.require_write(user, access.WRITERS_PARTY_WORK)
    item = actions.commit_service_item(user=user, org=org, name=payload.name, category=payload.category or "",
                                       committed_on=payload.committed_on, planned_on=payload.planned_on,
                                       via=Source.API)
    return 201, item


@router.post("/service-items/{code}/start", response={200: ServiceItemOut, **WRITE_ERRORS},
             summary="开始推进 / start")
def start_service_item(request, payload: StartIn, code: str = Path(..., max_length=40)):
    from qingfeng.service import actions

    item = get_service_item_for_user(request.auth, code, write=True)
    return actions.start_service_item(item, user=request.auth, on=payload.on or dates.today())


@router.post("/service-items/{code}/complete", response={200: ServiceItemOut, **WRITE_ERRORS},
             summary="办结 / complete")
def complete_service_item(request, payload: CompleteIn, code: str = Path(..., max_length=40)):
    from qingfeng.service import actions

    item = get_service_item_for_user(request.auth, code, write=True)
    return actions.complete_service_item(item, user=request.auth, on=payload.on or dates.today(),
                                         beneficiaries=payload.beneficiaries)
