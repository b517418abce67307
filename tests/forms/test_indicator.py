"""burden.forms_answered: the fillings of saved forms in the period by users whose organization is in scope —
counted from what `qingfeng form fill --form` did, read back with `qingfeng indicators` and `qingfeng drill`."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from qingfeng.forms import actions
from qingfeng.forms.models import Filling
from tests.clock import TODAY
from tests.forms.helpers import indicators, run_fill, workbook, xlsx

D = dt.date
KEY = "burden.forms_answered"
Y = TODAY.year  # the pinned day's year: the fillings are dated on it


def saved_form(user, code="YBT-1", owner="140105", name="党员基本情况统计表"):
    draft = actions.check_upload(user=user, filename="统计表.xlsx",
                                 content=xlsx(workbook({"A1": "{{ org.name }}", "B1": "{{ members.total }}"})))
    return actions.save_form(user=user, draft=draft, org_code=owner, code=code, name=name)


@pytest.mark.django_db
def test_fillings_count_for_the_user_organizations_subtree_on_the_platforms_day(world, tmp_path):
    saved_form(world.district_user)
    for user, org in [("district", "140105"), ("clerk", "14010500101A"), ("clerk", "14010500101A"),
                      ("city", "140105001")]:
        code, filled, err = run_fill(tmp_path, form="YBT-1", org=org, start=D(Y, 1, 1), end=D(Y, 3, 31), user=user)
        assert code == 0, err
    # A refused filling is no answer.
    code, _filled, _err = run_fill(tmp_path, form="YBT-1", org="140106", start=D(Y, 1, 1), end=D(Y, 3, 31),
                                   user="city")
    assert code == 2
    assert Filling.objects.count() == 4 and set(Filling.objects.values_list("on", flat=True)) == {TODAY}
    year = (D(Y, 1, 1), D(Y, 12, 31))
    # By the organization of the user who asked: the clerk's two in branch A, the district's own, the city's one.
    assert indicators("14010500101A", *year, [KEY]) == {KEY: 2}
    assert indicators("140105", *year, [KEY]) == {KEY: 3}
    assert indicators("140100", *year, [KEY]) == {KEY: 4}
    assert indicators("140106", *year, [KEY]) == {KEY: 0}
    assert indicators("140100", D(Y - 1, 1, 1), TODAY - dt.timedelta(days=1), [KEY]) == {KEY: 0}
    out = StringIO()
    call_command("drill", KEY, "--org", "140105", "--from", f"{Y}-01-01", "--to", f"{Y}-12-31", "--format", "json",
                 stdout=out)
    drilled = json.loads(out.getvalue())
    assert drilled["value"] == 3 and len(drilled["rows"]) == 3
    assert {row[1] for row in drilled["rows"]} == {"YBT-1"}
