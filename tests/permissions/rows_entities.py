"""Rows for the two-new register."""

from django.urls import reverse

from tests.clock import TODAY
from tests.ledgers.records import ledger_records
from tests.permissions import READ, WRITE, Row


def _url(name):
    def build(side):
        return lambda w: reverse(name, args=[ledger_records(w)[side]["entity"].credit_code])
    return {"own": build("own"), "sibling": build("sibling"), "setup": ledger_records}


def _today(w, t):
    return {"on": TODAY.isoformat(), "since": TODAY.isoformat(), "mode": "单独组建"}


ROWS = [
    Row("entities:list", READ, page=lambda w: reverse("entities:list")),
    Row("entities:create", WRITE, page=lambda w: reverse("entities:create")),
    Row("entities:detail", READ, **_url("entities:detail")),
    Row("entities:coverage", WRITE, method="POST", data=_today, **_url("entities:coverage")),
    Row("entities:deregister", WRITE, method="POST", data=_today, **_url("entities:deregister")),
]
