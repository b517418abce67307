"""The `indicators` and `drill` commands as scripts and operators use them (spec/interfaces.md)."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from qingfeng.activities.models import Activity, ActivityType


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_orgs_and_members_as_json_with_keys_exactly_as_asked(world):
    out = run("indicators", "--org", "140100", "--from", "2021-05-11", "--to", "2021-05-11",
              "--only", "orgs.total,members.total", "--format", "json")
    data = json.loads(out)
    assert list(data) == ["orgs.total", "members.total"]
    # 10 organizations in the test city; 8 + 3 + 4 members.
    assert data == {"orgs.total": 10, "members.total": 15}


@pytest.mark.django_db
def test_filtered_keys_keep_their_text_and_commas_inside_brackets(world):
    out = run("indicators", "--org", "140105", "--from", "2021-05-11", "--to", "2021-05-11",
              "--only", "orgs.total[kind=党支部|党委,sector=社区],members.total[category=预备党员]")
    data = json.loads(out)
    assert data == {"orgs.total[kind=党支部|党委,sector=社区]": 3, "members.total[category=预备党员]": 0}


@pytest.mark.django_db
def test_without_only_every_unfiltered_indicator(world):
    data = json.loads(run("indicators", "--org", "140100", "--from", "2021-01-01", "--to", "2021-12-31"))
    assert "orgs.total" in data and "burden.entries" in data and "discipline.cases_filed" in data
    assert data["coverage.social"] is None  # no entities: a null rate, never 0


@pytest.mark.django_db
@pytest.mark.parametrize("only, listed", [
    ("orgs.totl", "orgs.total"),
    ("orgs.total[colour=红]", "kind, sector, level"),
    ("orgs.total[kind=支部]", "党支部"),
    ("activities.count[type=茶话会]", "主题党日"),
])
def test_unknown_ids_filters_and_values_exit_2_listing_the_valid_ones(world, only, listed):
    with pytest.raises(CommandError) as info:
        run("indicators", "--org", "140100", "--from", "2021-01-01", "--to", "2021-12-31", "--only", only)
    assert info.value.returncode == 2
    assert listed in str(info.value)


@pytest.mark.django_db
def test_table_format_shows_names(world):
    out = run("indicators", "--org", "140100", "--from", "2021-05-11", "--to", "2021-05-11",
              "--only", "orgs.total", "--format", "table")
    assert "党组织总数" in out and "10" in out


@pytest.mark.django_db
def test_drill_lists_the_activities_behind_a_count(world):
    t = ActivityType.objects.get(name="主题党日")
    Activity.objects.create(code="A1", type=t, org=world.branch_a, date=dt.date(2021, 3, 5), topic="学习")
    Activity.objects.create(code="A2", type=t, org=world.branch_o, date=dt.date(2021, 3, 5), topic="学习")
    data = json.loads(run("drill", "activities.count[type=主题党日]", "--org", "140105", "--from", "2021-03-01",
                          "--to", "2021-03-31"))
    assert data["value"] == 1
    assert [r[0] for r in data["rows"]] == ["A1"]
    csv_text = run("drill", "activities.count", "--org", "140100", "--from", "2021-03-01", "--to", "2021-03-31",
                   "--format", "csv")
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("活动编号,") and len(lines) == 3


@pytest.mark.django_db
def test_drill_of_a_rate_has_numerator_and_denominator(world):
    out = json.loads(run("drill", "orglife.compliance", "--org", "14010500101A", "--from", "2021-01-01", "--to",
                         "2021-03-31"))
    assert out["value"] == 0.0
    assert len(out["numerator"]) == 0 and len(out["denominator"]) > 0
