"""Writes to the organization tree. Paths are computed here and nowhere else."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qingfeng.core import changes
from qingfeng.orgs.models import PATH_SEP, Election, Organization

if TYPE_CHECKING:
    from qingfeng.accounts.models import User


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
    changes.record(orgs=[org.pk], moved=[org.pk] if moved else [], days=[org.established_on, org.dissolved_on])
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
    if latest and (org.term_started_on, org.term_years) != (latest.held_on, latest.term_years):
        org.term_started_on, org.term_years = latest.held_on, latest.term_years
        org.save(update_fields=["term_started_on", "term_years"])
    changes.record(orgs=[org.pk], days=[held_on])
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
        changes.record(orgs=[org.pk])
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
    changes.record(orgs=org_ids, days=[day for _org, day in wanted])
    return new
