"""专题 on activities: recorded with an activity, filtered on the list and the API, and a campaign's page counting
its activities by type and by organization, month by month."""

import datetime as dt
import re

from django.test import Client
from django.urls import reverse

from qingfeng.activities.actions import record_activity
from qingfeng.activities.models import Activity, ActivityType
from tests.api.conftest import bearer
from tests.ledgers.test_activities import attendance_post

CAMPAIGN = "党史学习教育"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def activity(world, org, day, type_name="主题党日", campaign=CAMPAIGN):
    return record_activity(user=world.admin, org=org, type=ActivityType.objects.get(name=type_name), date=day,
                           topic="学习党史", campaign=campaign)


def numbers(html: str, table: str, label: str) -> list[int]:
    row = html.split(f"data-{table}")[1].split(label, 1)[1].split("</tr>")[0]
    return [int(n) for n in re.findall(r">(\d+)<", row)]


def test_a_campaign_recorded_edited_and_filtered(world):
    clerk = signed_in(world.clerk)
    day = dt.date(2021, 3, 10)
    data = attendance_post(world, day, type_name="主题党日", campaign=f"  {CAMPAIGN} ")
    assert clerk.post(reverse("activities:create"), data).status_code == 302
    recorded = Activity.objects.get()
    assert recorded.campaign == CAMPAIGN
    assert CAMPAIGN in clerk.get(reverse("activities:detail", args=[recorded.code])).content.decode()
    too_long = clerk.post(reverse("activities:create"), attendance_post(world, day, type_name="主题党日",
                                                                           campaign="长" * 51))
    assert too_long.status_code == 400 and Activity.objects.count() == 1
    other = activity(world, world.branch_a, day, campaign="")
    table = clerk.get(reverse("activities:list"), {"campaign": CAMPAIGN}).content.decode().split("data-ledger-table")[1]
    assert recorded.code in table and other.code not in table
    # Editing keeps the campaign unless the form changes it.
    edit = attendance_post(world, day, type_name="主题党日", campaign="")
    clerk.post(reverse("activities:edit", args=[recorded.code]), edit)
    recorded.refresh_from_db()
    assert recorded.campaign == ""


def test_the_campaign_page_counts_by_type_and_organization_month_by_month(world):
    activity(world, world.branch_a, dt.date(2021, 2, 20))
    activity(world, world.branch_a, dt.date(2021, 2, 25), "支部委员会")
    activity(world, world.branch_b, dt.date(2021, 4, 1), "支部委员会")
    activity(world, world.school, dt.date(2021, 4, 2), "党课")
    activity(world, world.branch_o, dt.date(2021, 3, 5))
    activity(world, world.branch_a, dt.date(2021, 3, 5), campaign="其他专题")
    url = reverse("activities:campaign", args=[CAMPAIGN])
    city = signed_in(world.city_user).get(url).content.decode()
    # Feb, Mar, Apr 2021: by type, the total first.
    assert numbers(city, "by-type", "主题党日") == [2, 1, 1, 0]
    assert numbers(city, "by-type", "支部委员会") == [2, 1, 0, 1]
    assert numbers(city, "by-org", world.xiaodian.name) == [4, 2, 0, 2]
    assert numbers(city, "by-org", world.yingze.name) == [1, 0, 1, 0]
    district = signed_in(world.district_user)
    page = district.get(url).content.decode()
    assert world.yingze.name not in page and 'data-total>4<' in page
    down = district.get(url, {"org": world.street.code}).content.decode()
    assert numbers(down, "by-org", world.community.name) == [3, 2, 0, 1]
    index = district.get(reverse("activities:campaigns")).content.decode()
    assert CAMPAIGN in index and "其他专题" in index
    # A campaign no activity of the subtree carries does not exist for the user.
    assert signed_in(world.outsider).get(reverse("activities:campaign", args=["其他专题"])).status_code == 404
    assert district.get(url, {"org": world.branch_o.code}).status_code == 404


def test_api_reads_and_records_the_campaign(world, client):
    activity(world, world.branch_a, dt.date(2021, 2, 20))
    activity(world, world.branch_a, dt.date(2021, 2, 21), campaign="")
    headers = bearer(world.clerk)
    body = client.get("/api/v1/activities", {"campaign": CAMPAIGN}, headers=headers).json()
    assert body["count"] == 1 and body["results"][0]["campaign"] == CAMPAIGN
    created = client.post("/api/v1/activities", {
        "org": world.branch_a.code, "type": "主题党日", "date": "2021-03-01", "topic": "读原著", "campaign": CAMPAIGN},
        content_type="application/json", headers=headers)
    assert created.status_code == 201 and created.json()["campaign"] == CAMPAIGN
