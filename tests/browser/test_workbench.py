"""A branch secretary on a 360 px phone: from the home page, records a 支委会 with the committee ticked, registers a
member's dues and reports a finding's rectification — nothing scrolls sideways, nobody is unticked.

QINGFENG_SCREENSHOTS=docs/screenshots writes a picture of each step there (docs/screenshots/README.md)."""

import datetime as dt
import os
from pathlib import Path

from django.urls import reverse

from qingfeng.activities.models import Activity, Attendance
from qingfeng.membership.actions import declare_income
from qingfeng.membership.models import DuesPayment
from qingfeng.orgs.actions import elect_committee
from qingfeng.supervision.models import Finding, FindingStatus
from tests.browser.test_phone import NARROW
from tests.clock import TODAY

SHOTS = os.environ.get("QINGFENG_SCREENSHOTS")


def shot(page, name):
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"], f"{name} scrolls sideways"
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"workbench-phone-{name}.png"), full_page=True)


def test_the_secretary_works_through_the_day_on_a_phone(world, new_page, login, live_server):
    a = world.members_a
    elect_committee(world.branch_a, dt.date(2024, 3, 1), [(a[0], "书记", ""), (a[1], "委员", "组织"),
                                                           (a[2], "委员", "宣传")], user=world.clerk)
    declare_income(a[3], TODAY.replace(day=1), "salary", 4000, world.clerk)
    Finding.objects.create(code="F-1", source="督导检查", found_on=TODAY - dt.timedelta(days=20), org=world.branch_a,
                           description="三会一课记录不全", deadline=TODAY + dt.timedelta(days=10))
    page = new_page(viewport=NARROW)
    login(page, "clerk")
    shot(page, "1-home")

    # 1. The home page lists this month's 支部委员会 as due; one tap opens the form with the committee ticked.
    due = page.locator("[data-due-meetings] li", has_text="支部委员会").first
    due.get_by_role("link", name="记录").click()
    page.wait_for_load_state()
    assert page.locator("#id_type option:checked").inner_text() == "支部委员会"
    assert page.locator("[data-member]:visible").count() == 3
    assert page.locator("[data-present]:visible:checked").count() == 3
    assert "出席 3" in page.locator("[data-attendance-summary]").inner_text() or \
        "应到 3 人" in page.locator("[data-attendance-summary]").inner_text()
    # choosing 支部党员大会 lists every member; back to 支部委员会, the committee again
    page.select_option("#id_type", label="支部党员大会")
    assert page.locator("[data-member]:visible").count() == 8
    page.select_option("#id_type", label="支部委员会")
    assert page.locator("[data-member]:visible").count() == 3
    page.fill("#id_topic", "研究发展党员工作")
    shot(page, "2-committee-meeting")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/activities/HD*/")
    activity = Activity.objects.get(topic="研究发展党员工作")
    assert sorted(Attendance.objects.filter(activity=activity).values_list("person__name", "presence")) == [
        ("甲0", "出席"), ("甲1", "出席"), ("甲2", "出席")]
    shot(page, "3-meeting-recorded")

    # 2. 党费 from the home page: the payment date is already the day.
    page.goto(f"{live_server.url}/")
    page.locator("[data-action=dues]").click()
    page.wait_for_load_state()
    row = page.locator(f'[data-person="{a[3].pk}"]')
    assert row.locator("input[name=paid_on]").input_value() == TODAY.isoformat()
    shot(page, "4-dues")
    row.get_by_role("button", name="登记").click()
    page.wait_for_load_state()
    assert DuesPayment.objects.filter(person=a[3], month=TODAY.replace(day=1)).exists()
    assert "已缴" in page.locator(f'[data-person="{a[3].pk}"]').inner_text()

    # 3. 提交整改 from the home page: the finding, its rectification reported.
    page.goto(f"{live_server.url}/")
    page.locator("[data-action=finding]").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="三会一课记录不全").click()
    page.wait_for_url(f"**{reverse('supervision:detail', args=['F-1'])}")
    page.fill("textarea[name=note]", "已补齐 2026 年会议记录")
    shot(page, "5-rectification")
    page.get_by_role("button", name="提交核验").click()
    page.wait_for_load_state()
    assert Finding.objects.get(code="F-1").status == FindingStatus.SUBMITTED
    shot(page, "6-rectification-submitted")
