"""Rows for the audit page (platform administrators) and unmasking a person's numbers (roles that keep
member records, within their subtree; the leader reads but may not unmask)."""

from django.urls import reverse

from qingfeng.accounts.access import UNMASKERS
from tests.permissions import ADMIN, WRITE, Row

ROWS = [
    Row("audit:list", ADMIN, page=lambda w: reverse("audit:list")),
    Row("audit:list", ADMIN, page=lambda w: reverse("audit:list") + "?export=xlsx"),
    Row("audit:unmask", WRITE, method="POST", writers=UNMASKERS, ok=200, data={"field": "id"},
        own=lambda w: reverse("audit:unmask", args=[w.members_a[0].pk]),
        sibling=lambda w: reverse("audit:unmask", args=[w.members_o[0].pk])),
]
