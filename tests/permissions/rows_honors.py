"""Rows for the 表彰 pages and their API reads: decision C-A commends a collective of branch A (own), C-O one of
branch O (sibling)."""

import datetime as dt

from django.urls import reverse

from tests.api.conftest import bearer
from tests.permissions import READ, WRITE, Row


def records(world) -> None:
    from qingfeng.honors.models import Commendation, Honoree

    for suffix, org in (("A", world.branch_a), ("O", world.branch_o)):
        decision = Commendation.objects.create(code=f"C-{suffix}", name="先进基层党组织", grantor_level="市级",
                                               date=dt.date(2026, 5, 25))
        Honoree.objects.create(commendation=decision, kind="集体", collective_name=f"{org.name}", org=org)


def _code(target) -> str:
    return "C-A" if target == "own" else "C-O"


def _by_code(name, api=False):
    def build(target):
        return lambda w: reverse(name, args=[_code(target)])
    return {"own": build("own"), "sibling": build("sibling"), "setup": records}


def _honoree(w, t):
    org = w.branch_a if t == "own" else w.branch_o
    return {"kind": "集体", "collective_name": "新增先进集体", "org": org.code}


API = {"headers": lambda w, user: bearer(user), "anonymous": 401}

ROWS = [
    Row("honors:list", READ, page=lambda w: reverse("honors:list")),
    Row("honors:create", WRITE, page=lambda w: reverse("honors:create")),
    Row("honors:detail", READ, **_by_code("honors:detail")),
    Row("honors:add_honoree", WRITE, method="POST", data=_honoree, **_by_code("honors:add_honoree")),
    Row("api_v1:list_commendations", READ, page=lambda w: reverse("api_v1:list_commendations"), **API),
    Row("api_v1:list_commendations", READ, own=lambda w: reverse("api_v1:list_commendations") + f"?org={w.branch_a.code}",
        sibling=lambda w: reverse("api_v1:list_commendations") + f"?org={w.branch_o.code}", **API),
    Row("api_v1:get_commendation", READ, **_by_code("api_v1:get_commendation"), **API),
]
