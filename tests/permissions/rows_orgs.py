"""Rows for the organization tree and organization pages."""

import datetime as dt

from django.urls import reverse

from tests.permissions import READ, WRITE, Row


def _committees(world):
    """A secretary on branch A's committee (own) and on branch O's (sibling)."""
    from qingfeng.orgs.models import CommitteeSeat

    world.seat_own = CommitteeSeat.objects.create(org=world.branch_a, person=world.members_a[0], post="书记",
                                                  start_on=dt.date(2024, 1, 1))
    world.seat_sibling = CommitteeSeat.objects.create(org=world.branch_o, person=world.members_o[0], post="书记",
                                                      start_on=dt.date(2024, 1, 1))

ROWS = [
    Row("orgs:tree", READ, page=lambda w: reverse("orgs:tree")),
    Row("orgs:tree", READ, page=lambda w: reverse("orgs:tree") + "?q=140"),
    Row("orgs:tree", READ, page=lambda w: reverse("orgs:tree") + "?tag=贫困村"),
    Row("orgs:village_tags", WRITE, method="POST", data={"tags": ["贫困村"]},
        own=lambda w: reverse("orgs:village_tags", args=[w.branch_a.code]),
        sibling=lambda w: reverse("orgs:village_tags", args=[w.branch_o.code])),
    Row("orgs:committees", READ, setup=_committees, page=lambda w: reverse("orgs:committees")),
    Row("orgs:committees", READ, setup=_committees, page=lambda w: reverse("orgs:committees") + "?export=xlsx"),
    Row("orgs:options", READ, page=lambda w: reverse("orgs:options") + "?q=140"),
    Row("orgs:detail", READ, own=lambda w: reverse("orgs:detail", args=[w.branch_a.code]),
        sibling=lambda w: reverse("orgs:detail", args=[w.branch_o.code])),
    Row("orgs:children", READ, own=lambda w: reverse("orgs:children", args=[w.branch_a.code]),
        sibling=lambda w: reverse("orgs:children", args=[w.other_street.code]),
        headers={"HX-Request": "true"}),
    Row("orgs:committee", READ, setup=_committees, own=lambda w: reverse("orgs:committee", args=[w.branch_a.code]),
        sibling=lambda w: reverse("orgs:committee", args=[w.branch_o.code])),
    Row("orgs:committee", WRITE, method="POST",
        data=lambda w, t: {"form": "elect", "held_on": "2025-01-05",
                           f"post_{(w.members_a if t == 'own' else w.members_o)[1].pk}": "书记"},
        own=lambda w: reverse("orgs:committee", args=[w.branch_a.code]),
        sibling=lambda w: reverse("orgs:committee", args=[w.branch_o.code])),
    Row("orgs:committee_end", WRITE, method="POST", setup=_committees, data={"end_on": "2025-01-05"},
        own=lambda w: reverse("orgs:committee_end", args=[w.branch_a.code, w.seat_own.pk]),
        sibling=lambda w: reverse("orgs:committee_end", args=[w.branch_o.code, w.seat_sibling.pk])),
]


def _groups(world):
    """A 党小组 in branch A (own) and one in branch O (sibling), each with a member."""
    from qingfeng.orgs.models import GroupMembership, PartyGroup

    world.group_own = PartyGroup.objects.create(org=world.branch_a, name="第一党小组", established_on=dt.date(2024, 1, 1))
    world.group_sibling = PartyGroup.objects.create(org=world.branch_o, name="第一党小组",
                                                    established_on=dt.date(2024, 1, 1))
    GroupMembership.objects.create(group=world.group_own, person=world.members_a[0], start_on=dt.date(2024, 1, 1))
    GroupMembership.objects.create(group=world.group_sibling, person=world.members_o[0], start_on=dt.date(2024, 1, 1))


def _group_url(name):
    return {"own": lambda w: reverse(name, args=[w.branch_a.code, w.group_own.pk]),
            "sibling": lambda w: reverse(name, args=[w.branch_o.code, w.group_sibling.pk])}


GROUP_ROWS = [
    Row("orgs:party_groups", READ, setup=_groups, own=lambda w: reverse("orgs:party_groups", args=[w.branch_a.code]),
        sibling=lambda w: reverse("orgs:party_groups", args=[w.branch_o.code])),
    Row("orgs:party_groups", WRITE, method="POST", data={"name": "新党小组"},
        own=lambda w: reverse("orgs:party_groups", args=[w.branch_a.code]),
        sibling=lambda w: reverse("orgs:party_groups", args=[w.branch_o.code])),
    Row("orgs:party_group", READ, setup=_groups, **_group_url("orgs:party_group")),
    Row("orgs:party_group", WRITE, method="POST", setup=_groups, data={"form": "name", "name": "改名党小组"},
        **_group_url("orgs:party_group")),
    Row("orgs:party_group_dissolve", WRITE, method="POST", setup=_groups, **_group_url("orgs:party_group_dissolve")),
]
ROWS += GROUP_ROWS
