"""问题类别 on findings: recorded with the finding or classified later, filtered on the list and the API."""

import datetime as dt

from django.test import Client
from django.urls import reverse

from qingfeng.audit.models import AuditLog
from qingfeng.supervision.models import Finding
from tests.api.conftest import bearer
from tests.clock import TODAY


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def record(client, world, **extra):
    data = {"org": world.branch_a.code, "source": "督导检查", "found_on": TODAY.isoformat(),
            "deadline": (TODAY + dt.timedelta(days=30)).isoformat(), "description": "层层加码报材料", **extra}
    return client.post(reverse("supervision:create"), data)


def test_category_recorded_classified_and_filtered(world):
    district = signed_in(world.district_user)
    assert record(district, world, category="形式主义").status_code == 302
    assert record(district, world, description="群众反映问题推诿").status_code == 302
    bad = record(district, world, category="懒政")
    assert bad.status_code == 400 and Finding.objects.count() == 2
    classified, unclassified = Finding.objects.get(category="形式主义"), Finding.objects.get(category="")
    listing = reverse("supervision:list")
    table = district.get(listing, {"category": "形式主义"}).content.decode().split("data-ledger-table")[1]
    assert classified.code in table and unclassified.code not in table
    assert unclassified.code in district.get(listing, {"category": "none"}).content.decode()
    # Classified later, by a supervision writer; the leader only reads; the audit log keeps the change.
    url = reverse("supervision:classify", args=[unclassified.code])
    assert signed_in(world.leader).post(url, {"category": "官僚主义"}).status_code == 403
    assert signed_in(world.outsider).post(url, {"category": "官僚主义"}).status_code == 404
    district.post(url, {"category": "漠视侵害群众利益"})
    unclassified.refresh_from_db()
    assert unclassified.category == "漠视侵害群众利益"
    assert AuditLog.objects.filter(model="supervision.Finding", object_id=str(unclassified.pk), action="update").exists()
    page = district.get(reverse("supervision:detail", args=[unclassified.code])).content.decode()
    assert "漠视侵害群众利益" in page and "data-classify-form" in page
    district.post(url, {"category": "不存在的类别"})
    unclassified.refresh_from_db()
    assert unclassified.category == "漠视侵害群众利益"


def test_api_reads_and_filters_the_category(world, client):
    district = signed_in(world.district_user)
    record(district, world, category="享乐主义")
    record(district, world)
    headers = bearer(world.city_user)
    body = client.get("/api/v1/findings", {"category": "享乐主义"}, headers=headers).json()
    assert body["count"] == 1 and body["results"][0]["category"] == "享乐主义"
    assert client.get("/api/v1/findings", {"category": "懒政"}, headers=headers).status_code == 400
    created = client.post("/api/v1/findings", {
        "org": world.branch_a.code, "source": "督导检查", "found_on": TODAY.isoformat(),
        "deadline": (TODAY + dt.timedelta(days=5)).isoformat(), "description": "文山会海", "category": "形式主义"},
        content_type="application/json", headers=headers)
    assert created.status_code == 201 and created.json()["category"] == "形式主义"
