"""Rows for the activity pages: list, record, detail, edit, attachments, the calendar, lecture teams."""

from django.urls import reverse

from qingfeng.accounts.access import WRITERS_STUDY, WRITERS_SUPERVISION
from tests.clock import TODAY
from tests.ledgers.records import ledger_records
from tests.permissions import READ, WRITE, Row

ACTIVITY_WRITERS = WRITERS_STUDY | WRITERS_SUPERVISION


def _url(name, key, attr="code"):
    def build(side):
        return lambda w: reverse(name, args=[getattr(ledger_records(w)[side][key], attr)])
    return {"own": build("own"), "sibling": build("sibling"), "setup": ledger_records}


def _lecturer(side):
    def build(w):
        records = ledger_records(w)[side]
        return reverse("activities:team_remove_lecturer", args=[records["team"].code, records["lecturer"].pk])
    return build


def _campaigns(w):
    """The own and sibling activities belong to the campaigns 专题A and 专题O."""
    from qingfeng.activities.models import Activity

    records = ledger_records(w)
    for side, name in (("own", "专题A"), ("sibling", "专题O")):
        Activity.objects.filter(pk=records[side]["activity"].pk).update(campaign=name)


ROWS = [
    Row("activities:list", READ, page=lambda w: reverse("activities:list")),
    Row("activities:campaigns", READ, page=lambda w: reverse("activities:campaigns")),
    Row("activities:campaign", READ, own=lambda w: reverse("activities:campaign", args=["专题A"]),
        sibling=lambda w: reverse("activities:campaign", args=["专题O"]), setup=_campaigns),
    Row("activities:create", WRITE, page=lambda w: reverse("activities:create"), writers=ACTIVITY_WRITERS),
    Row("activities:detail", READ, **_url("activities:detail", "activity")),
    Row("activities:edit", WRITE, writers=ACTIVITY_WRITERS, **_url("activities:edit", "activity")),
    # Uploading with no file: the writer is sent back to the record with the reason.
    Row("activities:attach", WRITE, method="POST", writers=ACTIVITY_WRITERS, data={"kind": "minutes"},
        **_url("activities:attach", "activity")),
    Row("activities:calendar", READ, own=lambda w: reverse("activities:calendar", args=[w.branch_a.code]),
        sibling=lambda w: reverse("activities:calendar", args=[w.branch_o.code])),
    Row("activities:teams", READ, page=lambda w: reverse("activities:teams")),
    Row("activities:team_create", WRITE, page=lambda w: reverse("activities:team_create"), writers=WRITERS_STUDY),
    Row("activities:team_detail", READ, **_url("activities:team_detail", "team")),
    Row("activities:team_add_lecturer", WRITE, method="POST", writers=WRITERS_STUDY,
        data={"id_number": "140105198501010011", "name": "新宣讲员"}, **_url("activities:team_add_lecturer", "team")),
    Row("activities:team_remove_lecturer", WRITE, method="POST", writers=WRITERS_STUDY,
        data=lambda w, t: {"on": TODAY.isoformat()}, own=_lecturer("own"), sibling=_lecturer("sibling"),
        setup=ledger_records),
    Row("activities:team_dissolve", WRITE, method="POST", writers=WRITERS_STUDY,
        data=lambda w, t: {"on": TODAY.isoformat()}, **_url("activities:team_dissolve", "team")),
]


def _group_meetings(w):
    """A 党小组会 of each side's branch, recorded for one of its 党小组 (w.group_meeting_own, w.group_meeting_sibling)."""
    import datetime as dt

    from qingfeng.activities.models import Activity, ActivityType, Attendance
    from qingfeng.orgs.models import GroupMembership, PartyGroup

    kind = ActivityType.objects.get(role="party_group")
    for side, branch, member in (("own", w.branch_a, w.members_a[0]), ("sibling", w.branch_o, w.members_o[0])):
        group = PartyGroup.objects.create(org=branch, name=f"{side}党小组", established_on=dt.date(2024, 1, 1))
        GroupMembership.objects.create(group=group, person=member, start_on=dt.date(2024, 1, 1))
        meeting = Activity.objects.create(code=f"HD-GROUP-{side}", type=kind, org=branch, date=TODAY,
                                          topic="党小组学习", party_group=group)
        Attendance.objects.create(activity=meeting, person=member)
        setattr(w, f"party_group_{side}", group)
        setattr(w, f"group_meeting_{side}", meeting)


def _group_edit(w, target):
    from qingfeng.activities.models import ActivityType

    side = "own" if target == "own" else "sibling"
    group, member = getattr(w, f"party_group_{side}"), (w.members_a if side == "own" else w.members_o)[0]
    return {"type": ActivityType.objects.get(role="party_group").pk, "date": TODAY.isoformat(), "topic": "党小组学习",
            "channel": "线下", "group": group.pk, "member": [member.pk], "present": [member.pk]}


def _meeting_url(name):
    return {"own": lambda w: reverse(name, args=["HD-GROUP-own"]),
            "sibling": lambda w: reverse(name, args=["HD-GROUP-sibling"]), "setup": _group_meetings}


def _attendance_card(w):
    """The attendance card of a new 党小组会, fetched again for another day (htmx)."""
    from qingfeng.activities.models import ActivityType

    kind = ActivityType.objects.get(role="party_group")
    return (reverse("activities:create") + f"?org={w.branch_a.code}&type={kind.pk}&group={w.party_group_own.pk}"
            f"&date={TODAY.isoformat()}")


ROWS += [
    Row("activities:create", WRITE, page=_attendance_card, setup=_group_meetings, writers=ACTIVITY_WRITERS,
        headers={"HX-Request": "true"}),
    Row("activities:detail", READ, **_meeting_url("activities:detail")),
    Row("activities:edit", WRITE, writers=ACTIVITY_WRITERS, **_meeting_url("activities:edit")),
    Row("activities:edit", WRITE, method="POST", writers=ACTIVITY_WRITERS, data=_group_edit,
        **_meeting_url("activities:edit")),
]
