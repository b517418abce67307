"""/findings: problems found by supervision (问题) and their rectification (整改 → 销号)."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from ninja import Field, Path, Query, Router, Schema

from qingfeng.accounts import access
from qingfeng.activities.access import get_activity_for_user
from qingfeng.api.errors import READ_ERRORS, WRITE_ERRORS, bad_request
from qingfeng.api.params import Day, PageIn, page_schema, paginate
from qingfeng.core import dates
from qingfeng.core.models import Source
from qingfeng.supervision.access import get_finding_for_user
from qingfeng.supervision.models import Finding, FindingSource, FindingStatus, ProblemCategory

router = Router(tags=["findings"])


class FindingOut(Schema):
    code: str
    source: str
    category: str = Field(description="问题类别，空为未分类 / problem category, empty when not classified")
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
    category: ProblemCategory | None = Field(None, description="问题类别 / problem category")
    open: bool | None = Field(None, description="true 未销号 / not closed")
    overdue: bool | None = Field(None, description="true 已超期未销号 / past the deadline and not closed")
    found_from: Day | None = None
    found_to: Day | None = None


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
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.open is True:
        qs = qs.open()
    elif filters.open is False:
        qs = qs.filter(closed_on__isnull=False)
    if filters.overdue is not None:
        today = dates.today()
        overdue = qs.open().filter(deadline__lt=today)
        qs = overdue if filters.overdue else qs.exclude(pk__in=overdue.values("pk"))
    if filters.found_from:
        qs = qs.filter(found_on__gte=filters.found_from)
    if filters.found_to:
        qs = qs.filter(found_on__lte=filters.found_to)
    return paginate(qs.order_by("-found_on", "-id"), paging)


@router.get("/findings/{code}", response={200: FindingDetail, **READ_ERRORS}, summary="问题详情 / finding")
def get_finding(request, code: str = Path(..., max_length=40)):
    return get_finding_for_user(request.auth, code)


@router.get("/findings/{code}/events", response={200: list[EventOut], **READ_ERRORS},
            summary="整改记录 / status history")
def list_finding_events(request, code: str = Path(..., max_length=40)):
    finding = get_finding_for_user(request.auth, code)
    return list(finding.events.select_related("actor").order_by("at", "id"))


class FindingIn(Schema):
    org: str = Field(..., max_length=32, description="责任组织编码 / responsible organization")
    source: FindingSource
    found_on: Day
    description: str = Field(..., max_length=5000)
    deadline: Day = Field(..., description="整改期限 / rectification deadline")
    round: str | None = Field(None, max_length=40, description="督导轮次活动编号 / supervision round's code")
    category: ProblemCategory | None = Field(None, description="问题类别 / problem category")


class SubmitIn(Schema):
    note: str = Field(..., max_length=5000, description="整改情况 / what was rectified")


class ReturnIn(Schema):
    reason: str = Field(..., max_length=5000, description="退回理由 / why it goes back")


class CloseIn(Schema):
    on: Day | None = Field(None, description="销号日期，缺省为今天 / day of closing, default today")
    note: str = Field("", max_length=5000)


def _detail(user, finding):
    return visible_findings(user).get(pk=finding.pk)


@router.post("/findings", response={201: FindingDetail, **WRITE_ERRORS}, summary="登记问题 / record a finding")
def create_finding(request, payload: FindingIn):
    from qingfeng.supervision import actions

    user = request.auth
    org = access.get_org_for_user(user, payload.org)
    access.require_write(user, access.WRITERS_SUPERVISION)
    round_ = None
    if payload.round:
        try:
            round_ = get_activity_for_user(user, payload.round)
        except Http404 as exc:
            raise bad_request(f"督导轮次“{payload.round}”不存在或不在您的管理范围内。",
                              f"Supervision round “{payload.round}” does not exist or is outside your scope.") from exc
    finding = actions.record_finding(user=user, org=org, source=payload.source, found_on=payload.found_on,
                                     description=payload.description, deadline=payload.deadline, round=round_,
                                     via=Source.API, category=payload.category or "")
    return 201, _detail(user, finding)


@router.post("/findings/{code}/submit", response={200: FindingDetail, **WRITE_ERRORS},
             summary="提交整改核验 / submit the rectification for verification")
def submit_finding(request, payload: SubmitIn, code: str = Path(..., max_length=40)):
    from qingfeng.supervision import actions

    finding = get_finding_for_user(request.auth, code, write=True)
    return _detail(request.auth, actions.submit_finding(finding, user=request.auth, note=payload.note))


@router.post("/findings/{code}/return", response={200: FindingDetail, **WRITE_ERRORS},
             summary="退回整改 / send the rectification back")
def return_finding(request, payload: ReturnIn, code: str = Path(..., max_length=40)):
    from qingfeng.supervision import actions
    from qingfeng.supervision.access import get_finding_to_verify

    finding = get_finding_to_verify(request.auth, code)
    return _detail(request.auth, actions.return_finding(finding, user=request.auth, reason=payload.reason))


@router.post("/findings/{code}/close", response={200: FindingDetail, **WRITE_ERRORS}, summary="销号 / close")
def close_finding(request, payload: CloseIn, code: str = Path(..., max_length=40)):
    from qingfeng.supervision import actions
    from qingfeng.supervision.access import get_finding_to_verify

    finding = get_finding_to_verify(request.auth, code)
    on = payload.on or dates.today()
    return _detail(request.auth, actions.close_finding(finding, user=request.auth, on=on, note=payload.note))
