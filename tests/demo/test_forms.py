"""一表通 in the demo city: three forms published from 140100 and 140105, answered by the platform since their
hand-kept versions were retired, and each downloads filled — with the figures of `qingfeng indicators`."""

import datetime as dt
import io
import json
from io import StringIO

import openpyxl
from django.core.management import call_command
from django.urls import reverse

from qingfeng.burden.models import RetireReason
from qingfeng.forms.models import Template
from qingfeng.orgs.models import Organization
from tests.demo.conftest import DEMO_PASSWORD

Y = ("2020-05-12", "2021-05-11")


def indicators(org: str, start: str, end: str, keys: list[str]) -> dict:
    out = StringIO()
    call_command("indicators", "--org", org, "--from", start, "--to", end, "--only", ",".join(keys), "--format", "json",
                 stdout=out)
    return json.loads(out.getvalue())


def test_three_forms_published_from_the_city_and_xiaodian_and_answered(demo_city, db):
    templates = list(Template.objects.select_related("form__org").order_by("form__code"))
    assert sorted(t.form.org.code for t in templates) == ["140100", "140105", "140105"]
    for t in templates:
        # Answered by the platform since the day the hand-kept form was retired (由系统生成).
        assert t.form.retire_reason == RetireReason.GENERATED and t.form.retired_on is not None
        assert t.fillings.exists() and not t.fillings.filter(on__lte=t.form.retired_on).exists()
        assert not t.fillings.filter(on__gt=dt.date(2021, 5, 11)).exists()
    answered = indicators("140100", *Y, ["burden.forms_answered"])["burden.forms_answered"]
    assert answered == sum(t.fillings.filter(on__gte=dt.date(2020, 5, 12)).count() for t in templates) > 0
    # Answered by 小店区's own organizations for 小店区's forms: they count in 140105's subtree.
    assert indicators("140105", *Y, ["burden.forms_answered"])["burden.forms_answered"] > 0


def test_the_district_downloads_its_branch_form_filled_and_the_figures_agree(demo_city, db, client):
    orglife = Template.objects.get(form__org__code="140105", versions__filename__startswith="三会一课")
    assert client.login(username="xiaodian", password=DEMO_PASSWORD)
    street = Organization.objects.filter(parent__code="140105", level="乡镇(街道)").order_by("code").first()
    response = client.get(reverse("forms:fill", args=[orglife.code]),
                          {"org": street.code, "period": "custom", "from": "2021-01-01", "to": "2021-03-31"})
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    branches = list(Organization.objects.within(street).branches().active_on(dt.date(2021, 3, 31)).order_by("code"))
    assert len(branches) > 1
    keys = ["members.total", "orglife.compliance", "orglife.theme_day_compliance", "orglife.missing", "activities.count"]
    for n, branch in enumerate(branches[:5]):
        row = 4 + n
        now = indicators(branch.code, "2021-01-01", "2021-03-31", keys)
        before = indicators(branch.code, "2020-01-01", "2020-03-31", ["orglife.compliance"])
        assert [ws.cell(row, c).value for c in range(1, 9)] == [
            branch.name, branch.code, now["members.total"], now["orglife.compliance"], before["orglife.compliance"],
            now["orglife.theme_day_compliance"], now["orglife.missing"], now["activities.count"]]
    total_row = 4 + len(branches)
    assert ws.cell(total_row, 1).value == "合计" and ws.cell(total_row, 3).value == f"=SUM(C4:C{total_row - 1})"


def test_every_demo_form_fills_for_the_branch_clerk(demo_city, db, client):
    assert client.login(username="branch", password=DEMO_PASSWORD)
    page = client.get(reverse("forms:index")).content.decode()
    for template in Template.objects.all():
        assert template.code in page
        response = client.get(reverse("forms:fill", args=[template.code]), {"period": "year"})
        assert response.status_code == 200, template.code
