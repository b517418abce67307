"""/people: search and detail. Identity-card and phone numbers are always masked here."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Path, Query, Router, Schema

from qingfeng.accounts import access
from qingfeng.api.errors import READ_ERRORS
from qingfeng.api.params import PageIn, page_schema, paginate
from qingfeng.people.models import CadreLevel, Category, Gender

router = Router(tags=["people"])


class PersonOut(Schema):
    id: int
    name: str
    gender: str
    id_number: str = Field(alias="masked_id", description="脱敏身份证号 / masked ID number")
    phone: str = Field(alias="masked_phone", description="脱敏手机号 / masked phone")
    category: str
    admitted_on: dt.date | None
    full_on: dt.date | None
    cadre_level: str
    post: str
    org: str | None = Field(None, alias="org.code", description="所在党组织编码 / current organization")
    org_name: str | None = Field(None, alias="org.name")


class RelationOut(Schema):
    org: str = Field(alias="org.code")
    org_name: str = Field(alias="org.name")
    start_on: dt.date | None
    end_on: dt.date | None
    via: str
    end_reason: str


class CadreLevelOut(Schema):
    level: str
    since: dt.date | None


class PersonDetail(PersonOut):
    education: str
    ethnicity: str
    relations: list[RelationOut]
    cadre_levels: list[CadreLevelOut]

    @staticmethod
    def resolve_relations(obj) -> list:
        return list(obj.relations.select_related("org").order_by("start_on", "id"))

    @staticmethod
    def resolve_cadre_levels(obj) -> list:
        return list(obj.cadre_levels.order_by("since", "id"))


class PersonFilter(Schema):
    q: str | None = Field(None, max_length=50, description="姓名或身份证号开头 / name, or ID number prefix")
    org: str | None = Field(None, max_length=32, description="所在党组织及下级 / members of this subtree")
    category: Category | None = None
    cadre_level: CadreLevel | None = None
    gender: Gender | None = None
    members: bool | None = Field(None, description="true 仅党员 / only party members")


PersonPage = page_schema(PersonOut, "PersonPage")


@router.get("/people", response={200: PersonPage, **READ_ERRORS}, summary="人员查询 / search people")
def list_people(request, filters: Query[PersonFilter], paging: Query[PageIn]):
    user = request.auth
    qs = access.visible_people(user)
    if filters.org:
        qs = qs.within(access.get_org_for_user(user, filters.org))
    if filters.q:
        qs = qs.search(filters.q)
    for name in ("category", "cadre_level", "gender"):
        value = getattr(filters, name)
        if value:
            qs = qs.filter(**{name: value})
    if filters.members is True:
        qs = qs.members()
    elif filters.members is False:
        qs = qs.filter(admitted_on__isnull=True)
    return paginate(qs.select_related("org").order_by("id"), paging)


@router.get("/people/{person_id}", response={200: PersonDetail, **READ_ERRORS}, summary="人员详情 / person")
def get_person(request, person_id: int = Path(..., ge=1, le=2**63 - 1)):
    return access.get_person_for_user(request.auth, person_id)
