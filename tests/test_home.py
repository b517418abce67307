"""The home page as a workbench: what is due next with one tap to do it, the organization's figures with the day
they are for — the same values as the cockpit — and 党费 one tap from the menu."""

import re

from django.urls import reverse

from qingfeng.activities.models import ActivityType
from qingfeng.supervision.models import Finding, FindingStatus
from tests.clock import TODAY


def figure(body: str, key: str) -> str:
    return re.search(rf'data-figure="{re.escape(key)}">(?:<a[^>]*>)?([^<]+)<', body).group(1)


def test_the_clerk_opens_on_the_meetings_due_and_records_one_in_a_tap(world, client_for):
    client = client_for(world.clerk)
    body = client.get("/").content.decode()
    assert f"数据截至 {TODAY.isoformat()}" in body
    due = body.split("data-due-meetings")[1].split("data-todo")[0]
    committee = ActivityType.objects.get(name="支部委员会")
    link = f'{reverse("activities:create")}?org={world.branch_a.code}&amp;type={committee.pk}'
    assert link in due and "支部委员会" in due
    # the link opens the form with the branch and the type chosen, dated the platform's day
    form = client.get(link.replace("&amp;", "&")).content.decode()
    assert re.search(rf'<option value="{committee.pk}" selected>', form)
    assert f'value="{TODAY.isoformat()}"' in form


def test_one_tap_actions_by_role(world, client_for):
    Finding.objects.create(code="F-R", source="督导检查", found_on=TODAY, org=world.branch_a, description="台账不全",
                           deadline=TODAY)
    Finding.objects.create(code="F-S", source="督导检查", found_on=TODAY, org=world.branch_a, description="制度缺失",
                           deadline=TODAY, status=FindingStatus.SUBMITTED)
    actions = {}
    for persona in ("clerk", "city", "leader"):
        body = client_for(world.personas[persona]).get("/").content.decode()
        block = body.split("data-quick-actions")[1].split("</div>")[0] if "data-quick-actions" in body else ""
        actions[persona] = dict(re.findall(r'href="([^"]+)" data-action="[^"]+">([^<]+)', block))
    clerk = {label.strip(): url for url, label in actions["clerk"].items()}
    assert clerk["记录活动"] == reverse("activities:create")
    assert clerk["登记党费"] == reverse("membership:dues", args=[world.branch_a.code])
    assert clerk["提交整改"] == f'{reverse("supervision:list")}?status=rectifying'
    city = {label.strip() for label in actions["city"].values()}
    assert "核验整改" in city and "提交整改" not in city
    assert actions["leader"] == {}  # a leader reads; nothing to record


def test_the_figures_are_the_cockpits_for_the_same_day(world, client_for):
    from qingfeng.indicators.engine import compute

    body = client_for(world.city_user).get("/").content.decode()
    start = TODAY.replace(month=1, day=1)
    values = compute(world.city, start, TODAY, ["members.total", "orgs.total", "activities.count"])
    assert figure(body, "members.total") == str(values["members.total"]) == "15"
    assert figure(body, "orgs.total") == str(values["orgs.total"])
    # each figure opens the records behind it
    assert f'{reverse("indicators:drill")}?key=members.total&amp;org=140100' in body
    # a branch has no organizations below to count
    assert 'data-figure="orgs.total"' not in client_for(world.clerk).get("/").content.decode()


def test_dues_are_in_the_menu(world, client_for):
    body = client_for(world.clerk).get("/").content.decode()
    assert f'href="{reverse("membership:my_dues")}"' in body
    response = client_for(world.clerk).get(reverse("membership:my_dues"), {"month": "2026-05"})
    assert response["Location"] == f'{reverse("membership:dues", args=[world.branch_a.code])}?month=2026-05'


def test_the_home_page_in_english(world, client_for):
    client = client_for(world.clerk)
    client.cookies["django_language"] = "en"
    body = client.get("/").content.decode()
    assert f"Data as of {TODAY.isoformat()}" in body and "Record activity" in body
    assert "（" not in body.split('class="page-body"')[1]


def test_the_figures_are_shared_and_follow_every_write(world, client_for):
    """Built once for everyone asking of the same organization and facts; a meeting recorded meanwhile shows at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from qingfeng.activities.actions import record_activity
    from qingfeng.indicators import store

    store.rebuild_facts()
    city, other = client_for(world.city_user), client_for(world.personas["city"])
    before = int(figure(city.get("/").content.decode(), "activities.count"))
    with CaptureQueriesContext(connection) as queries:
        assert int(figure(other.get("/").content.decode(), "activities.count")) == before
    assert [q["sql"][:300] for q in queries.captured_queries if '"indicators_fact"' in q["sql"]] == []  # built for the first
    record_activity(user=world.clerk, org=world.branch_a, type=ActivityType.objects.get(name="主题党日"), date=TODAY,
                    topic="共享之后")
    assert int(figure(other.get("/").content.decode(), "activities.count")) == before + 1
