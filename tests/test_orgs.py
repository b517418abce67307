"""The organization tree, an organization's page and the organizations' admin, through HTTP."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qingfeng.orgs.actions import record_election, save_organization
from qingfeng.orgs.models import Organization
from tests.world import member, org


def node_counts(html: str, code: str) -> tuple[int, int]:
    """(sub-organizations, members) shown on the tree node or result row of `code`."""
    block = re.search(rf'data-org="{code}".*?(?=data-org="|\Z)', html, re.S).group(0)
    children = re.search(r'data-count="children"[^>]*>\s*(\d+)', block).group(1)
    members = re.search(r'data-count="members"[^>]*>\s*(\d+)', block).group(1)
    return int(children), int(members)


def codes_in(html: str) -> set[str]:
    return set(re.findall(r'data-org="([^"]+)"', html))


def test_tree_starts_at_the_users_scope(world, client_for):
    html = client_for(world.clerk).get(reverse("orgs:tree")).content.decode()
    assert codes_in(html) == {"14010500101A"}
    html = client_for(world.city_user).get(reverse("orgs:tree")).content.decode()
    assert codes_in(html) == {"140100"}
    assert node_counts(html, "140100") == (2, 15)


def test_expanding_a_node_loads_its_children_with_counts(world, client_for):
    client = client_for(world.district_user)
    response = client.get(reverse("orgs:children", args=["140105"]), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html  # a fragment, not a page
    assert codes_in(html) == {"140105001", "140105S01"}
    assert node_counts(html, "140105001") == (1, 11)  # the community below it; 8 + 3 members
    assert node_counts(html, "140105S01") == (0, 0)
    html = client.get(reverse("orgs:children", args=["14010500101"])).content.decode()
    assert node_counts(html, "14010500101A") == (0, 8)
    assert node_counts(html, "14010500101B") == (0, 3)


def test_a_sibling_subtree_cannot_be_expanded(world, client_for):
    assert client_for(world.district_user).get(reverse("orgs:children", args=["140106"])).status_code == 404
    assert client_for(world.outsider).get(reverse("orgs:children", args=["140106"])).status_code == 200


def test_dissolved_organizations_leave_the_tree_but_not_the_page(world, client_for):
    save_organization(Organization(code="140105S02", name="旧学校党支部", parent=world.xiaodian, kind="党支部",
                                   sector="学校", dissolved_on=dt.date(2020, 1, 1)))
    client = client_for(world.district_user)
    html = client.get(reverse("orgs:children", args=["140105"])).content.decode()
    assert "140105S02" not in codes_in(html)
    page = client.get(reverse("orgs:detail", args=["140105"])).content.decode()
    assert "旧学校党支部" in page and "已撤销" in page


def test_search_finds_by_name_or_code_within_scope_only(world, client_for):
    city = client_for(world.city_user)
    html = city.get(reverse("orgs:tree"), {"q": "柳巷"}).content.decode()
    assert codes_in(html) == {"140106001", "140106001O"}
    assert node_counts(html, "140106001") == (1, 4)
    html = city.get(reverse("orgs:tree"), {"q": "14010500101"}).content.decode()
    assert codes_in(html) == {"14010500101", "14010500101A", "14010500101B"}
    district = client_for(world.district_user)
    html = district.get(reverse("orgs:tree"), {"q": "柳巷"}).content.decode()
    assert codes_in(html) == set()
    assert "没有符合条件的党组织" in html


def test_search_as_you_type_answers_with_a_fragment(world, client_for):
    response = client_for(world.city_user).get(reverse("orgs:tree"), {"q": "平阳"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert codes_in(html) == {"140105001", "14010500101"}


def test_counting_does_not_cost_a_query_per_node(world, client_for):
    client = client_for(world.district_user)
    url = reverse("orgs:children", args=["140105"])
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    with CaptureQueriesContext(connection) as search_before:
        client.get(reverse("orgs:tree"), {"q": "平阳"})
    for i in range(6):
        street = org(f"14010500{i + 2}", f"新街道{i}", world.xiaodian, kind="党工委")
        branch = org(f"14010500{i + 2}A", f"新支部{i}", street, kind="党支部")
        member(f"新{i}", branch)
    with CaptureQueriesContext(connection) as after:
        html = client.get(url).content.decode()
    assert len(codes_in(html)) == 8
    assert node_counts(html, "140105002") == (1, 1)
    assert len(after.captured_queries) == len(before.captured_queries)
    # And the search, over every match at once.
    with CaptureQueriesContext(connection) as search:
        html = client.get(reverse("orgs:tree"), {"q": "新"}).content.decode()
    assert len(codes_in(html)) == 12
    assert len(search.captured_queries) == len(search_before.captured_queries)


def test_organization_page_shows_breadcrumbs_within_scope_subs_members_and_term(world, client_for):
    record_election(world.community, dt.date(2021, 6, 1), 3)
    client = client_for(world.district_user)
    html = client.get(reverse("orgs:detail", args=["14010500101"])).content.decode()
    crumbs = re.search(r"data-breadcrumbs>(.*?)</ol>", html, re.S).group(1)
    assert "中共小店区委" in crumbs and "平阳路街道党工委" in crumbs
    assert "中共太原市委" not in crumbs  # above the user's scope
    assert "第一党支部" in html and "第二党支部" in html
    term = re.search(r"data-term>(.*?)</div></div>", html, re.S).group(1)
    assert "2021-06-01" in term and "2024-06-01" in term and "已到期" in term
    assert 'data-figure="subtree-members">11<' in html


def test_organization_page_lists_its_members_a_page_at_a_time(world, client_for):
    for i in range(30):
        member(f"丁{i:02d}", world.branch_a)
    client = client_for(world.clerk)
    first = client.get(reverse("orgs:detail", args=["14010500101A"])).content.decode()
    second = client.get(reverse("orgs:detail", args=["14010500101A"]), {"page": 2}).content.decode()
    rows = lambda html: re.findall(r'href="/people/(\d+)/"', html)  # noqa: E731
    assert len(rows(first)) == 30 and len(rows(second)) == 8
    assert not set(rows(first)) & set(rows(second))
    assert 'rel="next"' in first


def test_organization_page_of_a_sibling_is_not_found(world, client_for):
    assert client_for(world.clerk).get(reverse("orgs:detail", args=["140106001O"])).status_code == 404
    assert client_for(world.clerk).get(reverse("orgs:detail", args=["14010500101B"])).status_code == 404
    assert client_for(world.outsider).get(reverse("orgs:detail", args=["14010500101A"])).status_code == 404


def test_code_picker_offers_only_organizations_in_scope(world, client_for):
    html = client_for(world.district_user).get(reverse("orgs:options"), {"to_org": "1401"}).content.decode()
    offered = set(re.findall(r'<option value="([^"]+)"', html))
    assert "14010500101B" in offered and not any(code.startswith("140106") for code in offered)


@pytest.mark.parametrize("language, text", [("zh-hans", "组织架构"), ("en", "Organizations")])
def test_tree_speaks_both_languages(world, client_for, language, text):
    client = client_for(world.city_user)
    client.cookies["django_language"] = language
    assert f"<title>{text}" in client.get(reverse("orgs:tree")).content.decode()


# ---- admin ---------------------------------------------------------------------------------

@pytest.fixture
def staff_district(world):
    user = world.district_user
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label__in=["orgs", "people"]))
    return user


def test_admin_lists_only_the_subtree(world, client_for, staff_district):
    html = client_for(staff_district).get(reverse("admin:orgs_organization_changelist")).content.decode()
    assert "140105001" in html and "140106001" not in html
    url = reverse("admin:orgs_organization_change", args=[world.branch_o.pk])
    assert client_for(staff_district).get(url).status_code in (302, 404)  # Django's "does not exist" redirect


def test_admin_cannot_place_an_organization_outside_the_scope_or_under_itself(world, client_for, staff_district):
    client = client_for(staff_district)
    url = reverse("admin:orgs_organization_change", args=[world.street.pk])
    form = {"code": "140105001", "name": "平阳路街道党工委", "kind": "党工委", "sector": "党政机关", "level": "乡镇(街道)"}
    response = client.post(url, {**form, "parent": world.yingze.pk})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    response = client.post(url, {**form, "parent": world.community.pk})
    assert "上级组织不能是本组织或其下级组织" in response.content.decode()
    world.street.refresh_from_db()
    assert world.street.parent_id == world.xiaodian.pk
    # A legitimate move rewrites the paths of the whole subtree.
    response = client.post(url, {**form, "parent": world.school.pk})
    assert response.status_code == 302
    world.branch_a.refresh_from_db()
    assert world.branch_a.path == "/140100/140105/140105S01/140105001/14010500101/14010500101A/"


def test_admin_of_persons_is_scoped_and_keeps_the_organization_read_only(world, client_for, staff_district):
    client = client_for(staff_district)
    html = client.get(reverse("admin:people_person_changelist")).content.decode()
    assert "甲0" in html and "丙0" not in html
    assert world.members_a[0].id_number not in html  # listed masked
    url = reverse("admin:people_person_change", args=[world.members_o[0].pk])
    assert client.get(url).status_code in (302, 404)
    assert client.get(reverse("admin:people_relation_add")).status_code == 403


def test_admin_writes_keep_the_indicator_facts_current(world, client_for, staff_district):
    """An organization added or an election recorded in the admin shows in the indicators at once."""
    from qingfeng.indicators import engine, store

    store.rebuild_facts()
    period = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    keys = ["orgs.total", "grassroots.elections_overdue"]
    before = engine.compute(world.xiaodian, *period, keys)
    client = client_for(staff_district)
    response = client.post(reverse("admin:orgs_organization_add"), {
        "code": "14010500101Z", "name": "新建党支部", "parent": world.community.pk, "kind": "党支部", "sector": "社区",
        "established_on": "2023-03-01"})
    assert response.status_code == 302, response.content.decode()[:2000]
    after = engine.compute(world.xiaodian, *period, keys)
    assert after["orgs.total"] == before["orgs.total"] + 1
    assert after == engine.compute_direct(world.xiaodian, *period, keys)
    response = client.post(reverse("admin:orgs_election_add"), {
        "org": Organization.objects.get(code="14010500101Z").pk, "held_on": "2018-03-01", "term_years": "3"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert engine.compute(world.xiaodian, *period, keys) == engine.compute_direct(world.xiaodian, *period, keys)
