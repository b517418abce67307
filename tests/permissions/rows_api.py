"""Permission-matrix rows for the JSON API (/api/v1) and the token pages (api:*).

API rows send the persona's own bearer token (a fresh one per request); anonymous requests carry none
and get 401. Objects are made by `records`: one of each kind in branch A (own) and in branch O (sibling)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from tests.api.conftest import bearer
from tests.permissions import PUBLIC, READ, Row
from tests.world import PASSWORD


def token_header(world, user) -> dict:
    return bearer(user)


def records(world) -> None:
    from qingfeng.activities.models import Activity, ActivityType
    from qingfeng.service.models import ServiceItem
    from qingfeng.supervision.models import Finding

    kind = ActivityType.objects.get_or_create(name="支部委员会")[0]
    for suffix, org in (("A", world.branch_a), ("O", world.branch_o)):
        Activity.objects.create(code=f"M-{suffix}", type=kind, org=org, date=dt.date(2026, 3, 5), topic="支委会")
        Finding.objects.create(code=f"F-{suffix}", source="督导检查", found_on=dt.date(2026, 1, 5), org=org,
                               description="台账不全", deadline=dt.date(2026, 3, 5))
        ServiceItem.objects.create(code=f"S-{suffix}", org=org, name="加装电梯", committed_on=dt.date(2026, 1, 1),
                                   planned_on=dt.date(2026, 6, 30))


def url(name, *args, query: str = "") -> str:
    return reverse(f"api_v1:{name}", args=args) + (f"?{query}" if query else "")


def own_and_sibling(name, **extra) -> dict:
    """own= / sibling= builders for a route taking an object's key."""
    keys = {
        "get_organization": (lambda w: w.branch_a.code, lambda w: w.branch_o.code),
        "organization_children": (lambda w: w.community.code, lambda w: w.other_street.code),
        "get_person": (lambda w: w.members_a[0].pk, lambda w: w.members_o[0].pk),
        "get_activity": (lambda w: "M-A", lambda w: "M-O"),
        "get_finding": (lambda w: "F-A", lambda w: "F-O"),
        "list_finding_events": (lambda w: "F-A", lambda w: "F-O"),
        "get_service_item": (lambda w: "S-A", lambda w: "S-O"),
    }[name]
    return {"own": lambda w: url(name, keys[0](w)), "sibling": lambda w: url(name, keys[1](w)), **extra}


def by_org(name, param: str = "org") -> dict:
    """A list filtered to an organization: branch A (own) or branch O (sibling); outside the scope → 404."""
    return {"own": lambda w: url(name, query=f"{param}={w.branch_a.code}"),
            "sibling": lambda w: url(name, query=f"{param}={w.branch_o.code}")}


API = {"headers": token_header, "anonymous": 401}

ROWS = [
    Row("api_v1:openapi-json", PUBLIC, page=lambda w: url("openapi-json")),
    # The bare prefix is no resource: 404 for everyone.
    Row("api_v1:api-root", PUBLIC, page=lambda w: url("api-root"), ok=404),
    Row("api_v1:create_token", PUBLIC, method="POST", page=lambda w: url("create_token"), ok=200,
        data={"username": "clerk", "password": PASSWORD}),
    Row("api_v1:me", READ, page=lambda w: url("me"), **API),
    Row("api_v1:organization_tree", READ, page=lambda w: url("organization_tree"), **API),
    Row("api_v1:list_organizations", READ, page=lambda w: url("list_organizations"), **API),
    Row("api_v1:list_organizations", READ, **by_org("list_organizations", "within"), **API),
    Row("api_v1:get_organization", READ, **own_and_sibling("get_organization"), **API),
    Row("api_v1:organization_children", READ, **own_and_sibling("organization_children"), **API,
        # The clerk's scope is branch A: its community (the parent) is outside it.
        expect={("clerk", "own"): 404}),
    Row("api_v1:list_people", READ, page=lambda w: url("list_people"), **API),
    Row("api_v1:list_people", READ, **by_org("list_people"), **API),
    Row("api_v1:get_person", READ, **own_and_sibling("get_person"), **API),
    Row("api_v1:list_activity_types", READ, page=lambda w: url("list_activity_types"), **API),
    Row("api_v1:list_activities", READ, page=lambda w: url("list_activities"), **API),
    Row("api_v1:list_activities", READ, **by_org("list_activities"), **API),
    Row("api_v1:get_activity", READ, **own_and_sibling("get_activity"), setup=records, **API),
    Row("api_v1:list_findings", READ, **by_org("list_findings"), **API),
    Row("api_v1:get_finding", READ, **own_and_sibling("get_finding"), setup=records, **API),
    Row("api_v1:list_finding_events", READ, **own_and_sibling("list_finding_events"), setup=records, **API),
    Row("api_v1:list_service_items", READ, **by_org("list_service_items"), **API),
    Row("api_v1:get_service_item", READ, **own_and_sibling("get_service_item"), setup=records, **API),
    # Token pages: every signed-in user manages their own tokens.
    Row("api:tokens", READ, page=lambda w: reverse("api:tokens")),
    Row("api:token_create", READ, method="POST", page=lambda w: reverse("api:token_create"), ok=200,
        data={"name": "矩阵", "days": "30"}),
    # A token of the clerk's: only the clerk may revoke it; for everyone else it does not exist.
    Row("api:token_revoke", READ, method="POST", setup=lambda w: bearer(w.clerk),
        own=lambda w: reverse("api:token_revoke", args=[w.clerk.api_tokens.get().pk]),
        expect={p: 404 for p in ("admin", "city", "district", "discipline", "leader", "outsider")}),
]
