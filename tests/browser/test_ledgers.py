"""The ledgers in Chromium: a clerk records a meeting on a phone and the month's warning goes away; a
finding goes back and forth between the branch and the district; an outsider meets a 404."""

import datetime as dt

from django.urls import reverse

from qingfeng.activities.models import Activity, Attendance
from qingfeng.supervision.actions import record_finding
from qingfeng.supervision.models import Finding
from tests.browser.conftest import PHONE
from tests.clock import TODAY
from tests.ledgers.conftest import png_bytes


def last_month():
    first = TODAY.replace(day=1)
    end = first - dt.timedelta(days=1)
    return end.replace(day=1), end


def keep_up_except(world, branch, missing_type: str, missing_start: dt.date):
    """The branch held every required meeting since last January, except one."""
    from qingfeng.activities.actions import record_activity
    from qingfeng.activities.models import ActivityType
    from qingfeng.indicators import compliance

    today = TODAY
    windows = compliance.windows_for_subtree(branch, dt.date(today.year - 1, 1, 1), dt.date(today.year, 12, 31))
    for w in windows:
        if w.start > today or (w.requirement == missing_type and w.start == missing_start):
            continue
        record_activity(user=world.clerk, org=branch, type=ActivityType.objects.get(pk=w.type_id), date=w.start,
                        topic=f"{w.requirement} {w.start}")


def test_clerk_records_a_committee_meeting_on_a_phone_and_the_warning_goes(world, new_page, login, live_server):
    start, end = last_month()
    keep_up_except(world, world.branch_a, "支部委员会", start)
    warning = f"支部委员会：{start.isoformat()} 至 {end.isoformat()} 应开未开"
    page = new_page(viewport=PHONE)
    login(page, "clerk")
    page.goto(f"{live_server.url}{reverse('indicators:warnings')}")
    assert page.get_by_text(warning).count() == 1

    # The warning leads to the calendar; one tap on the missed month opens the form, prefilled.
    page.get_by_text(warning).click()
    page.wait_for_load_state()
    if f"?year={start.year}" not in page.url and start.year != TODAY.year:
        page.goto(f"{live_server.url}{reverse('activities:calendar', args=[world.branch_a.code])}?year={start.year}")
    committee = page.locator('[data-requirement="支部委员会"]')
    window = committee.locator(f'[data-window="{start.isoformat()}"]')
    assert window.get_attribute("data-status") == "missed"
    window.locator("[data-record]").click()
    page.wait_for_load_state()
    assert page.locator("#id_type option:checked").inner_text() == "支部委员会"
    assert page.input_value("#id_date") == end.isoformat()
    # 第一议题 is not offered for a 支部委员会; everyone is pre-ticked.
    assert page.locator('[data-field="first_topic"]').is_hidden()
    assert page.locator("[data-present]:checked").count() == 8
    page.fill("#id_topic", "研究党员发展和年度工作")
    rows = page.locator("[data-member]")
    rows.nth(0).locator("[data-present]").uncheck()   # absent
    rows.nth(1).locator("[data-leave]").check()       # on leave: unticks 出席 by itself
    assert not rows.nth(1).locator("[data-present]").is_checked()
    assert "出席 6 · 请假 1 · 缺席 1" in page.locator("[data-attendance-summary]").inner_text()
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/activities/HD*/")
    assert "出席 6" in page.locator("[data-attendance-list]").inner_text()

    activity = Activity.objects.get(topic="研究党员发展和年度工作")
    assert activity.date == end and activity.type.name == "支部委员会"
    assert sorted(Attendance.objects.filter(activity=activity).values_list("presence", flat=True)) == sorted(
        ["缺席", "请假"] + ["出席"] * 6)
    page.goto(f"{live_server.url}{reverse('indicators:warnings')}")
    assert page.get_by_text(warning).count() == 0
    assert page.locator("table").get_by_text("应开未开").count() == 0  # nothing else is missing


def test_finding_is_returned_resubmitted_with_evidence_and_closed(world, new_page, login, live_server, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    today = TODAY
    finding = record_finding(user=world.district_user, org=world.branch_a, source="督导检查", found_on=today,
                             description="支部委员会记录不完整", deadline=today + dt.timedelta(days=20))
    url = f"{live_server.url}{reverse('supervision:detail', args=[finding.code])}"
    evidence = tmp_path / "会议记录.png"
    evidence.write_bytes(png_bytes())

    clerk = new_page(viewport=PHONE)
    login(clerk, "clerk")
    clerk.goto(url)
    clerk.fill("[data-submit-form] textarea[name=note]", "已补齐三次会议记录")
    clerk.locator("[data-submit-form] button[type=submit]").click()
    clerk.wait_for_load_state()
    assert "待核验" in clerk.locator("[data-fields]").inner_text()

    officer = new_page(viewport=PHONE)
    login(officer, "district")
    officer.goto(url)
    officer.fill("[data-return-form] textarea[name=reason]", "缺少会议记录照片")
    officer.locator("[data-return-form] button[type=submit]").click()
    officer.wait_for_load_state()
    assert "已退回" in officer.locator("[data-fields]").inner_text()

    clerk.goto(url)
    assert "缺少会议记录照片" in clerk.locator("[data-events]").inner_text()
    clerk.fill("[data-submit-form] textarea[name=note]", "已补充照片")
    clerk.set_input_files("[data-submit-form] input[type=file]", str(evidence))
    clerk.locator("[data-submit-form] button[type=submit]").click()
    clerk.wait_for_load_state()
    assert clerk.locator("[data-files] [data-file]").inner_text() == "会议记录.png"

    officer.goto(url)
    officer.locator("[data-close-form] button[type=submit]").click()
    officer.wait_for_load_state()
    assert "已销号" in officer.locator("[data-fields]").inner_text()
    finding.refresh_from_db()
    assert (finding.status, finding.closed_on) == ("closed", today)
    assert [e.to_status for e in finding.events.all()] == ["rectifying", "submitted", "returned", "submitted", "closed"]
    # The evidence opens for the officer, as an image.
    image = officer.request.get(f"{live_server.url}{officer.locator('[data-files] [data-file]').get_attribute('href')}")
    assert image.status == 200 and image.headers["content-type"] == "image/png"
    assert Finding.objects.get().status == "closed"


def test_outsider_gets_404_on_a_record_of_a_sibling_district(world, new_page, login, live_server):
    today = TODAY
    finding = record_finding(user=world.district_user, org=world.branch_a, source="自查", found_on=today,
                             description="问题", deadline=today)
    page = new_page()
    login(page, "outsider")
    response = page.goto(f"{live_server.url}{reverse('supervision:detail', args=[finding.code])}")
    assert response.status == 404
    response = page.goto(f"{live_server.url}{reverse('activities:calendar', args=[world.branch_a.code])}")
    assert response.status == 404
    # The same kind of page in the outsider's own district opens.
    response = page.goto(f"{live_server.url}{reverse('activities:calendar', args=[world.branch_o.code])}")
    assert response.status == 200
