"""/activities: the ledger of meetings, classes, lectures and rounds, with attendance."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from ninja import Field, Path, Query, Router, Schema

from qingfeng.accounts import access
from qingfeng.activities.models import ActivityType, Channel, Presence
from qingfeng.api.errors import READ_ERRORS
from qingfeng.api.paging import PageIn, page_schema, paginate

router = Router(tags=["activities"])


class ActivityTypeOut(Schema):
    id: int
    name: str
    is_supervision: bool
    needs_audience: bool


class ActivityOut(Schema):
    code: str
    type: str = Field(alias="type.name")
    org: str = Field(alias="org.code")
    org_name: str = Field(alias="org.name")
    date: dt.date
    topic: str
    channel: str
    audience: int | None
    first_topic: bool
    lecture_team: str | None = Field(None, alias="lecture_team.code")
    present: int = Field(description="出席人数 / present")
    absent: int = Field(description="缺席人数 / absent")
    on_leave: int = Field(description="请假人数 / on leave")
    entered_via: str


class AttendanceOut(Schema):
    person: int = Field(alias="person_id")
    name: str = Field(alias="person.name")
    presence: str


class ActivityDetail(ActivityOut):
    minutes: str
    attendance: list[AttendanceOut]

    @staticmethod
    def resolve_attendance(obj) -> list:
        return list(obj.attendance.select_related("person").order_by("person_id"))


class ActivityFilter(Schema):
    org: str | None = Field(None, max_length=32, description="组织及下级 / subtree of this code")
    type: str | None = Field(None, max_length=30, description="活动类型名称 / activity type name")
    date_from: dt.date | None = Field(None, alias="from")
    date_to: dt.date | None = Field(None, alias="to")
    q: str | None = Field(None, max_length=100, description="主题包含 / topic contains")
    first_topic: bool | None = None
    channel: Channel | None = None


ActivityPage = page_schema(ActivityOut, "ActivityPage")


def with_counts(qs):
    return qs.select_related("type", "org", "lecture_team").annotate(
        present=Count("attendance", filter=Q(attendance__presence=Presence.PRESENT)),
        absent=Count("attendance", filter=Q(attendance__presence=Presence.ABSENT)),
        on_leave=Count("attendance", filter=Q(attendance__presence=Presence.LEAVE)),
    )


@router.get("/activity-types", response={200: list[ActivityTypeOut], **READ_ERRORS},
            summary="活动类型 / activity types")
def list_activity_types(request):
    qs = ActivityType.objects.all()
    if not request.auth.sees_discipline:
        qs = qs.filter(is_restricted=False)
    return list(qs)


@router.get("/activities", response={200: ActivityPage, **READ_ERRORS}, summary="活动列表 / list activities")
def list_activities(request, filters: Query[ActivityFilter], paging: Query[PageIn]):
    user = request.auth
    qs = access.visible_activities(user)
    if filters.org:
        qs = qs.within(access.get_org_for_user(user, filters.org))
    if filters.type:
        qs = qs.filter(type__name=filters.type)
    if filters.date_from:
        qs = qs.filter(date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(date__lte=filters.date_to)
    if filters.q:
        qs = qs.filter(topic__icontains=filters.q)
    if filters.first_topic is not None:
        qs = qs.filter(first_topic=filters.first_topic)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    return paginate(with_counts(qs.order_by("-date", "-id")), paging)


@router.get("/activities/{code}", response={200: ActivityDetail, **READ_ERRORS}, summary="活动详情 / activity")
def get_activity(request, code: str = Path(..., max_length=40)):
    activity = access.get_activity_for_user(request.auth, code)
    return with_counts(access.visible_activities(request.auth).filter(pk=activity.pk)).get()
