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
