"""Rows for the report-forms register."""

from django.urls import reverse

from tests.clock import TODAY
from tests.ledgers.records import ledger_records
from tests.permissions import READ, WRITE, Row


def _url(name):
    def build(side):
        return lambda w: reverse(name, args=[ledger_records(w)[side]["form"].code])
    return {"own": build("own"), "sibling": build("sibling"), "setup": ledger_records}


ROWS = [
    Row("burden:list", READ, page=lambda w: reverse("burden:list")),
    Row("burden:create", WRITE, page=lambda w: reverse("burden:create")),
    Row("burden:detail", READ, **_url("burden:detail")),
    Row("burden:retire", WRITE, method="POST", data=lambda w, t: {"on": TODAY.isoformat(), "reason": "取消"},
        **_url("burden:retire")),
]
