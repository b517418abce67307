"""Rows for dispatched cadres, weak-organization cases and elections."""

from django.urls import reverse

from tests.clock import TODAY
from tests.ledgers.records import ledger_records
from tests.permissions import READ, WRITE, Row


def _url(name, key):
    def build(side):
        return lambda w: reverse(name, args=[ledger_records(w)[side][key].pk])
    return {"own": build("own"), "sibling": build("sibling"), "setup": ledger_records}


def _today(w, t):
    return {"on": TODAY.isoformat(), "reason": "调整"}


ROWS = [
    Row("grassroots:assignments", READ, page=lambda w: reverse("grassroots:assignments")),
    Row("grassroots:assignment_create", WRITE, page=lambda w: reverse("grassroots:assignment_create")),
    Row("grassroots:assignment_detail", READ, **_url("grassroots:assignment_detail", "assignment")),
    Row("grassroots:assignment_end", WRITE, method="POST", data=_today, **_url("grassroots:assignment_end", "assignment")),
    Row("grassroots:weak_cases", READ, page=lambda w: reverse("grassroots:weak_cases")),
    Row("grassroots:weak_case_create", WRITE, page=lambda w: reverse("grassroots:weak_case_create")),
    Row("grassroots:weak_case_detail", READ, **_url("grassroots:weak_case_detail", "weak")),
    Row("grassroots:weak_case_rectify", WRITE, method="POST", data=_today, **_url("grassroots:weak_case_rectify", "weak")),
    Row("grassroots:elections", READ, page=lambda w: reverse("grassroots:elections")),
    Row("grassroots:election_create", WRITE, page=lambda w: reverse("grassroots:election_create")),
    Row("grassroots:election_detail", READ, **_url("grassroots:election_detail", "election")),
]
