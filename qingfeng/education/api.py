"""/degree-studies: 学历提升 enrollments in the token user's subtree (mounted under /api/v1/ through
EducationConfig.ready)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Path, Query, Router, Schema

from qingfeng.accounts import access
from qingfeng.core.api import READ_ERRORS, Day, PageIn, page_schema, paginate
from qingfeng.education.access import get_study_for_user
from qingfeng.education.models import DegreeLevel, DegreeStudy

router = Router(tags=["education"])


class StudyOut(Schema):
    id: int
    name: str = Field(alias="person.name")
    id_number: str = Field(alias="person.masked_id", description="脱敏的公民身份号码 / masked ID number")
    org: str = Field(alias="org.code")
    org_name: str = Field(alias="org.name")
    level: str = Field(description="中专 / 大专 / 本科 / 研究生")
    enrolled_on: dt.date
    graduated_on: dt.date | None


class StudyFilter(Schema):
    org: str | None = Field(None, max_length=32, description="组织及下级 / subtree of this code")
    level: DegreeLevel | None = None
    graduated: bool | None = Field(None, description="true 已毕业 / graduated; false 在读 / studying")
    start: Day | None = Field(None, description="入学日期不早于 / enrolled on or after")
    end: Day | None = Field(None, description="入学日期不晚于 / enrolled on or before")


StudyPage = page_schema(StudyOut, "DegreeStudyPage")


@router.get("/degree-studies", response={200: StudyPage, **READ_ERRORS}, summary="学历提升 / degree education")
def list_degree_studies(request, filters: Query[StudyFilter], paging: Query[PageIn]):
    user = request.auth
    qs = access.visible(DegreeStudy.objects.select_related("org", "person"), user)
    if filters.org:
        qs = qs.within(access.get_org_for_user(user, filters.org))
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.graduated is not None:
        qs = qs.filter(graduated_on__isnull=not filters.graduated)
    if filters.start:
        qs = qs.filter(enrolled_on__gte=filters.start)
    if filters.end:
        qs = qs.filter(enrolled_on__lte=filters.end)
    return paginate(qs.order_by("-enrolled_on", "-id"), paging)


@router.get("/degree-studies/{pk}", response={200: StudyOut, **READ_ERRORS}, summary="学历提升记录 / an enrollment")
def get_degree_study(request, pk: int = Path(..., ge=1, le=2**62)):
    return get_study_for_user(request.auth, pk)
