"""Rows for attachments: served to whoever may see the record they belong to."""

from django.urls import reverse

from tests.ledgers.records import ledger_records
from tests.permissions import READ, Row


def _url(side):
    return lambda w: reverse("files:download", args=[ledger_records(w)[side]["attachment"].key])


ROWS = [
    Row("files:download", READ, own=_url("own"), sibling=_url("sibling"), setup=ledger_records),
]
