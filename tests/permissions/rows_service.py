"""Rows for the 办实事 pages."""

from django.urls import reverse

from tests.clock import TODAY
from tests.ledgers.records import ledger_records
from tests.permissions import READ, WRITE, Row


def _url(name):
    def build(side):
        return lambda w: reverse(name, args=[ledger_records(w)[side]["item"].code])
    return {"own": build("own"), "sibling": build("sibling"), "setup": ledger_records}


def _today(w, t):
    return {"on": TODAY.isoformat(), "beneficiaries": "10"}


ROWS = [
    Row("service:list", READ, page=lambda w: reverse("service:list")),
    Row("service:create", WRITE, page=lambda w: reverse("service:create")),
    Row("service:detail", READ, **_url("service:detail")),
    Row("service:start", WRITE, method="POST", data=_today, **_url("service:start")),
    Row("service:complete", WRITE, method="POST", data=_today, **_url("service:complete")),
]
