"""Permission-matrix rows for the JSON API (/api/v1) and the token pages (api:*).

API rows send the persona's own bearer token (a fresh one per request); anonymous requests carry none
and get 401. Objects are made by `records`: one of each kind in branch A (own) and in branch O (sibling)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from tests.api.conftest import bearer
from tests.clock import TODAY
from tests.permissions import PUBLIC, READ, WRITE, Row
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


def submitted(world) -> None:
    """records(), with both findings waiting for verification."""
    from qingfeng.supervision.models import Finding

    records(world)
    Finding.objects.filter(code__in=["F-A", "F-O"]).update(status="submitted")


def recent() -> str:

    return (TODAY - dt.timedelta(days=2)).isoformat()


def target_org(world, target: str) -> str:
    return (world.branch_a if target == "own" else world.branch_o).code


def same_url(name) -> dict:
    """A create route: one URL; the organization in the body is the target."""
    return {"own": lambda w: url(name), "sibling": lambda w: url(name)}


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
        "submit_finding": (lambda w: "F-A", lambda w: "F-O"),
        "return_finding": (lambda w: "F-A", lambda w: "F-O"),
        "close_finding": (lambda w: "F-A", lambda w: "F-O"),
        "start_service_item": (lambda w: "S-A", lambda w: "S-O"),
        "complete_service_item": (lambda w: "S-A", lambda w: "S-O"),
    }[name]
    return {"own": lambda w: url(name, keys[0](w)), "sibling": lambda w: url(name, keys[1](w)), **extra}


def by_org(name, param: str = "org", extra: str = "") -> dict:
    """A list filtered to an organization: branch A (own) or branch O (sibling); outside the scope → 404."""
    return {"own": lambda w: url(name, query=f"{param}={w.branch_a.code}{extra}"),
            "sibling": lambda w: url(name, query=f"{param}={w.branch_o.code}{extra}")}


def verifiers() -> set[str]:
    from qingfeng.supervision.access import VERIFIERS

    return set(VERIFIERS)


def activity_writers() -> set[str]:
    from qingfeng.activities.access import WRITERS_ACTIVITIES

    return set(WRITERS_ACTIVITIES)


def supervision_writers() -> set[str]:
    from qingfeng.accounts.access import WRITERS_SUPERVISION

    return set(WRITERS_SUPERVISION)


def meeting_type(world) -> None:
    from qingfeng.activities.models import ActivityType

    ActivityType.objects.get_or_create(name="支部委员会")


PERIOD = "&from=2020-01-01&to=2026-01-31"


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
    # Writes: the body is form-encoded here (the API takes flat bodies either way); the organization in the
    # body or the record in the URL is the target. Attendance lists need JSON: see tests/api/test_writes.py.
    Row("api_v1:create_activity", WRITE, method="POST", **same_url("create_activity"), ok=201,
        writers=activity_writers(), setup=meeting_type, **API,
        data=lambda w, t: {"org": target_org(w, t), "type": "支部委员会", "date": recent(), "topic": "支委会"}),
    Row("api_v1:create_finding", WRITE, method="POST", **same_url("create_finding"), ok=201,
        writers=supervision_writers(), **API,
        data=lambda w, t: {"org": target_org(w, t), "source": "督导检查", "found_on": recent(),
                           "description": "台账不全", "deadline": "2099-01-01"}),
    Row("api_v1:submit_finding", WRITE, method="POST", **own_and_sibling("submit_finding"), ok=200,
        writers=supervision_writers(), setup=records, data={"note": "已整改"}, **API),
    # Returning and closing (销号) are for officers above the branch: 组织部门, 纪检监察, 系统管理员.
    Row("api_v1:return_finding", WRITE, method="POST", **own_and_sibling("return_finding"), ok=200,
        writers=verifiers(), setup=submitted, data={"reason": "证据不足"}, **API),
    Row("api_v1:close_finding", WRITE, method="POST", **own_and_sibling("close_finding"), ok=200,
        writers=verifiers(), setup=submitted, data={"note": "核验通过"}, **API),
    Row("api_v1:create_service_item", WRITE, method="POST", **same_url("create_service_item"), ok=201, **API,
        data=lambda w, t: {"org": target_org(w, t), "name": "修路灯", "committed_on": recent(),
                           "planned_on": "2099-01-01"}),
    Row("api_v1:start_service_item", WRITE, method="POST", **own_and_sibling("start_service_item"), ok=200,
        setup=records, data={}, **API),
    Row("api_v1:complete_service_item", WRITE, method="POST", **own_and_sibling("complete_service_item"), ok=200,
        setup=records, data={"beneficiaries": "30"}, **API),
    # Indicators: the organization asked is the target; restricted ones are tested in tests/api.
    Row("api_v1:indicator_values", READ, **by_org("indicator_values", extra=PERIOD + "&only=orgs.total"), **API),
    Row("api_v1:indicator_values", READ, **by_org("indicator_values", extra=PERIOD), **API),
    Row("api_v1:indicator_catalog", READ, page=lambda w: url("indicator_catalog"), **API),
    Row("api_v1:list_warnings", READ, **by_org("list_warnings"), **API),
    Row("api_v1:drill", READ, **by_org("drill", extra=PERIOD + "&id=members.total"), **API),
    # Token pages: every signed-in user manages their own tokens.
    Row("api:tokens", READ, page=lambda w: reverse("api:tokens")),
    Row("api:token_create", READ, method="POST", page=lambda w: reverse("api:token_create"), ok=200,
        data={"name": "矩阵", "days": "30"}),
    # A token of the clerk's: only the clerk may revoke it; for everyone else it does not exist.
    Row("api:token_revoke", READ, method="POST", setup=lambda w: bearer(w.clerk),
        own=lambda w: reverse("api:token_revoke", args=[w.clerk.api_tokens.get().pk]),
        expect={p: 404 for p in ("admin", "city", "district", "discipline", "leader", "outsider")}),
]
