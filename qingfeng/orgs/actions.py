"""Writes to the organization tree. Paths are computed here and nowhere else."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N

from qingfeng.core import changes
from qingfeng.orgs.models import PATH_SEP, CommitteeSeat, Election, Organization

if TYPE_CHECKING:
    from qingfeng.accounts.models import User
    from qingfeng.orgs.models import GroupMembership, PartyGroup
    from qingfeng.people.models import Person


def set_path(org: Organization) -> None:
    org.path = org.compute_path()
    org.depth = org.path.count(PATH_SEP) - 2


@transaction.atomic
def save_organization(org: Organization) -> Organization:
    """Create or update one organization; moving it rewrites its subtree's paths."""
    old_path = None
    if org.pk:
        old_path = Organization.objects.filter(pk=org.pk).values_list("path", flat=True).first()
    check_parent(org, old_path)
    set_path(org)
    org.save()
    moved = old_path != org.path  # created, or moved with its subtree
    if old_path and moved:
        rewrite_subtree(old_path, org.path)
    # A move (or a new organization) re-rolls its subtree, and is refreshed whole; an update in place wrote only it.
    changes.record(orgs=[org.pk], moved=[org.pk] if moved else [], days=[org.established_on, org.dissolved_on],
                   ledgers=() if moved else (Organization,))
    return org


def check_parent(org: Organization, old_path: str | None = None) -> None:
    """A tree has no cycles: an organization cannot sit under itself or one of its own descendants."""
    parent = org.parent
    if parent is None:
        return
    if not old_path and org.pk:
        old_path = Organization.objects.filter(pk=org.pk).values_list("path", flat=True).first()
    if old_path and (parent.pk == org.pk or parent.path.startswith(old_path)):
        raise ValidationError(_("上级组织不能是本组织或其下级组织。"), code="cycle")


def rewrite_subtree(old_prefix: str, new_prefix: str) -> None:
    descendants = list(Organization.objects.filter(path__startswith=old_prefix).exclude(path=old_prefix))
    for d in descendants:
        d.path = new_prefix + d.path[len(old_prefix):]
        d.depth = d.path.count(PATH_SEP) - 2
    Organization.objects.bulk_update(descendants, ["path", "depth"], batch_size=2000)


@transaction.atomic
def record_election(org: Organization, held_on: dt.date, term_years: int) -> Election:
    """An election (换届); the latest one is the organization's current term."""
    election, _created = Election.objects.update_or_create(org=org, held_on=held_on, defaults={"term_years": term_years})
    latest = org.elections.order_by("-held_on").first()
    wrote: tuple[type[Model], ...] = (Election,)
    if latest and (org.term_started_on, org.term_years) != (latest.held_on, latest.term_years):
        org.term_started_on, org.term_years = latest.held_on, latest.term_years
        org.save(update_fields=["term_started_on", "term_years"])
        wrote = (Election, Organization)  # the current term moved: what reads the organization may change
    changes.record(orgs=[org.pk], days=[held_on], ledgers=wrote)
    return election


def parse_village_tags(text: str) -> list[str]:
    """`信教群众聚居村、贫困村` → the tags in their defined order; ValidationError naming any unknown one."""
    from qingfeng.orgs.models import TAG_SEPARATOR, VillageTagChoice

    parts = [p.strip() for p in (text or "").replace(",", TAG_SEPARATOR).replace("，", TAG_SEPARATOR).split(TAG_SEPARATOR)]
    parts = [p for p in parts if p]
    unknown = [p for p in parts if p not in VillageTagChoice.values]
    if unknown:
        raise ValidationError({"village_tags": [_("村情“%(tags)s”不在可选范围内（可选：%(allowed)s）。") % {
            "tags": "、".join(unknown), "allowed": "、".join(VillageTagChoice.values)}]})
    return [v for v in VillageTagChoice.values if v in parts]


def village_tags_of(org_ids: Iterable[int]) -> dict[int, str]:
    """{organization id: its 村情 tags as written in a sheet (信教群众聚居村、贫困村)} for those carrying any."""
    from qingfeng.orgs.models import TAG_SEPARATOR, VillageTag, VillageTagChoice

    found: dict[int, set[str]] = {}
    for org_id, tag in VillageTag.objects.filter(org_id__in=list(org_ids)).values_list("org_id", "tag"):
        found.setdefault(org_id, set()).add(tag)
    return {pk: TAG_SEPARATOR.join(t for t in VillageTagChoice.values if t in tags) for pk, tags in found.items()}


def replace_village_tags(tags_by_org: dict[int, list[str]]) -> None:
    """The bulk variant of set_village_tags (imports): each organization gets exactly its listed tags. The caller
    has checked the tags and announces the organizations."""
    from qingfeng.orgs.models import VillageTag

    if not tags_by_org:
        return
    current: dict[int, set[str]] = {}
    for org_id, tag in VillageTag.objects.filter(org_id__in=list(tags_by_org)).values_list("org_id", "tag"):
        current.setdefault(org_id, set()).add(tag)
    for org_id, tags in tags_by_org.items():
        gone = current.get(org_id, set()) - set(tags)
        if gone:
            VillageTag.objects.filter(org_id=org_id, tag__in=gone).delete()
    VillageTag.objects.bulk_create([VillageTag(org_id=org_id, tag=t) for org_id, tags in tags_by_org.items()
                                    for t in tags if t not in current.get(org_id, set())], batch_size=5000)


@transaction.atomic
def set_village_tags(org: Organization, tags: Iterable[str], *, user: User | None = None) -> list[str]:
    """Give the organization exactly these 村情 tags (no history: they describe it as a whole); one audit row on
    the organization says what they were and are."""
    from qingfeng.audit.context import acting_as
    from qingfeng.audit.models import record
    from qingfeng.orgs.models import VillageTag, VillageTagChoice

    wanted = set(tags)
    if wanted - set(VillageTagChoice.values):
        raise ValidationError({"village_tags": [_("村情不在可选范围内。")]})
    current = set(VillageTag.objects.filter(org=org).values_list("tag", flat=True))
    ordered = [t for t in VillageTagChoice.values if t in wanted]
    if current == wanted:
        return ordered
    with acting_as(user):
        VillageTag.objects.filter(org=org).exclude(tag__in=wanted).delete()
        VillageTag.objects.bulk_create([VillageTag(org=org, tag=t) for t in ordered if t not in current])
        record(user, "update", org, before={"村情": "、".join(t for t in VillageTagChoice.values if t in current)},
               after={"村情": "、".join(ordered)})
        changes.record(orgs=[org.pk], ledgers=(VillageTag,))
    return ordered


def record_elections(wanted: dict[tuple[int, dt.date], int]) -> list[Election]:
    """The bulk variant of record_election (imports): (organization id, day) → 任期年限, each election created or
    updated; each organization's current term is then its latest election. Returns the elections created."""
    from qingfeng.core.sheets import chunks

    org_ids = sorted({org_id for org_id, _day in wanted})
    existing: dict[tuple[int, dt.date], Election] = {}
    for chunk in chunks(org_ids):
        for e in Election.objects.filter(org_id__in=chunk):
            existing[(e.org_id, e.held_on)] = e
    new, changed = [], []
    for (org_id, day), years in wanted.items():
        election = existing.get((org_id, day))
        if election is None:
            election = existing[(org_id, day)] = Election(org_id=org_id, held_on=day, term_years=years)
            new.append(election)
        elif election.term_years != years:
            election.term_years = years
            changed.append(election)
    Election.objects.bulk_create(new, batch_size=5000)
    Election.objects.bulk_update(changed, ["term_years"], batch_size=5000)
    latest: dict[int, Election] = {}
    for e in existing.values():
        if e.org_id not in latest or e.held_on > latest[e.org_id].held_on:
            latest[e.org_id] = e
    orgs = Organization.objects.in_bulk(org_ids)
    stale = []
    for org_id, e in latest.items():
        org = orgs[org_id]
        if (org.term_started_on, org.term_years) != (e.held_on, e.term_years):
            org.term_started_on, org.term_years = e.held_on, e.term_years
            stale.append(org)
    Organization.objects.bulk_update(stale, ["term_started_on", "term_years"], batch_size=5000)
    changes.record(orgs=org_ids, days=[day for _org, day in wanted],
                   ledgers=(Election, Organization) if stale else (Election,))
    return new


# ---- the committee (班子成员) --------------------------------------------------------------------

@dataclass(frozen=True)
class Nominee:
    """One person proposed for a committee seat, as the committee's rules need them: from a page (a Person) or
    from an import (a 党员 row of the file or a person the database knows)."""

    key: object  # the person's primary key, or 公民身份号码 in an import
    name: str
    member_of: str | None  # the path of the organization holding their membership; None: not a party member
    post: str
    duty: str = ""


def committee_problems(org_path: str, nominees: list[Nominee]) -> list[tuple[int, str, str]]:
    """What is wrong with a committee (elected or added to): one 书记 at most, nobody twice, 分工 on a 委员 only,
    every person a member of the organization or below it. (index of the nominee, field: post, duty or person,
    reason in Chinese)."""
    from qingfeng.orgs.models import CommitteeDuty, CommitteePost

    problems: list[tuple[int, str, str]] = []
    secretaries = [i for i, n in enumerate(nominees) if n.post == CommitteePost.SECRETARY]
    for i in secretaries[1:]:
        problems.append((i, "post", _("一届班子只能有一名书记。")))
    seen: set[object] = set()
    for i, n in enumerate(nominees):
        if n.post not in CommitteePost.values:
            problems.append((i, "post", _("职务“%(post)s”不在可选范围内。") % {"post": n.post}))
        if n.duty and n.duty not in CommitteeDuty.values:
            problems.append((i, "duty", _("分工“%(duty)s”不在可选范围内。") % {"duty": n.duty}))
        elif n.duty and n.post in CommitteePost.values and n.post != CommitteePost.MEMBER:
            problems.append((i, "duty", _("%(name)s 任%(post)s，分工只适用于委员。") % {"name": n.name, "post": n.post}))
        if n.key in seen:
            problems.append((i, "person", _("%(name)s 重复列入班子。") % {"name": n.name}))
        seen.add(n.key)
        if n.member_of is None or not n.member_of.startswith(org_path):
            problems.append((i, "person", _("%(name)s 不是本组织或其下级组织的党员。") % {"name": n.name}))
    return problems


def nominee(person: Person, post: str, duty: str) -> Nominee:
    member_of = person.org.path if person.org is not None and person.admitted_on is not None else None
    return Nominee(person.pk, person.name, member_of, post, duty)


def _check_seats(org: Organization, seats: list[tuple[Person, str, str]]) -> None:
    """The committee's rules (committee_problems) on persons; a ValidationError names each problem."""
    problems = committee_problems(org.path, [nominee(p, post, duty) for p, post, duty in seats])
    if problems:
        raise ValidationError({"seats": list(dict.fromkeys(message for _i, _f, message in problems))})


def committee_after(org_ids: Iterable[int]) -> dict[int, dt.date]:
    """The day the latest committee seat of each organization began (a committee is entered in date order)."""
    from django.db.models import Max

    return dict(CommitteeSeat.objects.filter(org_id__in=list(org_ids)).values("org_id").annotate(
        last=Max("start_on")).values_list("org_id", "last"))


LATER_COMMITTEE = N("该组织在此日期之后已登记过班子，请登记更晚的日期。")


@transaction.atomic
def elect_committee(org: Organization, held_on: dt.date, seats: list[tuple[Person, str, str]], *,
                    user: User | None = None, election: Election | None = None) -> list[CommitteeSeat]:
    """The committee elected on `held_on` (a 换届): the seats held then end that day and these begin. Entering
    the same day's committee again corrects it (its seats are replaced, each change in the audit log)."""
    from qingfeng.audit.context import acting_as
    from qingfeng.core import dates

    if held_on > dates.today():
        raise ValidationError({"held_on": [_("选举日期不能晚于今天。")]})
    if not seats:
        raise ValidationError({"seats": [_("请至少列入一名班子成员。")]})
    _check_seats(org, seats)
    if election is None:
        election = Election.objects.filter(org=org, held_on=held_on).first()
    with acting_as(user):
        if committee_after([org.pk]).get(org.pk, held_on) > held_on:
            raise ValidationError({"held_on": [_(LATER_COMMITTEE)]})
        for seat in CommitteeSeat.objects.filter(org=org, start_on=held_on):
            seat.delete()  # the same day's committee entered again: a correction
        for seat in CommitteeSeat.objects.filter(org=org, start_on__lt=held_on).filter(
                Q(end_on__isnull=True) | Q(end_on__gt=held_on)):
            seat.end_on = held_on
            seat.save(update_fields=["end_on"])
        created = [CommitteeSeat.objects.create(org=org, person=person, post=post, duty=duty if post == "委员" else "",
                                                election=election, start_on=held_on)
                   for person, post, duty in seats]
    changes.record(orgs=[org.pk], days=[held_on], ledgers=(CommitteeSeat,))
    return created


@transaction.atomic
def add_seat(org: Organization, person: Person, post: str, duty: str, start_on: dt.date, *,
             user: User | None = None) -> CommitteeSeat:
    """One person joins the committee between elections (补选, 调整分工 after ending the old seat)."""
    from qingfeng.audit.context import acting_as
    from qingfeng.core import dates
    from qingfeng.orgs.models import CommitteePost

    if start_on > dates.today():
        raise ValidationError({"start_on": [_("任职日期不能晚于今天。")]})
    current = list(CommitteeSeat.objects.filter(org=org).on(start_on).select_related("person"))
    if any(s.person_id == person.pk for s in current):
        raise ValidationError({"person": [_("%(name)s 已在班子中；调整职务请先办理离任。") % {"name": person.name}]})
    if post == CommitteePost.SECRETARY and any(s.post == CommitteePost.SECRETARY for s in current):
        raise ValidationError({"post": [_("班子已有书记；请先办理现任书记离任。")]})
    _check_seats(org, [(person, post, duty)])
    with acting_as(user):
        seat = CommitteeSeat.objects.create(org=org, person=person, post=post,
                                            duty=duty if post == CommitteePost.MEMBER else "", start_on=start_on,
                                            election=org.elections.filter(held_on__lte=start_on).order_by("-held_on").first())
    changes.record(orgs=[org.pk], days=[start_on], ledgers=(CommitteeSeat,))
    return seat


@transaction.atomic
def end_seat(seat: CommitteeSeat, end_on: dt.date, *, user: User | None = None) -> CommitteeSeat:
    """离任: the seat's last day is the day before `end_on`."""
    from qingfeng.audit.context import acting_as
    from qingfeng.core import dates

    if seat.end_on is not None:
        raise ValidationError({"end_on": [_("此人已离任。")]})
    if end_on <= seat.start_on:
        raise ValidationError({"end_on": [_("离任日期须晚于任职日期。")]})
    if end_on > dates.today():
        raise ValidationError({"end_on": [_("离任日期不能晚于今天。")]})
    with acting_as(user):
        seat.end_on = end_on
        seat.save(update_fields=["end_on"])
    changes.record(orgs=[seat.org_id], days=[end_on], ledgers=(CommitteeSeat,))
    return seat


# ---- 党小组 (party groups) -----------------------------------------------------------------------

GROUP_NAME_MAX = 50


def _group_name(org: Organization, name: str, exclude: int | None = None) -> str:
    from qingfeng.orgs.models import PartyGroup

    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": [_("请填写小组名称。")]})
    if len(name) > GROUP_NAME_MAX:
        raise ValidationError({"name": [_("小组名称不能超过 %(n)d 个字。") % {"n": GROUP_NAME_MAX}]})
    same = PartyGroup.objects.filter(org=org, name=name).standing()
    if (same.exclude(pk=exclude) if exclude is not None else same).exists():
        raise ValidationError({"name": [_("本支部已有名为“%(name)s”的党小组。") % {"name": name}]})
    return name


def _group_day(field: str, day: dt.date | None, since: dt.date | None, since_message: str) -> dt.date:
    """The day a group change takes effect: today unless given, never after today nor before `since`."""
    from qingfeng.core import dates

    today = dates.today()
    if day is None:
        return today
    if day > today:
        raise ValidationError({field: [_("日期不能晚于今天（%(today)s）。") % {"today": today.isoformat()}]})
    if since is not None and day < since:
        raise ValidationError({field: [since_message % {"day": since.isoformat()}]})
    return day


@transaction.atomic
def create_party_group(org: Organization, name: str, *, established_on: dt.date | None = None,
                       user: User | None = None) -> PartyGroup:
    """A branch sets up a 党小组 (its members are set next), today or on an earlier day it was in fact set up —
    so the meetings it held before it was entered can name it."""
    from qingfeng.audit.context import acting_as
    from qingfeng.orgs.models import PartyGroup

    if not org.is_branch:
        raise ValidationError({"name": [_("只有党支部可以设立党小组。")]})
    name = _group_name(org, name)
    day = _group_day("established_on", established_on, org.established_on, _("党小组不能早于本支部的成立日期（%(day)s）。"))
    with acting_as(user):
        return PartyGroup.objects.create(org=org, name=name, established_on=day)


@transaction.atomic
def rename_party_group(group: PartyGroup, name: str, *, user: User | None = None) -> PartyGroup:
    from qingfeng.audit.context import acting_as

    if group.dissolved_on is not None:
        raise ValidationError({"name": [_("该党小组已撤销。")]})
    name = _group_name(group.org, name, exclude=group.pk)
    if name != group.name:
        with acting_as(user):
            group.name = name
            group.save(update_fields=["name"])
    return group


def _leave(memberships: Iterable[GroupMembership], day: dt.date) -> None:
    """End memberships on `day`; one that began that day was a slip and goes (an end must follow the start)."""
    for m in memberships:
        if m.start_on >= day:
            m.delete()
        else:
            m.end_on = day
            m.save(update_fields=["end_on"])


def _membership_problems(group: PartyGroup, people: dict[int, Person], day: dt.date) -> list[str]:
    """Why the members cannot change on `day`: a change may not reach back over one already made (an open
    membership that began after `day`), nor give someone a second group for days they were in one."""
    from qingfeng.orgs.models import GroupMembership

    rows = GroupMembership.objects.filter(group__org=group.org).select_related("person", "group")
    problems = []
    for m in rows.filter(end_on__isnull=True, start_on__gt=day):
        moves = m.group_id != group.pk and m.person_id in people
        leaves = m.group_id == group.pk and m.person_id not in people
        if moves or leaves:
            problems.append(_("%(name)s 自 %(start)s 起在%(group)s，变动日期不能早于该日。") % {
                "name": m.person.name, "start": m.start_on.isoformat(), "group": m.group.name})
    staying = set(rows.filter(group=group, end_on__isnull=True).values_list("person_id", flat=True))
    joining = [pk for pk in people if pk not in staying]
    for m in rows.filter(person_id__in=joining, end_on__gt=day):
        problems.append(_("%(name)s 在 %(start)s 至 %(end)s 已在%(group)s，不能自 %(day)s 起加入。") % {
            "name": m.person.name, "start": m.start_on.isoformat(), "end": m.end_on.isoformat() if m.end_on else "",
            "group": m.group.name, "day": day.isoformat()})
    return problems


@transaction.atomic
def set_group_members(group: PartyGroup, persons: Iterable[Person], leader: Person | None = None, *,
                      on: dt.date | None = None, user: User | None = None) -> list[Person]:
    """The group's members from `on` (today unless given; not before the group was set up) are exactly these
    members of its branch, led by `leader` (one of them, or nobody). A person in another group of the branch moves
    here (one group at a time); a person left out leaves on that day. History stays in the rows
    (GroupMembership)."""
    from qingfeng.audit.context import acting_as
    from qingfeng.orgs.models import GroupMembership, PartyGroup

    if group.dissolved_on is not None:
        raise ValidationError({"members": [_("该党小组已撤销。")]})
    people = {p.pk: p for p in persons}
    strangers = [p.name for p in people.values() if p.org_id != group.org_id or p.admitted_on is None]
    if strangers:
        raise ValidationError({"members": [_("%(names)s 不是本支部的党员。") % {"names": "、".join(strangers)}]})
    if leader is not None and leader.pk not in people:
        raise ValidationError({"leader": [_("组长须是本小组成员。")]})
    day = _group_day("on", on, group.established_on, _("变动日期不能早于本小组的成立日期（%(day)s）。"))
    # Two people saving the branch's groups at once check and write one after the other (PostgreSQL: the branch's
    # group rows locked; SQLite: one writer already), so neither can give a person two groups for the same days.
    list(PartyGroup.objects.select_for_update().filter(org_id=group.org_id).order_by("pk").values_list("pk", flat=True))
    problems = _membership_problems(group, people, day)
    if problems:
        raise ValidationError({"on": problems})
    with acting_as(user):
        open_ = GroupMembership.objects.filter(group__org=group.org, end_on__isnull=True).select_related("group")
        here = {m.person_id: m for m in open_ if m.group_id == group.pk}
        _leave([m for pk, m in here.items() if pk not in people], day)
        _leave([m for m in open_ if m.group_id != group.pk and m.person_id in people], day)  # moved here
        for pk in people:
            if pk not in here:
                GroupMembership.objects.create(group=group, person_id=pk, start_on=day)
        leader_id = leader.pk if leader is not None else None
        if group.leader_id != leader_id:
            group.leader_id = leader_id
            group.save(update_fields=["leader"])
    return sorted(people.values(), key=lambda p: (p.name, p.pk))


@transaction.atomic
def dissolve_party_group(group: PartyGroup, *, user: User | None = None) -> PartyGroup:
    """撤销: the group ends today and so do its memberships (the rows stay)."""
    from qingfeng.audit.context import acting_as
    from qingfeng.core import dates
    from qingfeng.orgs.models import GroupMembership

    today = dates.today()
    if group.dissolved_on is not None:
        raise ValidationError({"group": [_("该党小组已撤销。")]})
    if group.established_on >= today and group.meetings.exists():  # it cannot vanish: meetings name it
        raise ValidationError({"group": [_("%(name)s 今天设立，已记录党小组会，今天不能撤销。") % {"name": group.name}]})
    with acting_as(user):
        _leave(GroupMembership.objects.filter(group=group, end_on__isnull=True), today)
        if group.established_on >= today:  # set up today by mistake: it never existed
            group.leader = None
            group.save(update_fields=["leader"])
            group.delete()
            return group
        group.dissolved_on = today
        group.save(update_fields=["dissolved_on"])
    return group
