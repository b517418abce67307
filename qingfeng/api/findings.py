"""/findings: problems found by supervision (问题) and their rectification (整改 → 销号)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema

from qingfeng.accounts import access
from qingfeng.api.errors import READ_ERRORS
from qingfeng.api.paging import PageIn, page_schema, paginate
from qingfeng.supervision.models import Finding, FindingSource, FindingStatus

router = Router(tags=["findings"])


class FindingOut(Schema):
    code: str
    source: str
    found_on: dt.date
    org: str = Field(alias="org.code")
    org_name: str = Field(alias="org.name")
    description: str
    deadline: dt.date
    status: str
    status_name: str = Field(alias="get_status_display")
    closed_on: dt.date | None
    round: str | None = Field(None, alias="round.code", description="督导轮次活动编号 / supervision round")
    entered_via: str


class EventOut(Schema):
    at: dt.datetime
    actor: str | None = Field(None, alias="actor.username")
    from_status: str
    to_status: str
    note: str


class FindingDetail(FindingOut):
    events: list[EventOut]

    @staticmethod
    def resolve_events(obj) -> list:
        return list(obj.events.select_related("actor").order_by("at", "id"))


class FindingFilter(Schema):
    org: str | None = Field(None, max_length=32, description="责任组织及下级 / subtree of this code")
    status: FindingStatus | None = None
    source: FindingSource | None = None
    open: bool | None = Field(None, description="true 未销号 / not closed")
    overdue: bool | None = Field(None, description="true 已超期未销号 / past the deadline and not closed")
    found_from: dt.date | None = None
    found_to: dt.date | None = None


FindingPage = page_schema(FindingOut, "FindingPage")


def visible_findings(user):
    return access.visible(Finding.objects.select_related("org", "round"), user)


@router.get("/findings", response={200: FindingPage, **READ_ERRORS}, summary="问题清单 / list findings")
def list_findings(request, filters: Query[FindingFilter], paging: Query[PageIn]):
    user = request.auth
    qs = visible_findings(user)
    if filters.org:
        qs = qs.within(access.get_org_for_user(user, filters.org))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.open is True:
        qs = qs.open()
    elif filters.open is False:
        qs = qs.filter(closed_on__isnull=False)
    if filters.overdue is not None:
        today = timezone.localdate()
        overdue = qs.open().filter(deadline__lt=today)
        qs = overdue if filters.overdue else qs.exclude(pk__in=overdue.values("pk"))
    if filters.found_from:
        qs = qs.filter(found_on__gte=filters.found_from)
    if filters.found_to:
        qs = qs.filter(found_on__lte=filters.found_to)
    return paginate(qs.order_by("-found_on", "-id"), paging)


@router.get("/findings/{code}", response={200: FindingDetail, **READ_ERRORS}, summary="问题详情 / finding")
def get_finding(request, code: str = Path(..., max_length=40)):
    return access.get_finding_for_user(request.auth, code)


@router.get("/findings/{code}/events", response={200: list[EventOut], **READ_ERRORS},
            summary="整改记录 / status history")
def list_finding_events(request, code: str = Path(..., max_length=40)):
    finding = access.get_finding_for_user(request.auth, code)
    return list(finding.events.select_related("actor").order_by("at", "id"))
