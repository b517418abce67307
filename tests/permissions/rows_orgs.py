"""Rows for the organization tree and organization pages."""

from django.urls import reverse

from tests.permissions import READ, WRITE, Row

ROWS = [
    Row("orgs:tree", READ, page=lambda w: reverse("orgs:tree")),
    Row("orgs:tree", READ, page=lambda w: reverse("orgs:tree") + "?q=140"),
    Row("orgs:tree", READ, page=lambda w: reverse("orgs:tree") + "?tag=贫困村"),
    Row("orgs:village_tags", WRITE, method="POST", data={"tags": ["贫困村"]},
        own=lambda w: reverse("orgs:village_tags", args=[w.branch_a.code]),
        sibling=lambda w: reverse("orgs:village_tags", args=[w.branch_o.code])),
    Row("orgs:options", READ, page=lambda w: reverse("orgs:options") + "?q=140"),
    Row("orgs:detail", READ, own=lambda w: reverse("orgs:detail", args=[w.branch_a.code]),
        sibling=lambda w: reverse("orgs:detail", args=[w.branch_o.code])),
    Row("orgs:children", READ, own=lambda w: reverse("orgs:children", args=[w.branch_a.code]),
        sibling=lambda w: reverse("orgs:children", args=[w.other_street.code]),
        headers={"HX-Request": "true"}),
]
