"""/activities: the ledger of meetings, classes, lectures and rounds, with attendance."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.http import Http404
from ninja import Field, Path, Query, Router, Schema

from qingfeng.accounts import access
from qingfeng.activities.access import get_activity_for_user, get_lecture_team_for_user, visible_activities
from qingfeng.activities.models import ActivityType, Channel, Presence
from qingfeng.api.errors import READ_ERRORS, WRITE_ERRORS, bad_request
from qingfeng.api.params import Day, PageIn, page_schema, paginate
from qingfeng.core.models import Source

router = Router(tags=["activities"])


class ActivityTypeOut(Schema):
    id: int
    name: str
    is_supervision: bool
    needs_audience: bool


class PartyGroupRef(Schema):
    id: int
    name: str


class ActivityOut(Schema):
    code: str
    type: str = Field(alias="type.name")
    org: str = Field(alias="org.code")
    org_name: str = Field(alias="org.name")
    date: dt.date
    topic: str
    channel: str
    campaign: str = Field(description="专题，空为无 / the campaign, empty when none")
    audience: int | None
    first_topic: bool
    lecture_team: str | None = Field(None, alias="lecture_team.code")
    party_group: PartyGroupRef | None = Field(None, description="党小组会的党小组 / the party group that met (党小组会)")
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
    date_from: Day | None = Field(None, alias="from")
    date_to: Day | None = Field(None, alias="to")
    q: str | None = Field(None, max_length=100, description="主题包含 / topic contains")
    first_topic: bool | None = None
    channel: Channel | None = None
    campaign: str | None = Field(None, max_length=50, description="专题 / campaign (exact)")


ActivityPage = page_schema(ActivityOut, "ActivityPage")


def with_counts(qs):
    return qs.select_related("type", "org", "lecture_team", "party_group").annotate(
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
    qs = visible_activities(user)
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
    if filters.campaign:
        qs = qs.filter(campaign=" ".join(filters.campaign.split()))
    return paginate(with_counts(qs.order_by("-date", "-id")), paging)


@router.get("/activities/{code}", response={200: ActivityDetail, **READ_ERRORS}, summary="活动详情 / activity")
def get_activity(request, code: str = Path(..., max_length=40)):
    activity = get_activity_for_user(request.auth, code)
    return with_counts(visible_activities(request.auth).filter(pk=activity.pk)).get()


class AttendanceIn(Schema):
    person: int = Field(..., ge=1, le=2**63 - 1, description="人员 id / person id")
    presence: Presence = Presence.PRESENT


class ActivityIn(Schema):
    org: str = Field(..., max_length=32, description="组织编码 / organization code")
    type: str = Field(..., max_length=30, description="活动类型名称 / activity type name")
    date: Day
    topic: str = Field(..., max_length=300)
    channel: Channel = Channel.OFFLINE
    campaign: str = Field("", max_length=50, description="专题 / campaign")
    audience: int | None = Field(None, ge=0, le=10_000_000)
    first_topic: bool = False
    lecture_team: str | None = Field(None, max_length=32, description="宣讲小分队编码 / lecture team code")
    party_group: int | None = Field(None, ge=1, le=2**63 - 1,
                                    description="党小组会的党小组 id（本组织的党小组）/ the party group that met (a 党小组会; "
                                                "one of the organization's groups)")
    minutes: str = Field("", max_length=20_000)
    attendance: list[AttendanceIn] = Field(default_factory=list, max_length=5000,
                                           description="参加人员 / who attended, was on leave or absent")


@router.post("/activities", response={201: ActivityDetail, **WRITE_ERRORS},
             summary="记录活动及参加人员 / record an activity with its attendance")
def create_activity(request, payload: ActivityIn):
    from qingfeng.activities import actions
    from qingfeng.activities.access import WRITERS_ACTIVITIES

    user = request.auth
    org = access.get_org_for_user(user, payload.org)
    access.require_write(user, WRITERS_ACTIVITIES)
    kind = ActivityType.objects.filter(name=payload.type).first()
    if kind is None or (kind.is_restricted and not user.sees_discipline):
        raise bad_request(f"活动类型“{payload.type}”不存在。", f"There is no activity type “{payload.type}”.")
    team = None
    if payload.lecture_team:
        try:
            team = get_lecture_team_for_user(user, payload.lecture_team)
        except Http404 as exc:
            raise bad_request(f"宣讲小分队“{payload.lecture_team}”不存在或不在您的管理范围内。",
                              f"Lecture team “{payload.lecture_team}” does not exist or is outside your scope.") from exc
    group = None
    if payload.party_group is not None:
        from qingfeng.orgs.models import PartyGroup

        group = PartyGroup.objects.filter(pk=payload.party_group, org=org).first()
        if group is None:
            raise bad_request(f"党小组 {payload.party_group} 不是“{org.name}”的党小组。",
                              f"Party group {payload.party_group} is not a party group of organization {org.code}.")
    presence: dict[int, str] = {row.person: row.presence for row in payload.attendance}
    if len(presence) != len(payload.attendance):
        raise bad_request("参加人员有重复。", "A person is listed twice in the attendance.")
    activity = actions.record_activity(
        user=user, org=org, type=kind, date=payload.date, topic=payload.topic, channel=payload.channel,
        audience=payload.audience, first_topic=payload.first_topic, lecture_team=team, minutes=payload.minutes,
        presence=presence, via=Source.API, campaign=payload.campaign, party_group=group,
    )
    return 201, with_counts(visible_activities(user).filter(pk=activity.pk)).get()
