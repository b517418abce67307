"""表彰 through its pages and the API: a decision recorded with its collectives and persons, shared by the
districts that record its honorees, seen only where its honorees are."""

import datetime as dt

from django.test import Client
from django.urls import reverse

from qingfeng.core.idnumbers import make_id_number
from qingfeng.core.models import Entry
from qingfeng.honors.models import Commendation, Honoree
from qingfeng.people.models import Person

DAY = dt.date(2021, 5, 25)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def decision(world, **extra):
    return {"code": "晋组〔2021〕12号", "name": "全省脱贫攻坚先进集体", "grantor": "中共山西省委", "grantor_level": "省级",
            "date": DAY.isoformat(), "org": world.community.code, "collectives": "", "persons": "", **extra}


def test_a_decision_with_its_collectives_and_persons(world, client_for):
    client = client_for(world.district_user)
    outsider_id = make_id_number("140105", dt.date(1975, 2, 3), 41)
    data = decision(world, collectives=f"平阳景苑社区党委\n第一党支部 {world.branch_a.code}\n",
                    persons=f"{world.members_a[0].id_number} {world.members_a[0].name}\n{outsider_id} 赵村医\n")
    response = client.post(reverse("honors:create"), data)
    assert response.status_code == 302
    c = Commendation.objects.get()
    assert (c.grantor_level, c.date) == ("省级", DAY)
    assert sorted(Honoree.objects.collectives().values_list("collective_name", "org__code")) == [
        ("平阳景苑社区党委", world.community.code), ("第一党支部", world.branch_a.code)]
    assert Honoree.objects.persons().count() == 2
    assert Person.objects.get(id_number=outsider_id).admitted_on is None  # need not be a member
    assert Entry.objects.filter(model="honors.honoree").count() == 4
    page = client.get(response["Location"]).content.decode()
    assert "平阳景苑社区党委" in page and "赵村医" in page and outsider_id not in page  # masked
    listed = client.get(reverse("honors:list")).content.decode()
    assert "全省脱贫攻坚先进集体" in listed

    # The same decision posted again changes nothing; a second district adds its own honorees to it.
    assert client.post(reverse("honors:create"), data).status_code == 302
    assert Honoree.objects.count() == 4
    other = signed_in(world.outsider)
    assert other.post(reverse("honors:create"), decision(world, org=world.branch_o.code,
                                                        collectives="柳巷社区党支部")).status_code == 302
    assert Commendation.objects.count() == 1 and Honoree.objects.count() == 5
    # Each district sees its own honorees under the shared decision, and counts only those.
    mine = client.get(reverse("honors:detail", args=[c.code])).content.decode()
    assert "柳巷社区党支部" not in mine
    theirs = other.get(reverse("honors:detail", args=[c.code])).content.decode()
    assert "柳巷社区党支部" in theirs and "赵村医" not in theirs


def test_bad_input_is_named_and_changes_nothing(world, client_for):
    client = client_for(world.district_user)
    url = reverse("honors:create")
    nobody = client.post(url, decision(world))
    assert nobody.status_code == 400 and "请至少填写一个受表彰集体或个人" in nobody.content.decode()
    sibling = client.post(url, decision(world, collectives=f"柳巷社区党支部 {world.branch_o.code}"))
    assert sibling.status_code == 400 and "第 1 行" in sibling.content.decode()
    assert "不存在或不在您的管理范围内" in sibling.content.decode()
    level = client.post(url, decision(world, grantor_level="乡级", collectives="平阳景苑社区党委"))
    assert level.status_code == 400
    future = client.post(url, decision(world, date="2099-01-01", collectives="平阳景苑社区党委"))
    assert future.status_code == 400 and "不能晚于今天" in future.content.decode()
    bad_id = client.post(url, decision(world, persons="140105197502030000 钱某"))
    assert bad_id.status_code == 400 and "第 1 行" in bad_id.content.decode()
    assert not Commendation.objects.exists() and not Honoree.objects.exists()
    client.post(url, decision(world, collectives="平阳景苑社区党委"))
    clash = client.post(url, decision(world, date="2021-05-26", collectives="平阳景苑社区党委"))
    assert clash.status_code == 400 and "不一致" in clash.content.decode()


def test_a_clerk_adds_one_honoree_and_the_leader_only_reads(world, client_for):
    client_for(world.district_user).post(reverse("honors:create"), decision(world, collectives="平阳景苑社区党委"))
    code = Commendation.objects.get().code
    clerk = signed_in(world.clerk)
    # The clerk's branch has no honoree yet: the decision does not exist for them.
    assert clerk.get(reverse("honors:detail", args=[code])).status_code == 404
    assert client_for(world.leader).get(reverse("honors:detail", args=[code])).status_code == 200
    person = world.members_a[1]
    district = signed_in(world.district_user)
    district.post(reverse("honors:add_honoree", args=[code]),
                  {"kind": "个人", "id_number": person.id_number, "name": person.name, "org": world.branch_a.code})
    assert Honoree.objects.filter(person=person, org=world.branch_a).exists()
    page = clerk.get(reverse("honors:detail", args=[code])).content.decode()
    assert person.name in page and "平阳景苑社区党委" not in page
    assert client_for(world.leader).post(reverse("honors:add_honoree", args=[code]), {
        "kind": "集体", "collective_name": "x", "org": world.branch_a.code}).status_code == 403


def test_api_lists_decisions_with_counts_in_scope(world, client_for, api):
    client_for(world.district_user).post(reverse("honors:create"), decision(
        world, collectives=f"平阳景苑社区党委\n第一党支部 {world.branch_a.code}", persons=f"{world.members_a[0].id_number} {world.members_a[0].name}"))
    client_for(world.outsider).post(reverse("honors:create"), decision(world, org=world.branch_o.code,
                                                                      collectives="柳巷社区党支部"))
    city = api(world.city_user).get("commendations").json()
    assert city["count"] == 1 and (city["results"][0]["collectives"], city["results"][0]["persons"]) == (3, 1)
    district = api(world.district_user).get("commendations").json()["results"][0]
    assert (district["collectives"], district["persons"]) == (2, 1)
    detail = api(world.outsider).get(f"commendations/{district['code']}").json()
    assert [h["name"] for h in detail["honorees"]] == ["柳巷社区党支部"]
    level = api(world.city_user).get("commendations", grantor_level="国家级").json()
    assert level["count"] == 0
    assert api(world.clerk).get(f"commendations/{district['code']}").status_code == 200
    assert api(world.clerk).get("commendations/nothing").status_code == 404
