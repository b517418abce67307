"""/organizations: the tree as the user sees it (roots, children, detail) and a searchable list."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Path, Query, Router, Schema

from qingfeng.accounts import access
from qingfeng.api.errors import READ_ERRORS
from qingfeng.api.params import Day, PageIn, page_schema, paginate
from qingfeng.core import dates
from qingfeng.orgs.models import Kind, Level, Organization, Sector, VillageTagChoice

router = Router(tags=["organizations"])


class OrgRef(Schema):
    code: str
    name: str


class OrgOut(Schema):
    code: str
    name: str
    parent: str | None = Field(None, alias="parent.code", description="上级组织编码 / parent code")
    kind: str
    sector: str
    level: str
    depth: int
    established_on: dt.date | None
    dissolved_on: dt.date | None
    children_count: int = Field(alias="n_children", description="存续的下级组织数 / standing sub-organizations")
    member_count: int = Field(alias="n_members", description="本组织及下级的党员数 / members in the subtree")


class SeatOut(Schema):
    person_id: int = Field(alias="person.pk")
    name: str = Field(alias="person.name")
    post: str = Field(description="职务：书记、副书记、委员 / post")
    duty: str = Field(description="分工：组织、宣传、纪检（委员）/ duty of a committee member")
    start_on: dt.date


class GroupMemberOut(Schema):
    person_id: int = Field(alias="pk")
    name: str


class PartyGroupOut(Schema):
    id: int
    name: str = Field(description="小组名称 / group name")
    leader: str | None = Field(description="组长 / group leader")
    established_on: dt.date
    members: list[GroupMemberOut] = Field(description="现有成员 / members today")

    @staticmethod
    def resolve_leader(obj) -> str | None:
        return obj.leader.name if obj.leader else None


class OrgDetail(OrgOut):
    division_code: str
    term_started_on: dt.date | None
    term_years: int | None
    term_ends_on: dt.date | None
    ancestors: list[OrgRef]
    village_tags: list[str] = Field(description="村情 / village tags")
    secretary: str | None = Field(description="书记 / secretary")
    committee: list[SeatOut] = Field(description="现任班子成员 / the committee today")
    groups: list[PartyGroupOut] = Field(description="党小组（党支部）/ the branch's party groups")

    @staticmethod
    def resolve_ancestors(obj) -> list:
        return list(obj.ancestors())

    @staticmethod
    def resolve_village_tags(obj) -> list[str]:
        return list(obj.village_tags.values_list("tag", flat=True))

    @staticmethod
    def resolve_committee(obj) -> list:
        from qingfeng.orgs.models import CommitteeSeat

        return CommitteeSeat.objects.filter(org=obj).on(dates.today()).select_related("person").in_order()

    @staticmethod
    def resolve_groups(obj) -> list:
        from qingfeng.orgs.models import PartyGroup

        return PartyGroup.objects.filter(org=obj).standing().with_members()

    @staticmethod
    def resolve_secretary(obj) -> str | None:
        from qingfeng.orgs.models import CommitteePost, CommitteeSeat

        seat = CommitteeSeat.objects.filter(org=obj, post=CommitteePost.SECRETARY).on(dates.today()).select_related(
            "person").first()
        return seat.person.name if seat else None


class OrgFilter(Schema):
    q: str | None = Field(None, max_length=100, description="名称或编码 / name or code prefix")
    within: str | None = Field(None, max_length=32, description="只看此组织及下级 / subtree of this code")
    kind: Kind | None = None
    sector: Sector | None = None
    level: Level | None = None
    village_tag: VillageTagChoice | None = Field(None, description="带此村情的组织 / carrying this village tag")
    active_on: Day | None = Field(None, description="当日存续的组织 / existing on this day")


OrgPage = page_schema(OrgOut, "OrgPage")


def counted(orgs, within: Organization | None = None) -> list:
    """Standing sub-organizations and subtree members of each listed organization, counted as the
    organization tree page counts them (orgs.views.with_counts): two grouped queries per page."""
    from qingfeng.orgs.views import with_counts

    return with_counts(list(orgs), dates.today(), within=within)


@router.get("/organizations", response={200: OrgPage, **READ_ERRORS}, summary="党组织列表 / list organizations")
def list_organizations(request, filters: Query[OrgFilter], paging: Query[PageIn]):
    qs = access.visible_orgs(request.auth)
    if filters.within:
        qs = qs.within(access.get_org_for_user(request.auth, filters.within))
    if filters.q:
        qs = qs.search(filters.q)
    for name in ("kind", "sector", "level"):
        value = getattr(filters, name)
        if value:
            qs = qs.filter(**{name: value})
    if filters.village_tag:
        qs = qs.filter(village_tags__tag=filters.village_tag)
    if filters.active_on:
        qs = qs.active_on(filters.active_on)
    return paginate(qs.select_related("parent").order_by("path"), paging, counted)


@router.get("/organizations/tree", response={200: list[OrgOut], **READ_ERRORS},
            summary="组织树的根 / roots of the user's tree")
def organization_tree(request):
    root = access.scope_root(request.auth)
    qs = Organization.objects.filter(parent__isnull=True) if root is None else Organization.objects.filter(pk=root.pk)
    return counted(qs.select_related("parent").order_by("path"))


@router.get("/organizations/{code}", response={200: OrgDetail, **READ_ERRORS}, summary="党组织详情 / organization")
def get_organization(request, code: str = Path(..., max_length=32)):
    org = access.get_org_for_user(request.auth, code)
    return counted([org], within=org)[0]


@router.get("/organizations/{code}/children", response={200: OrgPage, **READ_ERRORS},
            summary="下级组织 / sub-organizations")
def organization_children(request, paging: Query[PageIn], code: str = Path(..., max_length=32)):
    org = access.get_org_for_user(request.auth, code)
    children = Organization.objects.filter(parent=org).select_related("parent").order_by("path")
    return paginate(children, paging, lambda rows: counted(rows, within=org))
