"""学历提升 through its pages and the API: enrollments of cadres (members or not), graduation, the summary by
organization."""

import datetime as dt

from django.test import Client
from django.urls import reverse

from qingfeng.core.idnumbers import make_id_number
from qingfeng.core.models import Entry
from qingfeng.education.models import DegreeStudy
from tests.clock import TODAY


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def row_numbers(table: str, name: str) -> list[int]:
    import re

    row = table.split(name, 1)[1].split("</tr>")[0]
    return [int(n) for n in re.findall(r'qf-num">(?:<a href="[^"]*">)?(\d+)', row)]


def enrollment(world, **extra):
    return {"id_number": make_id_number("140105", dt.date(1985, 4, 5), 61), "name": "孙村干", "org": world.community.code,
            "level": "大专", "enrolled_on": "2018-09-01", "graduated_on": "", **extra}


def test_an_enrollment_then_its_graduation(world):
    district = signed_in(world.district_user)
    response = district.post(reverse("education:create"), enrollment(world))
    assert response.status_code == 302
    study = DegreeStudy.objects.get()
    assert (study.person.name, study.org, study.level, study.graduated_on) == ("孙村干", world.community, "大专", None)
    assert study.person.admitted_on is None and Entry.objects.filter(model="education.degreestudy").count() == 1
    # Recording the same enrollment again changes nothing.
    assert district.post(reverse("education:create"), enrollment(world)).status_code == 302
    assert DegreeStudy.objects.count() == 1
    graduate = reverse("education:graduate", args=[study.pk])
    district.post(graduate, {"on": "2018-08-01"})
    study.refresh_from_db()
    assert study.graduated_on is None
    page = district.get(reverse("education:detail", args=[study.pk]))
    assert "毕业日期不能早于入学日期" in page.content.decode()
    district.post(graduate, {"on": "2021-07-01"})
    study.refresh_from_db()
    assert study.graduated_on == dt.date(2021, 7, 1)
    listed = district.get(reverse("education:list"), {"status": "graduated"}).content.decode()
    assert "孙村干" in listed
    assert "孙村干" not in district.get(reverse("education:list"), {"status": "studying"}).content.decode()
    # The person, not a member, is now known to the district: a second enrollment reuses them.
    assert district.post(reverse("education:create"), enrollment(world, level="本科", enrolled_on="2021-09-01")
                         ).status_code == 302
    assert DegreeStudy.objects.filter(person=study.person).count() == 2


def test_bad_input_is_named_and_changes_nothing(world):
    district = signed_in(world.district_user)
    url = reverse("education:create")
    cases = [
        (enrollment(world, enrolled_on=(TODAY + dt.timedelta(days=1)).isoformat()), "入学日期不能晚于今天"),
        (enrollment(world, graduated_on="2017-01-01"), "毕业日期不能早于入学日期"),
        (enrollment(world, org=world.branch_o.code), "不存在或不在您的管理范围内"),
        (enrollment(world, id_number="140105198504050000"), "校验"),
        (enrollment(world, level="博士"), "博士"),
    ]
    for data, reason in cases:
        response = district.post(url, data)
        assert response.status_code == 400 and reason in response.content.decode(), reason
    assert not DegreeStudy.objects.exists()
    district.post(url, enrollment(world))
    clash = district.post(url, enrollment(world, level="本科"))
    assert clash.status_code == 400 and "已有一条学历提升记录" in clash.content.decode()
    assert signed_in(world.leader).post(url, enrollment(world)).status_code == 403


def test_summary_by_organization_and_scope(world):
    district = signed_in(world.district_user)
    for i, (org, day) in enumerate(((world.community, "2018-09-01"), (world.branch_a, "2019-09-01"),
                                    (world.school, "2019-09-01"))):
        district.post(reverse("education:create"), enrollment(
            world, id_number=make_id_number("140105", dt.date(1980, 1, 1), 70 + i), name=f"学员{i}", org=org.code,
            enrolled_on=day, graduated_on="2021-07-01" if i == 0 else ""))
    summary = district.get(reverse("education:by_org")).content.decode().split("data-by-org")[1]
    # 小店区委's children: the street (two enrollments below it, one graduated) and the school (one).
    assert row_numbers(summary, world.street.name) == [2, 2, 1, 1]  # enrolled, persons, graduated, studying
    assert row_numbers(summary, world.school.name) == [1, 1, 0, 1]
    assert world.school.name in summary
    year = district.get(reverse("education:by_org"), {"year": "2019", "org": world.street.code}).content.decode()
    assert world.community.name in year
    clerk = signed_in(world.clerk)
    assert "学员0" not in clerk.get(reverse("education:list")).content.decode()
    assert "学员1" in clerk.get(reverse("education:list")).content.decode()
    outside = clerk.get(reverse("education:by_org"), {"org": world.branch_o.code})
    assert outside.status_code == 200 and "学员" not in outside.content.decode()


def test_api_lists_enrollments_in_scope(world, api):
    district = signed_in(world.district_user)
    district.post(reverse("education:create"), enrollment(world))
    district.post(reverse("education:create"), enrollment(
        world, id_number=make_id_number("140105", dt.date(1980, 1, 1), 81), name="周学员", org=world.branch_a.code,
        level="本科", enrolled_on="2020-03-01", graduated_on="2022-07-01"))
    body = api(world.city_user).get("degree-studies").json()
    assert body["count"] == 2 and "*" in body["results"][0]["id_number"]
    assert api(world.city_user).get("degree-studies", graduated="true").json()["count"] == 1
    assert api(world.city_user).get("degree-studies", level="大专", start="2018-01-01", end="2018-12-31"
                                    ).json()["count"] == 1
    assert api(world.clerk).get("degree-studies").json()["count"] == 1
    assert api(world.outsider).get("degree-studies").json()["count"] == 0
    pk = DegreeStudy.objects.get(person__name="孙村干").pk
    assert api(world.clerk).get(f"degree-studies/{pk}").status_code == 404
    assert api(world.district_user).get(f"degree-studies/{pk}").json()["level"] == "大专"
