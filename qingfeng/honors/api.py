"""/commendations: 表彰 decisions with the collectives and persons they commend in the token user's subtree
(mounted under /api/v1/ by HonorsConfig.ready)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Prefetch, Q
from ninja import Field, Path, Query, Router, Schema

from qingfeng.accounts import access
from qingfeng.core.api import READ_ERRORS, Day, PageIn, page_schema, paginate
from qingfeng.honors.access import get_commendation_for_user, visible_commendations, visible_honorees
from qingfeng.honors.models import GrantorLevel, HonoreeKind

router = Router(tags=["honors"])


class HonoreeOut(Schema):
    kind: str = Field(description="集体 / 个人")
    name: str = Field(alias="display_name", description="集体名称或姓名 / collective name or person's name")
    id_number: str | None = Field(None, description="个人：脱敏的公民身份号码 / a person's masked ID number")
    org: str = Field(alias="org.code")
    org_name: str = Field(alias="org.name")

    @staticmethod
    def resolve_id_number(obj) -> str | None:
        return obj.person.masked_id if obj.person_id else None


class CommendationOut(Schema):
    code: str
    name: str
    grantor: str
    grantor_level: str
    date: dt.date
    collectives: int = Field(description="范围内受表彰集体数 / collectives in your scope")
    persons: int = Field(description="范围内受表彰个人数 / persons in your scope")


class CommendationDetailOut(CommendationOut):
    honorees: list[HonoreeOut] = Field(alias="seen")


class CommendationFilter(Schema):
    org: str | None = Field(None, max_length=32, description="对象所在组织及下级 / honorees in the subtree of this code")
    grantor_level: GrantorLevel | None = None
    start: Day | None = Field(None, description="日期不早于 / dated on or after")
    end: Day | None = Field(None, description="日期不晚于 / dated on or before")


CommendationPage = page_schema(CommendationOut, "CommendationPage")


def _counted(qs, root):
    scope = Q(honorees__org__path__startswith=root.path) if root is not None else Q()
    return qs.annotate(collectives=Count("honorees", filter=scope & Q(honorees__kind=HonoreeKind.COLLECTIVE)),
                       persons=Count("honorees", filter=scope & Q(honorees__kind=HonoreeKind.PERSON)))


@router.get("/commendations", response={200: CommendationPage, **READ_ERRORS}, summary="表彰 / commendations")
def list_commendations(request, filters: Query[CommendationFilter], paging: Query[PageIn]):
    user = request.auth
    qs = visible_commendations(user)
    root = access.scope_root(user)
    if filters.org:
        root = access.get_org_for_user(user, filters.org)
        qs = qs.touching(root)
    if filters.grantor_level:
        qs = qs.filter(grantor_level=filters.grantor_level)
    if filters.start:
        qs = qs.filter(date__gte=filters.start)
    if filters.end:
        qs = qs.filter(date__lte=filters.end)
    return paginate(_counted(qs, root).order_by("-date", "-id"), paging)


@router.get("/commendations/{code}", response={200: CommendationDetailOut, **READ_ERRORS},
            summary="表彰详情 / a commendation with its honorees in your scope")
def get_commendation(request, code: str = Path(..., max_length=40)):
    user = request.auth
    decision = get_commendation_for_user(user, code)
    honorees = visible_honorees(user).select_related("org", "person").order_by("kind", "org__path", "id")
    decision = _counted(type(decision).objects.filter(pk=decision.pk), access.scope_root(user)).prefetch_related(
        Prefetch("honorees", queryset=honorees, to_attr="seen")).get()
    return decision
