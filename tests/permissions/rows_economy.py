"""Rows for the 集体经济扶持 pages and their API reads: a payment to branch A (own) and one to branch O (sibling)."""

import datetime as dt

from django.urls import reverse

from tests.api.conftest import bearer
from tests.permissions import READ, WRITE, Row


def records(world) -> None:
    from qingfeng.economy.models import SupportItem

    for suffix, org in (("A", world.branch_a), ("O", world.branch_o)):
        SupportItem.objects.get_or_create(code=f"JJ-{suffix}", defaults={
            "org": org, "source": "市级", "amount": 500000, "paid_on": dt.date(2020, 6, 1)})


def _by_code(name):
    def build(target):
        return lambda w: reverse(name, args=["JJ-A" if target == "own" else "JJ-O"])
    return {"own": build("own"), "sibling": build("sibling"), "setup": records}


API = {"headers": lambda w, user: bearer(user), "anonymous": 401}

ROWS = [
    Row("economy:list", READ, page=lambda w: reverse("economy:list")),
    Row("economy:by_county", READ, page=lambda w: reverse("economy:by_county")),
    Row("economy:create", WRITE, page=lambda w: reverse("economy:create")),
    Row("economy:detail", READ, **_by_code("economy:detail")),
    Row("api_v1:list_support_items", READ, page=lambda w: reverse("api_v1:list_support_items"), **API),
    Row("api_v1:list_support_items", READ,
        own=lambda w: reverse("api_v1:list_support_items") + f"?org={w.branch_a.code}",
        sibling=lambda w: reverse("api_v1:list_support_items") + f"?org={w.branch_o.code}", **API),
    Row("api_v1:get_support_item", READ, **_by_code("api_v1:get_support_item"), **API),
]
