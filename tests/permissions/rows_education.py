"""Rows for the 学历提升 pages and their API reads: an enrollment in branch A (own) and one in branch O (sibling)."""

import datetime as dt

from django.urls import reverse

from tests.api.conftest import bearer
from tests.clock import TODAY
from tests.permissions import READ, WRITE, Row


def records(world) -> None:
    from qingfeng.education.models import DegreeStudy

    for person, org in ((world.members_a[0], world.branch_a), (world.members_o[0], world.branch_o)):
        DegreeStudy.objects.get_or_create(person=person, enrolled_on=dt.date(2019, 9, 1),
                                          defaults={"org": org, "level": "大专"})


def _pk(w, target):
    from qingfeng.education.models import DegreeStudy

    person = w.members_a[0] if target == "own" else w.members_o[0]
    return DegreeStudy.objects.get(person=person).pk


def _by_pk(name):
    def build(target):
        return lambda w: reverse(name, args=[_pk(w, target)])
    return {"own": build("own"), "sibling": build("sibling"), "setup": records}


API = {"headers": lambda w, user: bearer(user), "anonymous": 401}

ROWS = [
    Row("education:list", READ, page=lambda w: reverse("education:list")),
    Row("education:by_org", READ, page=lambda w: reverse("education:by_org")),
    Row("education:create", WRITE, page=lambda w: reverse("education:create")),
    Row("education:detail", READ, **_by_pk("education:detail")),
    Row("education:graduate", WRITE, method="POST", data={"on": TODAY.isoformat()}, **_by_pk("education:graduate")),
    Row("api_v1:list_degree_studies", READ, page=lambda w: reverse("api_v1:list_degree_studies"), **API),
    Row("api_v1:list_degree_studies", READ,
        own=lambda w: reverse("api_v1:list_degree_studies") + f"?org={w.branch_a.code}",
        sibling=lambda w: reverse("api_v1:list_degree_studies") + f"?org={w.branch_o.code}", **API),
    Row("api_v1:get_degree_study", READ, **_by_pk("api_v1:get_degree_study"), **API),
]
