"""/indicators answers exactly what `qingfeng indicators --format json` prints for the same query,
limited to what the token's user may see; /drill what `qingfeng drill --format json` prints."""

import io
import json

import pytest
from django.core.management import call_command

from tests.api.test_writes import meeting
from tests.clock import TODAY

FROM, TO = "2020-01-01", TODAY.isoformat()


def cli(name, *args):
    out = io.StringIO()
    call_command(name, *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def figures(world, api):
    """A little data entered the way a phone would: through the API."""
    clerk = api(world.clerk)
    assert clerk.post("activities", meeting(world)).status_code == 201
    assert clerk.post("service-items", {"org": world.branch_a.code, "name": "修路灯", "committed_on": FROM,
                                        "planned_on": "2020-02-01"}).status_code == 201


@pytest.mark.parametrize("persona", ["admin", "discipline"])
def test_every_indicator_equals_the_command_line(world, api, persona):
    figures(world, api)
    response = api(world.personas[persona]).get("indicators", org="140100", **{"from": FROM, "to": TO})
    assert response.status_code == 200
    expected = cli("indicators", "--org", "140100", "--from", FROM, "--to", TO)
    assert response.json() == expected
    assert list(response.json()) == list(expected)  # same keys, same order
    assert expected["members.total"] == 15


def test_keys_with_filters_come_back_exactly_as_asked(world, api):
    figures(world, api)
    only = "members.total[category=正式党员],orgs.total,orgs.branches[sector=社区|学校]"
    got = api(world.district_user).get("indicators", org="140105", only=only, **{"from": FROM, "to": TO}).json()
    assert got == cli("indicators", "--org", "140105", "--from", FROM, "--to", TO, "--only", only)
    assert list(got) == ["members.total[category=正式党员]", "orgs.total", "orgs.branches[sector=社区|学校]"]
    assert got["orgs.branches[sector=社区|学校]"] == 3


def test_restricted_indicators_are_absent_or_forbidden_for_other_roles(world, api):
    city = api(world.city_user)
    everything = cli("indicators", "--org", "140100", "--from", FROM, "--to", TO)
    restricted = [k for k in everything if k.startswith("discipline.")]
    assert restricted
    visible = city.get("indicators", org="140100", **{"from": FROM, "to": TO}).json()
    assert visible == {k: v for k, v in everything.items() if k not in restricted}
    response = city.get("indicators", org="140100", only=f"orgs.total,{restricted[0]}", **{"from": FROM, "to": TO})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden_indicator" and restricted[0] in response.json()["message_zh"]
    allowed = api(world.discipline_user).get("indicators", org="140100", only=restricted[0], **{"from": FROM, "to": TO})
    assert allowed.status_code == 200


def test_scope_and_bad_keys(world, api):
    clerk = api(world.clerk)
    assert clerk.get("indicators", org="140105", **{"from": FROM, "to": TO}).status_code == 404
    assert clerk.get("indicators", org=world.branch_a.code, **{"from": FROM, "to": TO}).status_code == 200
    unknown = clerk.get("indicators", org=world.branch_a.code, only="orgs.nonsense", **{"from": FROM, "to": TO})
    assert unknown.status_code == 400
    error = unknown.json()
    assert error["code"] == "invalid_indicator" and "orgs.total" in error["message_zh"] and "orgs.total" in error["message_en"]
    bad_filter = clerk.get("indicators", org=world.branch_a.code, only="orgs.total[colour=red]", **{"from": FROM, "to": TO})
    assert bad_filter.status_code == 400
    backwards = clerk.get("indicators", org=world.branch_a.code, **{"from": TO, "to": FROM})
    assert backwards.status_code == 400
    assert clerk.get("indicators", org=world.branch_a.code, **{"from": "20200101", "to": TO}).status_code == 400


def test_catalog_lists_what_the_user_may_ask(world, api):
    ids = {row["id"] for row in api(world.city_user).get("indicators/catalog").json()}
    assert "orgs.total" in ids and not any(i.startswith("discipline.") for i in ids)
    rows = {row["id"]: row for row in api(world.discipline_user).get("indicators/catalog").json()}
    assert any(i.startswith("discipline.") for i in rows)
    assert "社区" in rows["orgs.total"]["filters"]["sector"]


def test_drill_equals_the_command_line_page_by_page(world, api):
    figures(world, api)
    district = api(world.district_user)
    body = district.get("drill", id="members.total", org="140105", **{"from": FROM, "to": TO}).json()
    expected = cli("drill", "members.total", "--org", "140105", "--from", FROM, "--to", TO)
    assert {k: body[k] for k in expected} == expected
    assert body["count"] == {"rows": 11} and len(body["rows"]) == 11
    second = district.get("drill", id="members.total", org="140105", page=2, page_size=5, **{"from": FROM, "to": TO})
    assert second.json()["rows"] == expected["rows"][5:10]
    assert district.get("drill", id="members.total", org="140106", **{"from": FROM, "to": TO}).status_code == 404
    assert district.get("drill", id="nothing", org="140105", **{"from": FROM, "to": TO}).status_code == 400


def test_drill_of_a_rate_has_numerator_and_denominator(world, api):
    from qingfeng.indicators.engine import REGISTRY

    rates = [i for i, ind in REGISTRY.items() if ind.kind == "rate" and not ind.restricted]
    assert len(rates) > 5
    for rate in rates:
        body = api(world.city_user).get("drill", id=rate, org="140100", **{"from": FROM, "to": TO}).json()
        expected = cli("drill", rate, "--org", "140100", "--from", FROM, "--to", TO)
        size = body["page_size"]
        # the first page of each part, and how many there are in all
        assert {k: body[k] for k in expected if k not in ("numerator", "denominator")} == {
            k: v for k, v in expected.items() if k not in ("numerator", "denominator")}, rate
        for part in ("numerator", "denominator"):
            assert body[part] == expected[part][:size], (rate, part)
            assert body["count"][part] == len(expected[part]), (rate, part)



def test_warnings_are_those_of_the_warnings_page_for_the_subtree(world, api):
    import datetime as dt

    from qingfeng.indicators.warnings import warnings_for
    from qingfeng.supervision.models import Finding

    today = TODAY
    Finding.objects.create(code="F-LATE", source="督导检查", found_on=today - dt.timedelta(days=40), org=world.branch_a,
                           description="逾期未整改", deadline=today - dt.timedelta(days=10))
    Finding.objects.create(code="F-SIB", source="督导检查", found_on=today - dt.timedelta(days=40), org=world.branch_o,
                           description="逾期未整改", deadline=today - dt.timedelta(days=10))
    # Due within the week (yellow), whatever the day: the colours' runs below have more than one page each.
    for n in range(3):
        Finding.objects.create(code=f"F-SOON{n}", source="督导检查", found_on=today - dt.timedelta(days=5),
                               org=world.branch_b, description="即将到期", deadline=today + dt.timedelta(days=n + 1))
    body = api(world.clerk).get("warnings", org=world.branch_a.code, kind="findings").json()
    assert [(w["org"], w["severity"], w["kind"]) for w in body["results"]] == [("14010500101A", "red", "findings")]
    assert body["results"][0]["url"].startswith("/")
    expected = warnings_for(world.city, today, user=world.city_user)
    city = api(world.city_user).get("warnings", org="140100", page_size=200).json()
    assert city["count"] == len(expected)
    assert [(w["kind"], w["org"], w["message"]) for w in city["results"]] == [(w.kind, w.org.code, str(w.message))
                                                                             for w in expected]
    reds = api(world.city_user).get("warnings", org="140100", severity="red", kind="findings").json()["results"]
    assert {w["org"] for w in reds} == {"14010500101A", "140106001O"}
    # A colour pages through its own run of the list: every page is the slice of the full list.
    for severity in ("red", "yellow"):
        wanted = [(w.kind, w.org.code, str(w.message)) for w in expected if w.severity == severity]
        got, page = [], 1
        while True:
            body = api(world.city_user).get("warnings", org="140100", severity=severity, page=page, page_size=2).json()
            assert body["count"] == len(wanted) and body["pages"] == -(-len(wanted) // 2)
            got += [(w["kind"], w["org"], w["message"]) for w in body["results"]]
            if page >= body["pages"]:
                break
            page += 1
        assert got == wanted and len(wanted) > 2, severity
    assert api(world.clerk).get("warnings", org="140106").status_code == 404
    assert api(world.clerk).get("warnings", org=world.branch_a.code, kind="nonsense").status_code == 400


def test_the_warning_kinds_the_api_accepts_are_those_of_the_warnings():
    """The API spells the kinds out (its schema's enum); a kind added to the warnings must be added there too."""
    from qingfeng.api.indicators import WarningKind
    from qingfeng.indicators.warnings import KINDS

    assert [k.value for k in WarningKind] == list(KINDS)
