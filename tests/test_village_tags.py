"""村情 on organizations: set on the organization page by a writer, shown there, a filter of the tree and the API."""

from django.test import Client
from django.urls import reverse

from qingfeng.audit.models import AuditLog
from qingfeng.orgs.models import VillageTag
from tests.api.conftest import bearer


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def tags(org) -> list[str]:
    return sorted(VillageTag.objects.filter(org=org).values_list("tag", flat=True))


def test_tags_set_shown_and_filtered(world):
    district = signed_in(world.district_user)
    url = reverse("orgs:village_tags", args=[world.community.code])
    response = district.post(url, {"tags": ["信教群众聚居村", "贫困村"]})
    assert response.status_code == 302
    assert tags(world.community) == ["信教群众聚居村", "贫困村"]
    page = district.get(reverse("orgs:detail", args=[world.community.code])).content.decode()
    assert "data-village-tags" in page and "信教群众聚居村" in page and "data-tags-form" in page
    # Setting them again to a smaller set removes one; the organization's history says so.
    district.post(url, {"tags": ["贫困村"]})
    assert tags(world.community) == ["贫困村"]
    log = AuditLog.objects.filter(model="orgs.Organization", object_id=str(world.community.pk), action="update").order_by("id").last()
    assert log.before == {"村情": "信教群众聚居村、贫困村"} and log.after == {"村情": "贫困村"}
    bad = district.post(url, {"tags": ["富裕村"]})
    assert bad.status_code == 302 and tags(world.community) == ["贫困村"]
    assert signed_in(world.leader).post(url, {"tags": []}).status_code == 403
    assert signed_in(world.outsider).post(url, {"tags": []}).status_code == 404
    signed_in(world.outsider).post(reverse("orgs:village_tags", args=[world.branch_o.code]), {"tags": ["贫困村"]})
    # The tree lists the organizations carrying a tag, within the user's scope.
    found = district.get(reverse("orgs:tree"), {"tag": "贫困村"}).content.decode()
    assert world.community.name in found and world.branch_o.name not in found
    city = signed_in(world.city_user).get(reverse("orgs:tree"), {"tag": "贫困村"}).content.decode()
    assert world.community.name in city and world.branch_o.name in city
    none = district.get(reverse("orgs:tree"), {"tag": "边远村"}).content.decode()
    assert world.community.name not in none.split("data-search-summary")[1]


def test_api_reads_tags_and_filters_by_them(world, client):
    signed_in(world.district_user).post(reverse("orgs:village_tags", args=[world.community.code]),
                                        {"tags": ["少数民族聚居村"]})
    headers = bearer(world.city_user)
    detail = client.get(f"/api/v1/organizations/{world.community.code}", headers=headers).json()
    assert detail["village_tags"] == ["少数民族聚居村"]
    listed = client.get("/api/v1/organizations", {"village_tag": "少数民族聚居村"}, headers=headers).json()
    assert [o["code"] for o in listed["results"]] == [world.community.code]
    assert client.get("/api/v1/organizations", {"village_tag": "富裕村"}, headers=headers).status_code == 400
