"""Rows for the member list, a person's page and the transfer of a member."""

from django.urls import reverse

from tests.permissions import READ, WRITE, Row


def _transfer_body(w, target):
    # Own: a member of branch A to branch B (outside the clerk's scope: the form refuses, 200).
    # Sibling: a member of branch O to its street committee.
    to = w.branch_b if target == "own" else w.other_street
    return {"to_org": to.code, "on": "2024-06-01", "note": "矩阵"}


def _member(w, target):
    return (w.members_a if target == "own" else w.members_o)[0].pk


ROWS = [
    Row("people:list", READ, page=lambda w: reverse("people:list")),
    Row("people:list", READ, page=lambda w: reverse("people:list") + "?category=正式党员&q=甲"),
    Row("people:detail", READ, own=lambda w: reverse("people:detail", args=[_member(w, "own")]),
        sibling=lambda w: reverse("people:detail", args=[_member(w, "sibling")])),
    Row("people:transfer", WRITE, own=lambda w: reverse("people:transfer", args=[_member(w, "own")]),
        sibling=lambda w: reverse("people:transfer", args=[_member(w, "sibling")])),
    Row("people:transfer", WRITE, method="POST", data=_transfer_body,
        own=lambda w: reverse("people:transfer", args=[_member(w, "own")]),
        sibling=lambda w: reverse("people:transfer", args=[_member(w, "sibling")]),
        expect={("clerk", "own"): 200}),
]
