"""GET /api/v1/forms and /api/v1/forms/{报表编号}/fill: the same forms and the same workbook as the pages."""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import quote

import openpyxl
import pytest

from qingfeng.forms.models import Filling
from tests.forms.helpers import indicators, workbook, xlsx
from tests.forms.records import publish, saved_forms


@pytest.mark.django_db
def test_the_forms_a_user_sees(world, api):
    saved_forms(world)
    listed = api(world.clerk).get("forms").json()
    assert [f["code"] for f in listed] == ["YBT-A"]
    form = listed[0]
    assert form["owner"] == {"code": "14010500101A", "name": "第一党支部"} and form["version"] == 1
    assert form["answered"] == 0 and form["hand_form_retired_on"] is None
    assert ["表1", "B2", "{{ members.total }}", "党员总数"] in form["placeholders"]
    assert [f["code"] for f in api(world.city_user).get("forms").json()] == ["YBT-A", "YBT-O"]
    assert [f["code"] for f in api(world.outsider).get("forms").json()] == ["YBT-O"]


@pytest.mark.django_db
def test_fill_answers_the_workbook_named_after_the_form(world, api):
    saved_forms(world)
    response = api(world.district_user).get("forms/YBT-A/fill", org="14010500101A", **{"from": "2026-01-01",
                                                                                      "to": "2026-03-31"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    name = "党员情况统计表A_第一党支部_20260101-20260331.xlsx"
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(name)}"
    ws = openpyxl.load_workbook(io.BytesIO(response.content))["表1"]
    expected = indicators("14010500101A", dt.date(2026, 1, 1), dt.date(2026, 3, 31), ["members.total"])
    assert (ws["A1"].value, ws["B2"].value, ws["A3"].value, ws["B3"].value) == (
        "第一党支部", expected["members.total"], "第一党支部", expected["members.total"])
    filling = Filling.objects.get()
    assert (filling.channel, filling.user, filling.user_org) == ("api", world.district_user, world.xiaodian)
    assert api(world.district_user).get("forms").json()[0]["answered"] == 1


@pytest.mark.django_db
def test_fill_refusals(world, api):
    saved_forms(world)
    district = api(world.district_user)
    period = {"from": "2026-01-01", "to": "2026-03-31"}
    assert district.get("forms/YBT-O/fill", **period).status_code == 404  # another district's form
    assert district.get("forms/YBT-A/fill", org="140106001O", **period).status_code == 404
    response = district.get("forms/YBT-A/fill", **{"from": "2026-03-31", "to": "2026-01-01"})
    assert response.status_code == 400 and response.json()["code"] == "invalid_period"
    assert district.get("forms/YBT-A/fill", version=7, **period).status_code == 404
    from qingfeng.burden import actions as register

    register.register_form(user=world.admin, org=world.city, code="JJ-1", name="警示教育统计表",
                           enabled_on=dt.date(2020, 1, 1))
    publish(world.discipline_user, xlsx(workbook({"C7": "{{ discipline.warning_sessions }}"})), owner="", code="",
            name="", existing="JJ-1")
    body = district.get("forms/JJ-1/fill", **period).json()
    assert body["code"] == "template_problems"
    assert body["message_zh"] == "表1!C7: 无权查看指标 “discipline.warning_sessions”"
    assert body["message_en"] == "表1!C7: You may not see indicator “discipline.warning_sessions”"
    assert body["errors"] == [{"loc": ["template", "表1", "C7"], "message": body["message_zh"]}]
    assert not Filling.objects.exists()
