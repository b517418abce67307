"""Rows for findings and rectification. Verifying (return, close, accountability) belongs to 组织部门,
纪检监察 and platform administrators; the branch clerk submits."""

from django.urls import reverse

from qingfeng.accounts.access import WRITERS_SUPERVISION
from qingfeng.supervision.access import VERIFIERS
from tests.clock import TODAY
from tests.ledgers.records import ledger_records
from tests.permissions import READ, WRITE, Row


def _url(name, key):
    def build(side):
        return lambda w: reverse(name, args=[ledger_records(w)[side][key].code])
    return {"own": build("own"), "sibling": build("sibling"), "setup": ledger_records}


ROWS = [
    Row("supervision:list", READ, page=lambda w: reverse("supervision:list")),
    Row("supervision:create", WRITE, page=lambda w: reverse("supervision:create"), writers=WRITERS_SUPERVISION),
    Row("supervision:detail", READ, **_url("supervision:detail", "finding")),
    Row("supervision:submit", WRITE, method="POST", writers=WRITERS_SUPERVISION, data={"note": "已整改"},
        **_url("supervision:submit", "finding")),
    Row("supervision:return", WRITE, method="POST", writers=VERIFIERS, data={"reason": "证据不足"},
        **_url("supervision:return", "submitted")),
    Row("supervision:close", WRITE, method="POST", writers=VERIFIERS,
        data=lambda w, t: {"on": TODAY.isoformat()}, **_url("supervision:close", "submitted")),
    Row("supervision:classify", WRITE, method="POST", writers=WRITERS_SUPERVISION, data={"category": "形式主义"},
        **_url("supervision:classify", "finding")),
    Row("supervision:accountability", WRITE, writers=VERIFIERS, **_url("supervision:accountability", "finding")),
]
