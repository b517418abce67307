"""The member list, a person's page and the transfer of a member, through HTTP."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qingfeng.activities.models import Lecturer, LectureTeam
from qingfeng.core.models import Entry
from qingfeng.grassroots.models import Assignment
from qingfeng.people.models import CadreLevelRecord, Category, EndReason, Person, Relation, RelationVia
from tests.clock import TODAY
from tests.world import member


def listed(html: str) -> list[str]:
    """Names in the member table, in order."""
    body = re.search(r'data-table="members".*?</table>', html, re.S)
    return re.findall(r'href="/people/\d+/">([^<]+)</a>', body.group(0)) if body else []


def test_member_list_shows_only_the_users_subtree(world, client_for):
    html = client_for(world.clerk).get(reverse("people:list")).content.decode()
    assert sorted(listed(html)) == sorted(p.name for p in world.members_a)
    html = client_for(world.city_user).get(reverse("people:list")).content.decode()
    assert len(listed(html)) == 15
    html = client_for(world.outsider).get(reverse("people:list")).content.decode()
    assert sorted(listed(html)) == sorted(p.name for p in world.members_o)


def test_member_list_filters(world, client_for):
    probationer = member("戊预备", world.branch_b, category=Category.PROBATIONARY)
    cadre = member("己县管", world.branch_a, cadre_level="县管")
    client = client_for(world.district_user)
    url = reverse("people:list")
    assert sorted(listed(client.get(url, {"org": "14010500101B"}).content.decode())) == ["乙0", "乙1", "乙2", "戊预备"]
    assert listed(client.get(url, {"category": "预备党员"}).content.decode()) == ["戊预备"]
    assert listed(client.get(url, {"cadre_level": "县管"}).content.decode()) == ["己县管"]
    assert listed(client.get(url, {"q": "甲3"}).content.decode()) == ["甲3"]
    by_id = client.get(url, {"q": cadre.id_number[:17]}).content.decode()
    assert listed(by_id) == ["己县管"]
    both = client.get(url, {"org": "14010500101A", "cadre_level": "县管"}).content.decode()
    assert listed(both) == ["己县管"]
    assert probationer.name not in listed(client.get(url, {"org": "14010500101A"}).content.decode())


def test_filtering_by_an_organization_outside_the_scope_is_refused_in_chinese(world, client_for):
    html = client_for(world.clerk).get(reverse("people:list"), {"org": "140106001O"}).content.decode()
    assert "不在您的管辖范围内" in html
    assert listed(html) == []
    html = client_for(world.clerk).get(reverse("people:list"), {"org": "14010500101B"}).content.decode()
    assert "不在您的管辖范围内" in html and listed(html) == []


def test_member_list_pages_keep_the_filters(world, client_for):
    for i in range(55):
        member(f"庚{i:02d}", world.branch_a)
    client = client_for(world.clerk)
    first = client.get(reverse("people:list"), {"q": "庚"}).content.decode()
    assert len(listed(first)) == 50
    next_link = re.search(r'href="\?([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    assert "q=%E5%BA%9A" in next_link and "page=2" in next_link
    second = client.get(reverse("people:list") + "?" + next_link).content.decode()
    assert len(listed(second)) == 5
    assert not set(listed(first)) & set(listed(second))


def test_member_list_masks_id_numbers_and_phones(world, client_for):
    person = world.members_a[0]
    Person.objects.filter(pk=person.pk).update(phone="13912345678")
    html = client_for(world.clerk).get(reverse("people:list")).content.decode()
    assert person.id_number not in html and person.masked_id in html
    assert "13912345678" not in html and "139****5678" in html


def test_member_list_costs_the_same_queries_for_ten_or_fifty_rows(world, client_for):
    client = client_for(world.clerk)
    client.get(reverse("people:list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("people:list"))
    for i in range(42):
        member(f"辛{i:02d}", world.branch_a)
    with CaptureQueriesContext(connection) as many:
        html = client.get(reverse("people:list")).content.decode()
    assert len(listed(html)) == 50
    assert len(many.captured_queries) == len(few.captured_queries)


def test_export_gives_the_filtered_rows_in_the_import_format(world, client_for):
    openpyxl = pytest.importorskip("openpyxl")
    client = client_for(world.district_user)
    page = client.get(reverse("people:list"), {"org": "14010500101B"}).content.decode()
    assert "export=xlsx" in page and "export=csv" in page
    response = client.get(reverse("people:list"), {"org": "14010500101B", "export": "xlsx"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming
                                              else response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    names = sorted(r[rows[0].index("姓名")] for r in rows[1:])
    assert names == ["乙0", "乙1", "乙2"]
    csv_text = client.get(reverse("people:list"), {"q": "甲1", "export": "csv"}).content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("姓名") and len(csv_text.strip().splitlines()) == 2


def test_person_page_shows_membership_and_every_kind_of_history(world, client_for):
    person = world.members_a[0]
    CadreLevelRecord.objects.create(person=person, level="县管", since=dt.date(2019, 3, 1))
    Assignment.objects.create(person=person, role="第一书记", org=world.branch_b, start_on=dt.date(2021, 5, 1))
    team = LectureTeam.objects.create(code="XJ-1", name="平阳宣讲小分队", org=world.community)
    Lecturer.objects.create(team=team, person=person, joined_on=dt.date(2022, 1, 1))
    html = client_for(world.district_user).get(reverse("people:detail", args=[person.pk])).content.decode()
    assert person.masked_id in html and person.id_number not in html
    assert "正式党员" in html and "2010-01-01" in html
    assert "第一党支部" in html
    assert "2019-03-01" in re.search(r'data-table="cadre-levels".*?</table>', html, re.S).group(0)
    assert "第一书记" in re.search(r'data-table="assignments".*?</table>', html, re.S).group(0)
    assert "平阳宣讲小分队" in re.search(r'data-table="lecturer-roles".*?</table>', html, re.S).group(0)
    assert reverse("people:transfer", args=[person.pk]) in html


def test_leaders_read_a_person_but_get_no_transfer_button(world, client_for):
    person = world.members_a[0]
    html = client_for(world.leader).get(reverse("people:detail", args=[person.pk])).content.decode()
    assert person.name in html
    assert reverse("people:transfer", args=[person.pk]) not in html


def test_a_clerk_cannot_reach_a_member_of_a_sibling_branch_by_any_url(world, client_for):
    client = client_for(world.clerk)
    for person in (world.members_b[0], world.members_o[0]):
        assert client.get(reverse("people:detail", args=[person.pk])).status_code == 404
        assert client.get(reverse("people:transfer", args=[person.pk])).status_code == 404
        response = client.post(reverse("people:transfer", args=[person.pk]),
                               {"to_org": "14010500101A", "on": "2024-01-01"})
        assert response.status_code == 404
        assert listed(client.get(reverse("people:list"), {"q": person.name}).content.decode()) == []
    assert client.get(reverse("people:detail", args=[999999])).status_code == 404
    assert client.get("/people/abc/").status_code == 404


def test_transfer_moves_the_member_and_keeps_history(world, client_for):
    person = world.members_a[1]
    client = client_for(world.district_user)
    form = client.get(reverse("people:transfer", args=[person.pk])).content.decode()
    assert "第一党支部" in form
    response = client.post(reverse("people:transfer", args=[person.pk]),
                           {"to_org": "14010500101B", "on": "2024-03-15", "note": "工作调动"})
    assert response.status_code == 302 and response["Location"] == reverse("people:detail", args=[person.pk])
    person.refresh_from_db()
    assert person.org == world.branch_b
    old, new = person.relations.order_by("start_on")
    assert (old.org, old.end_on, old.end_reason) == (world.branch_a, dt.date(2024, 3, 15), EndReason.TRANSFER)
    assert (new.org, new.start_on, new.end_on, new.via, new.from_org, new.note) == (
        world.branch_b, dt.date(2024, 3, 15), None, RelationVia.TRANSFER, world.branch_a, "工作调动")
    assert Entry.objects.filter(model="people.relation", object_id=new.pk, channel="page",
                                user=world.district_user, org=world.branch_b).exists()
    html = client.get(response["Location"]).content.decode()
    assert "已将" in html  # the success message
    history = re.search(r'data-table="relations".*?</table>', html, re.S).group(0)
    assert history.count("<tr") == 3 and "2024-03-15" in history and "转接" in history
    # The member now counts in branch B and no longer in branch A — and the clerk of A has lost them.
    assert person.name in listed(client.get(reverse("people:list"), {"org": "14010500101B"}).content.decode())
    assert client_for(world.clerk).get(reverse("people:detail", args=[person.pk])).status_code == 404


@pytest.mark.parametrize("body, reason", [
    ({"to_org": "14010500101A", "on": "2024-03-15"}, "转入组织与当前组织相同"),
    ({"to_org": "14010500101B", "on": "2015-01-01"}, "转接日期必须晚于当前组织关系的开始日期"),
    ({"to_org": "14010500101B", "on": "2014-12-31"}, "转入组织在该日期不存在或已撤销"),
    ({"to_org": "140106001O", "on": "2024-03-15"}, "不在您的管辖范围内"),
    ({"to_org": "NOPE", "on": "2024-03-15"}, "不存在"),
    ({"to_org": "14010500101B", "on": "2024-13-01"}, "日期"),
    ({"to_org": "", "on": "2024-03-15"}, "这个字段是必填项"),
])
def test_a_bad_transfer_is_refused_with_a_reason_and_changes_nothing(world, client_for, body, reason):
    person = world.members_a[2]
    before = list(Relation.objects.order_by("id").values_list("id", "org", "end_on"))
    response = client_for(world.district_user).post(reverse("people:transfer", args=[person.pk]), body)
    assert response.status_code == 200
    assert reason in response.content.decode()
    person.refresh_from_db()
    assert person.org == world.branch_a
    assert list(Relation.objects.order_by("id").values_list("id", "org", "end_on")) == before
    assert not Entry.objects.filter(model="people.relation").exists()


def test_a_transfer_dated_in_the_future_is_refused(world, client_for):
    tomorrow = TODAY + dt.timedelta(days=1)
    response = client_for(world.district_user).post(reverse("people:transfer", args=[world.members_a[3].pk]),
                                                    {"to_org": "14010500101B", "on": tomorrow.isoformat()})
    assert "转接日期不能晚于今天" in response.content.decode()
    assert Person.objects.get(pk=world.members_a[3].pk).org == world.branch_a


def test_read_only_roles_cannot_transfer(world, client_for):
    person = world.members_a[4]
    for user in (world.leader, world.discipline_user):
        response = client_for(user).post(reverse("people:transfer", args=[person.pk]),
                                         {"to_org": "14010500101B", "on": "2024-03-15"})
        assert response.status_code == 403
    assert Person.objects.get(pk=person.pk).org == world.branch_a



def test_admin_pages_of_orgs_and_people_render_for_the_platform_admin(world, client_for):
    client = client_for(world.admin)
    for model in ("orgs_organization", "orgs_election", "people_person", "people_relation", "people_cadrelevelrecord"):
        assert client.get(reverse(f"admin:{model}_changelist")).status_code == 200, model
    for model in ("orgs_organization", "orgs_election", "people_person"):
        assert client.get(reverse(f"admin:{model}_add")).status_code == 200, model
    page = client.get(reverse("admin:people_person_change", args=[world.members_a[0].pk])).content.decode()
    assert "第一党支部" in page  # the relation history, read-only inline


def test_adding_a_person_in_the_admin_opens_their_relation_history(world, client_for):
    from qingfeng.core.idnumbers import make_id_number

    client = client_for(world.admin)
    id_number = make_id_number("140105", dt.date(1990, 2, 3), 777)
    form = {"name": "壬新", "id_number": id_number, "gender": "男", "birth_date": "1990-02-03", "category": "正式党员",
            "admitted_on": "2016-07-01", "full_on": "2017-07-01", "org": world.branch_b.pk, "cadre_level": "无",
            "relations-TOTAL_FORMS": "0", "relations-INITIAL_FORMS": "0"}
    bad = client.post(reverse("admin:people_person_add"), {**form, "birth_date": "1991-02-03"})
    assert "出生日期与公民身份号码不一致" in bad.content.decode()
    assert not Person.objects.filter(id_number=id_number).exists()
    response = client.post(reverse("admin:people_person_add"), form)
    assert response.status_code == 302
    person = Person.objects.get(id_number=id_number)
    relation = person.relations.get()
    assert (relation.org, relation.start_on, relation.via) == (world.branch_b, dt.date(2016, 7, 1), RelationVia.TRANSFER_IN)
    assert Entry.objects.filter(model="people.relation", object_id=relation.pk, channel="page").exists()


def test_the_person_page_offers_unmasking_to_permitted_roles_only(world, client_for):
    from django.urls import reverse

    member = world.members_a[0]
    url = reverse("people:detail", args=[member.pk])
    body = client_for(world.clerk).get(url).content.decode()
    assert reverse("audit:unmask", args=[member.pk]) in body and member.id_number not in body
    leader_body = client_for(world.leader).get(url).content.decode()
    assert reverse("audit:unmask", args=[member.pk]) not in leader_body and member.masked_id in leader_body
