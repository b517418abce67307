"""The cockpit page: the figures equal `qingfeng indicators`, scope decides what can be asked, restricted
figures appear only for discipline roles, and the chart data carries each bar's drill-through link."""

import io
import json
import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.management import call_command
from django.urls import reverse

from qingfeng.cockpit import dashboard
from tests.cockpit import scene

PERIOD = {"from": "2021-01-01", "to": "2021-06-30"}


@pytest.fixture
def city(world):
    scene.build(world)
    return world


def cli_values(code, keys, start="2021-01-01", end="2021-06-30"):
    out = io.StringIO()
    call_command("indicators", "--org", code, "--from", start, "--to", end, "--only", ",".join(keys),
                 "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def shown(page, key):
    match = re.search(rf'data-figure="{re.escape(key)}">([^<]+)<', page)
    return match.group(1) if match else None


def as_text(value, key):
    from qingfeng.indicators.figures import fmt

    return fmt(value, key)


def chart_data(page):
    return json.loads(re.search(r'<script id="cockpit-data" type="application/json">(.*?)</script>', page, re.S).group(1))


def test_the_leader_reads_the_city_cockpit_and_every_figure_equals_the_cli(city, client):
    client.force_login(city.leader)
    response = client.get(reverse("cockpit:cockpit"), PERIOD)
    assert response.status_code == 200
    page = response.content.decode()
    keys = dashboard.visible_keys(dashboard.HEADLINE_KEYS, city.leader)
    expected = cli_values("140100", keys)
    for key in keys:
        assert shown(page, key) == as_text(expected[key], key), key
    assert expected["activities.count"] == 27 and shown(page, "activities.count") == "27"
    # Discipline figures are not on a leader's cockpit at all.
    assert "discipline." not in page


def test_the_discipline_officer_also_sees_discipline_figures(city, client):
    client.force_login(city.discipline_user)
    page = client.get(reverse("cockpit:cockpit"), PERIOD).content.decode()
    assert shown(page, "discipline.warning_sessions") == "1"
    compare = chart_data(page)["compare"]
    assert "discipline.warning_sessions" in [s["key"] for s in compare["series"]]


def test_child_comparison_and_trend_data_match_the_cli(city, client):
    client.force_login(city.city_user)
    data = chart_data(client.get(reverse("cockpit:cockpit"), PERIOD).content.decode())
    assert data["compare"]["orgs"] == ["中共小店区委", "中共迎泽区委"]
    series = {s["key"]: s for s in data["compare"]["series"]}
    for i, code in enumerate(["140105", "140106"]):
        expected = cli_values(code, list(series))
        for key, s in series.items():
            assert s["values"][i] == expected[key], (code, key)
    assert series["orglife.compliance"]["values"] == [33.3, 100.0]
    trend = data["trend"]
    assert trend["months"] == ["2021-01", "2021-02", "2021-03", "2021-04", "2021-05", "2021-06"]
    activities = next(s for s in trend["series"] if s["key"] == "activities.count")
    monthly = [cli_values("140100", ["activities.count"], f"2021-{m:02d}-01", end)["activities.count"]
               for m, end in zip(range(1, 7), ["2021-01-31", "2021-02-28", "2021-03-31", "2021-04-30", "2021-05-31",
                                                "2021-06-30"], strict=True)]
    assert activities["values"] == monthly and sum(monthly) == 27
    gauges = {g["key"]: g for g in data["gauges"]}
    assert gauges["rectify.on_time_rate"]["value"] == 50.0


def test_every_bar_and_figure_links_to_its_drill_through(city, client):
    try:
        reverse("indicators:drill")
    except Exception:
        pytest.skip("the drill-through page (indicators:drill) is not there yet")
    client.force_login(city.city_user)
    page = client.get(reverse("cockpit:cockpit"), PERIOD).content.decode()
    data = chart_data(page)
    found = next(s for s in data["compare"]["series"] if s["key"] == "rectify.found")
    query = parse_qs(urlparse(found["urls"][0]).query)
    assert query == {"key": ["rectify.found"], "org": ["140105"], "from": ["2021-01-01"], "to": ["2021-06-30"],
                     "start": ["2021-01-01"], "end": ["2021-06-30"]}
    # The link opens the records behind the bar.
    drill = client.get(found["urls"][0]).content.decode()
    assert "F1" in drill and "F2" in drill
    june = next(s for s in data["trend"]["series"] if s["key"] == "activities.count")["urls"][-1]
    assert parse_qs(urlparse(june).query)["from"] == ["2021-06-01"]
    assert re.search(r'<a href="[^"]*drill[^"]*key=members.total[^"]*" data-figure="members.total">', page)


def test_a_district_user_gets_their_district_and_no_other(city, client):
    client.force_login(city.district_user)
    page = client.get(reverse("cockpit:cockpit"), PERIOD).content.decode()
    assert "中共小店区委" in page and shown(page, "orgs.total") == "6"
    assert client.get(reverse("cockpit:cockpit"), {**PERIOD, "org": "140106"}).status_code == 404
    assert client.get(reverse("cockpit:cockpit"), {**PERIOD, "org": "140100"}).status_code == 404
    client.force_login(city.outsider)
    assert client.get(reverse("cockpit:cockpit"), {**PERIOD, "org": "140105001"}).status_code == 404


def test_a_branch_cockpit_has_no_children_to_compare(city, client):
    client.force_login(city.clerk)
    page = client.get(reverse("cockpit:cockpit"), PERIOD).content.decode()
    assert "第一党支部" in page and "没有下级组织" in page
    assert shown(page, "orglife.compliance") == as_text(cli_values("14010500101A", ["orglife.compliance"])
                                                        ["orglife.compliance"], "orglife.compliance")


@pytest.mark.parametrize("query, reason", [
    ({"from": "2021-07-01", "to": "2021-06-30"}, "开始日期不能晚于结束日期"),
    ({"from": "2021-13-01", "to": "2021-06-30"}, "有效的日期"),
    ({"from": "2000-01-01", "to": "2021-06-30"}, "期间不能超过"),
])
def test_a_bad_period_is_refused_with_a_reason(city, client, query, reason):
    client.force_login(city.leader)
    response = client.get(reverse("cockpit:cockpit"), query)
    assert response.status_code == 400
    assert reason in response.content.decode()


def test_the_page_works_in_english(city, client):
    client.force_login(city.leader)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("cockpit:cockpit"), PERIOD, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="en"' in page
    assert "Monthly trends" in page and "Political-ecology ranking" in page
    assert "Party members" in page  # indicator names too


def test_the_warnings_list_shows_the_red_ones_first_with_links(city, client):
    from qingfeng.indicators.warnings import warnings_for

    client.force_login(city.district_user)
    cockpit = client.get(reverse("cockpit:cockpit"), PERIOD).content.decode()
    # The card loads its content after the page (htmx), from the cockpit's own warnings URL.
    panel = re.search(r'hx-get="([^"]+)"', cockpit).group(1).replace("&amp;", "&")
    assert panel.startswith(reverse("cockpit:warnings"))
    page = client.get(panel, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in page
    expected = warnings_for(city.xiaodian, scene.END, user=city.district_user)
    red = [w for w in expected if w.severity == "red"]
    assert red, "the scene has an overdue finding and unmet meetings"
    assert re.search(rf"data-count=\"red\">红色 {len(red)}<", page)
    block = page.split("data-warnings>", 1)[1].split("</div>\n", 1)[0]
    links = re.findall(r'<a class="list-group-item[^"]*" href="([^"]+)"', block)
    assert len(links) == min(len(expected), dashboard.MAX_CARD_WARNINGS)
    assert links[0] in {w.url for w in red}
    assert any(w.message in page for w in red)
    # Opened on its own (no htmx), the panel is a whole page.
    assert "<html" in client.get(panel).content.decode()


def test_the_number_of_queries_does_not_grow_with_the_records(city, client, django_assert_num_queries):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from qingfeng.indicators.store import rebuild_facts

    client.force_login(city.leader)
    client.get(reverse("cockpit:cockpit"), PERIOD)  # names read once a minute (repeated names, type names)
    cache.clear()  # the figures built afresh each time (not those shared by the request before)
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("cockpit:cockpit"), PERIOD)
    for day in range(1, 29):
        scene.activity(city.branch_b, "党课", scene.START.replace(month=2, day=day), city.members_b)
        scene.activity(city.branch_o, "宣讲", scene.START.replace(month=3, day=day), audience=10)
    rebuild_facts()
    with django_assert_num_queries(len(before)):
        page = client.get(reverse("cockpit:cockpit"), PERIOD).content.decode()
    assert shown(page, "activities.count") == "83"


def test_the_supervision_panel_breaks_findings_down_by_category(city, client):
    client.force_login(city.city_user)
    page = client.get(reverse("cockpit:cockpit"), {"org": "140100", **PERIOD}).content.decode()
    panel = page[page.index("data-supervision"):page.index("政治生态评估排名")]
    keys = [f"{k}[category={c}]" for c in ("形式主义", "官僚主义", "享乐主义") for k in dashboard.SUPERVISION_KEYS]
    keys += dashboard.SUPERVISION_KEYS
    expected = cli_values("140100", keys)
    for key, value in expected.items():
        assert shown(panel, key) == as_text(value, key), key
    # the scene's two findings: one of formalism closed, one of bureaucratism overdue at the period's end
    assert (expected["rectify.found[category=形式主义]"], expected["rectify.closed[category=形式主义]"],
            expected["rectify.overdue[category=官僚主义]"], expected["rectify.found[category=享乐主义]"]) == (1, 1, 1, 0)
    assert "官僚主义" in panel and "全部问题" in panel
    # each figure opens its records
    link = re.search(r'href="([^"]+)" data-figure="rectify\.found\[category=官僚主义\]"', panel).group(1)
    records = client.get(link.replace("&amp;", "&")).content.decode()
    assert "会议记录缺失" in records and "台账不全" not in records
