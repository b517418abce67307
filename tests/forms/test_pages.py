"""一表通 through the pages: a district officer uploads the form they use, checks and publishes it; a branch
clerk downloads it filled for their branch; retiring the hand-kept form moves burden.forms_reduction."""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import quote

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from qingfeng.burden.models import ReportForm
from qingfeng.forms.models import Draft, Filling, Template
from tests.clock import TODAY
from tests.forms.helpers import indicators, workbook, xlsx
from tests.forms.records import district_template, publish, saved_forms, simple_template

D = dt.date


def upload(client, content: bytes, name="党组织和党员基本情况统计表.xlsx", form: str = ""):
    data = {"file": SimpleUploadedFile(name, content)}
    if form:
        data["form"] = form
    return client.post(reverse("forms:upload"), data)


@pytest.mark.django_db
def test_upload_check_preview_publish_and_the_clerk_downloads_it_filled(scene, client_for, client):
    district = client_for(scene.district_user)
    response = upload(district, district_template())
    assert response.status_code == 302
    draft_url = response["Location"]
    page = district.get(draft_url)
    assert page.status_code == 200
    html = page.content.decode()
    # What the check found, and the first sheet filled for the officer's own organization this year.
    assert "表1!D4" in html and "{{ members.total }}" in html and "党员总数" in html
    assert "中共小店区委" in html and "平阳路街道党工委" in html and "小店区实验学校党支部" in html
    assert "=SUM(D4:D5)" in html
    response = district.post(draft_url, {"org": "140105", "code": "XD-2026-01", "name": "党组织和党员基本情况统计表"})
    assert response.status_code == 302 and response["Location"] == reverse("forms:detail", args=["XD-2026-01"])
    template = Template.objects.get(form__code="XD-2026-01")
    assert template.form.org == scene.xiaodian and template.form.enabled_on == TODAY and not Draft.objects.exists()
    assert template.latest().number == 1 and ["表1", "D4", "{{ members.total }}", "党员总数"] in template.latest().placeholders

    clerk = client_for(scene.clerk)
    assert "党组织和党员基本情况统计表" in clerk.get(reverse("forms:index")).content.decode()
    detail = clerk.get(reverse("forms:detail", args=["XD-2026-01"]))
    assert detail.status_code == 200 and 'value="14010500101A"' in detail.content.decode()
    response = clerk.get(reverse("forms:fill", args=["XD-2026-01"]), {"period": "custom", "from": "2026-01-01",
                                                                       "to": "2026-05-31"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    filename = "党组织和党员基本情况统计表_第一党支部_20260101-20260531.xlsx"
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(filename)}"
    ws = openpyxl.load_workbook(io.BytesIO(response.content))["表1"]
    assert ws["B2"].value == "第一党支部"
    expected = indicators("14010500101A", D(2026, 1, 1), D(2026, 5, 31), ["orgs.total", "members.total"])
    # A branch has no children: the repeated row stays once, empty; the branch's own row below it is filled.
    assert [ws["A4"].value, ws["C4"].value] == [None, None]
    assert [ws["A6"].value, ws["C6"].value, ws["D6"].value] == ["本级", expected["orgs.total"], expected["members.total"]]
    filling = Filling.objects.get()
    assert (filling.org, filling.user, filling.user_org, filling.channel) == (scene.branch_a, scene.clerk,
                                                                               scene.branch_a, "page")
    assert "系统已生成 1 份" in clerk.get(reverse("forms:index")).content.decode()


@pytest.mark.django_db
def test_a_template_with_problems_is_refused_listing_them_and_nothing_is_kept(world, client_for):
    district = client_for(world.district_user)
    bad = workbook({"D4": "{{ x.y }}", "B3": "{{ discipline.cases_filed }}"})
    response = upload(district, xlsx(bad))
    assert response.status_code == 400
    html = response.content.decode()
    assert "表1!D4: 未知指标 “x.y”" in html and "表1!B3: 无权查看指标 “discipline.cases_filed”" in html
    assert not Draft.objects.exists()
    response = upload(district, b"PK\x03\x04 not really", name="报表.xlsx")
    assert response.status_code == 400 and "无法读取该文件" in response.content.decode()
    response = upload(district, simple_template(), name="报表.xls")
    assert response.status_code == 400 and "只接受 Excel 工作簿" in response.content.decode()


@pytest.mark.django_db
def test_publishing_to_an_existing_register_entry_and_refusals(world, client_for):
    from qingfeng.burden import actions as register

    register.register_form(user=world.admin, org=world.xiaodian, code="XD-OLD", name="党员统计表",
                           enabled_on=D(2019, 3, 1))
    register.register_form(user=world.admin, org=world.yingze, code="YZ-OLD", name="迎泽统计表",
                           enabled_on=D(2019, 3, 1))
    district = client_for(world.district_user)
    draft_url = upload(district, simple_template())["Location"]
    # Another district's register entry, a new entry without its fields: refused, the draft stays.
    response = district.post(draft_url, {"existing": "YZ-OLD"})
    assert response.status_code == 400 and "YZ-OLD" in response.content.decode()
    response = district.post(draft_url, {"code": "XD-NEW"})
    assert response.status_code == 400 and "登记新报表时必须填写" in response.content.decode()
    response = district.post(draft_url, {"org": "140106", "code": "XD-NEW", "name": "新表"})
    assert response.status_code == 400 and not Template.objects.exists()
    response = district.post(draft_url, {"existing": "XD-OLD"})
    assert response.status_code == 302
    template = Template.objects.get()
    assert template.form.code == "XD-OLD" and ReportForm.objects.count() == 2
    # The same entry cannot get a second template: a new version goes through the form's page.
    draft_url = upload(district, simple_template())["Location"]
    response = district.post(draft_url, {"existing": "XD-OLD"})
    assert response.status_code == 400 and "已有模板" in response.content.decode()


@pytest.mark.django_db
def test_retiring_the_hand_kept_form_moves_the_reduction_rate(world, client_for):
    from qingfeng.burden import actions as register

    for n in range(4):
        register.register_form(user=world.admin, org=world.xiaodian, code=f"XD-{n}", name=f"手工报表{n}",
                               enabled_on=D(2019, 3, 1))
    publish(world.district_user, simple_template(), owner="", code="", name="", existing="XD-0")
    year = (D(TODAY.year, 1, 1), TODAY)
    keys = ["burden.forms_active", "burden.forms_reduction"]
    assert indicators("140105", *year, keys) == {"burden.forms_active": 4, "burden.forms_reduction": 0.0}
    clerk = client_for(world.clerk)  # the clerk sees the district's form but may not change it
    assert clerk.post(reverse("forms:retire", args=["XD-0"])).status_code == 403
    district = client_for(world.district_user)
    response = district.post(reverse("forms:retire", args=["XD-0"]))
    assert response.status_code == 302
    entry = ReportForm.objects.get(code="XD-0")
    assert (entry.retired_on, entry.retire_reason) == (TODAY, "由系统生成")
    assert indicators("140105", *year, keys) == {"burden.forms_active": 3, "burden.forms_reduction": 25.0}
    page = district.get(reverse("forms:index")).content.decode()
    assert "手工报表已停用" in page
    # The form is still answered by the platform after its hand-kept form is gone.
    assert district.get(reverse("forms:fill", args=["XD-0"])).status_code == 200
    # Retiring twice is refused with the reason.
    response = district.post(reverse("forms:retire", args=["XD-0"]), follow=True)
    assert "已于" in response.content.decode()


@pytest.mark.django_db
def test_a_new_version_is_used_by_the_next_download_and_old_ones_stay(world, client_for):
    forms = saved_forms(world)
    code = forms["own"].code
    clerk = client_for(world.clerk)
    v2 = xlsx(workbook({"A1": "{{ org.code }}", "B1": "{{ orgs.branches }}"}))
    draft_url = upload(clerk, v2, form=code)["Location"]
    response = clerk.post(draft_url)
    assert response.status_code == 302
    assert list(Template.objects.get(form__code=code).versions.values_list("number", flat=True)) == [1, 2]
    latest = openpyxl.load_workbook(io.BytesIO(clerk.get(reverse("forms:fill", args=[code])).content))["表1"]
    assert (latest["A1"].value, latest["B1"].value) == ("14010500101A", 1)
    first = clerk.get(reverse("forms:fill", args=[code]), {"version": 1})
    assert openpyxl.load_workbook(io.BytesIO(first.content))["表1"]["A1"].value == "第一党支部"
    blank = clerk.get(reverse("forms:template", args=[code, 1]))
    assert openpyxl.load_workbook(io.BytesIO(blank.content))["表1"]["A1"].value == "{{ org.name }}"
    assert clerk.get(reverse("forms:fill", args=[code]), {"version": 9}).status_code == 404
    # The district sees the branch's form and may fill it for the branch, not for the district above it.
    district = client_for(world.district_user)
    assert district.get(reverse("forms:fill", args=[code]), {"org": "140105"}).status_code == 404
    assert district.get(reverse("forms:fill", args=[code]), {"org": "14010500101A"}).status_code == 200


@pytest.mark.django_db
def test_fill_choices_and_bad_periods(world, client_for):
    forms = saved_forms(world)
    code = forms["own"].code
    clerk = client_for(world.clerk)
    response = clerk.get(reverse("forms:fill", args=[code]), {"period": "last_year"})
    filling = Filling.objects.get()
    assert response.status_code == 200 and (filling.start, filling.end) == (D(TODAY.year - 1, 1, 1),
                                                                             D(TODAY.year - 1, 12, 31))
    response = clerk.get(reverse("forms:fill", args=[code]), {"period": "q1"})
    assert (Filling.objects.latest("pk").start, Filling.objects.latest("pk").end) == (D(TODAY.year, 1, 1),
                                                                                      D(TODAY.year, 3, 31))
    response = clerk.get(reverse("forms:fill", args=[code]), {"period": "custom", "from": "2026-05-01", "to": "2026-01-01"})
    assert response.status_code == 400 and "开始日期不能晚于结束日期" in response.content.decode()
    response = clerk.get(reverse("forms:fill", args=[code]), {"period": "custom", "from": "2026-05-01"})
    assert response.status_code == 400 and "自定义期间须填写开始日期和结束日期" in response.content.decode()
    assert Filling.objects.count() == 2


@pytest.mark.django_db
def test_a_form_with_a_discipline_figure_is_refused_for_those_who_may_not_see_it(world, client_for):
    from qingfeng.burden import actions as register

    register.register_form(user=world.admin, org=world.city, code="JJ-1", name="警示教育统计表", enabled_on=D(2020, 1, 1))
    content = xlsx(workbook({"A1": "{{ org.name }}", "B2": "{{ discipline.warning_sessions }}"}))
    publish(world.discipline_user, content, owner="", code="", name="", existing="JJ-1")
    district = client_for(world.district_user)
    response = district.get(reverse("forms:fill", args=["JJ-1"]))
    assert response.status_code == 400 and "表1!B2: 无权查看指标 “discipline.warning_sessions”" in response.content.decode()
    assert not Filling.objects.exists()
    assert client_for(world.discipline_user).get(reverse("forms:fill", args=["JJ-1"])).status_code == 200


@pytest.mark.django_db
def test_the_pages_in_english(world, client_for):
    saved_forms(world)
    clerk = client_for(world.clerk)
    clerk.cookies["django_language"] = "en"
    html = clerk.get(reverse("forms:index")).content.decode()
    assert "Forms filled by the platform" in html and "One-form service" in html
    html = clerk.get(reverse("forms:detail", args=[saved_forms(world)["own"].code])).content.decode()
    assert "Download the filled form" in html and "{{ members.total }}" in html and "Party members" in html
    bad = xlsx(workbook({"D4": "{{ x.y }}"}))
    response = clerk.post(reverse("forms:upload"), {"file": SimpleUploadedFile("f.xlsx", bad)})
    assert "表1!D4: Unknown indicator “x.y”" in response.content.decode()


@pytest.mark.django_db
def test_the_preview_lists_the_first_organizations_of_a_repeated_row_the_download_all(world, client_for, monkeypatch):
    from qingfeng.forms import views

    monkeypatch.setattr(views, "PREVIEW_REPEATS", 2)
    city = client_for(world.city_user)
    page = city.get(upload(city, simple_template())["Location"]).content.decode()
    # Branches of the city in 组织编码 order: A, B, then the school and O — only the first two previewed.
    assert "第一党支部" in page and "第二党支部" in page
    assert "小店区实验学校党支部" not in page and "柳巷社区党支部" not in page
    assert "最多列出 2 个组织" in page


@pytest.mark.django_db
def test_a_template_larger_than_a_form_is_refused_as_it_arrives(world, client_for):
    district = client_for(world.district_user)
    response = upload(district, b"PK" + b"\0" * (5 * 1024 * 1024 + 512 * 1024), name="大表.xlsx")
    assert response.status_code == 400 and "文件过大：模板不能超过 5 MB" in response.content.decode()
    # A body declared far larger is refused before it is read.
    assert upload(district, b"PK" + b"\0" * (8 * 1024 * 1024), name="更大.xlsx").status_code == 413
    assert not Draft.objects.exists()
