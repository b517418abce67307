"""A branch secretary on a 360×740 phone records a 党小组会: choosing the type and the group lists the group's members,
ticked (those of the meeting's day, fetched again when the date changes); the meeting is recorded for them and
nobody else. The committee and group pages read as cards, and nothing scrolls sideways."""

import datetime as dt

from django.urls import reverse
from playwright.sync_api import expect

from qingfeng.activities.models import Activity, Attendance
from qingfeng.orgs.actions import (
    create_party_group,
    dissolve_party_group,
    elect_committee,
    end_seat,
    set_group_members,
)
from qingfeng.orgs.models import PartyGroup
from tests.browser.test_phone import MEASURE, NARROW
from tests.browser.test_workbench import shot
from tests.clock import TODAY
from tests.test_party_groups import BEFORE, history


def test_the_secretary_records_a_group_meeting_on_a_phone(world, new_page, login, live_server):
    a = world.members_a
    first = create_party_group(world.branch_a, "第一党小组", user=world.clerk)
    set_group_members(first, a[:3], a[0], user=world.clerk)
    second = create_party_group(world.branch_a, "第二党小组", user=world.clerk)
    set_group_members(second, a[3:7], a[3], user=world.clerk)
    page = new_page(viewport=NARROW)
    login(page, "clerk")

    # the groups on the organization's page, and their own page, fit the phone
    page.goto(live_server.url + reverse("orgs:party_groups", args=[world.branch_a.code]))
    assert page.locator("[data-group]").count() == 2
    shot(page, "7-party-groups")
    page.get_by_role("link", name="第二党小组").click()
    page.wait_for_load_state()
    assert page.locator("[data-candidate] input:checked").count() == 4
    shot(page, "8-party-group")

    page.goto(f"{live_server.url}{reverse('activities:create')}?org={world.branch_a.code}")
    assert page.locator("[data-group-picker]").is_hidden()
    page.select_option("#id_type", label="党小组会")
    assert page.locator("[data-group-picker]").is_visible()
    assert page.locator("[data-member]:visible").count() == 8  # no group chosen yet: everyone
    page.select_option("[data-party-group]", label="第二党小组")
    assert page.locator("[data-member]:visible").count() == 4
    assert page.locator("[data-present]:visible:checked").count() == 4
    assert "出席 4" in page.locator("[data-attendance-summary]").inner_text()
    # one of them on leave
    page.locator(f'[data-member="{a[6].pk}"] [data-leave]').check()
    page.fill("#id_topic", "学习党章第二章")
    shot(page, "9-group-meeting")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/activities/HD*/")
    activity = Activity.objects.get(topic="学习党章第二章")
    assert sorted(Attendance.objects.filter(activity=activity).values_list("person__name", "presence")) == [
        ("甲3", "出席"), ("甲4", "出席"), ("甲5", "出席"), ("甲6", "请假")]


# Whether the page's lists read as cards on a phone: no <table> is laid out as a table (app.css turns each row of a
# table into a card below the tablet breakpoint; a table opting out with .qf-grid would show here), and no list row
# is wider than the page.
CARDS = """() => {
  const tables = [...document.querySelectorAll('.page-body table')].filter(t => t.getBoundingClientRect().height);
  const squeezed = tables.filter(t => getComputedStyle(t).display === 'table').map(t => t.outerHTML.slice(0, 80));
  const rows = [...document.querySelectorAll('.page-body tbody > tr')].filter(r => r.getBoundingClientRect().height);
  // a button or badge whose words do not fit in it (squeezed by its neighbours rather than wrapped below them)
  const cramped = [...document.querySelectorAll('.page-body .btn, .page-body .badge')].filter(
    b => b.getBoundingClientRect().width && b.scrollWidth > b.clientWidth + 1).map(b => b.textContent.trim());
  return {tables: tables.length, squeezed, cramped,
          notCards: rows.filter(r => getComputedStyle(r).display !== 'flex').length};
}"""


def committee_and_groups(world):
    """Branch A with a committee (and one who left it), two groups and a dissolved one, as a secretary keeps them."""
    a = world.members_a
    held = TODAY - dt.timedelta(days=400)
    seats = elect_committee(world.branch_a, held, [(a[0], "书记", ""), (a[1], "副书记", ""), (a[2], "委员", "组织"),
                                                   (a[3], "委员", "宣传"), (a[4], "委员", "纪检")], user=world.clerk)
    end_seat(seats[4], TODAY - dt.timedelta(days=30), user=world.clerk)
    first = create_party_group(world.branch_a, "第一党小组（社区离退休党员）", user=world.clerk)
    set_group_members(first, a[:4], a[0], user=world.clerk)
    second = create_party_group(world.branch_a, "第二党小组", user=world.clerk)
    set_group_members(second, a[4:7], a[4], user=world.clerk)
    old = PartyGroup.objects.create(org=world.branch_a, name="原第三党小组", established_on=held)
    dissolve_party_group(old, user=world.clerk)
    return first


def test_committee_and_group_pages_are_cards_on_a_phone(world, new_page, login, live_server):
    first = committee_and_groups(world)
    code = world.branch_a.code
    pages = [reverse("orgs:committees"), reverse("orgs:committees") + f"?org={code}&current=on",
             reverse("orgs:committee", args=[code]), reverse("orgs:party_groups", args=[code]),
             reverse("orgs:party_group", args=[code, first.pk]), reverse("orgs:detail", args=[code])]
    problems = []
    # a writer sees the forms too, a reader only the lists; English words are longer
    for username, locale in (("clerk", "zh-CN"), ("clerk", "en-US"), ("leader", "zh-CN")):
        page = new_page(viewport=NARROW, locale=locale)
        login(page, username)
        for url in pages:
            response = page.goto(live_server.url + url)
            assert response is not None and response.status == 200, url
            found, cards = page.evaluate(MEASURE), page.evaluate(CARDS)
            if found["scroll"] > 0 or found["inner"]:
                problems.append(f"{username} {locale} {url}: scrolls sideways by {found['scroll']} px: {'; '.join(found['wide'])}")
            if found["small"]:
                problems.append(f"{username} {locale} {url}: too small to tap: {'; '.join(found['small'])}")
            if cards["squeezed"] or cards["notCards"] or cards["cramped"]:
                problems.append(f"{username} {locale} {url}: a table, not cards: {cards}")
    assert not problems, "\n".join(problems)


def test_changing_the_meetings_date_offers_the_groups_members_of_that_day(world, new_page, login, live_server):
    first, _second, _third = history(world)
    page = new_page(viewport=NARROW)
    login(page, "clerk")
    page.goto(f"{live_server.url}{reverse('activities:create')}?org={world.branch_a.code}")
    page.select_option("#id_type", label="党小组会")
    page.select_option("[data-party-group]", label="第一党小组")
    expect(page.locator("[data-member]:visible")).to_have_count(1)  # today: 甲0 alone
    # the meeting was held before 甲1 moved to the second group, which did not exist yet
    page.fill("#id_date", BEFORE.isoformat())
    expect(page.locator("[data-member]:visible")).to_have_count(2)
    expect(page.locator("[data-party-group] option")).to_have_text(["全体党员", "第一党小组"])
    expect(page.locator("[data-party-group]")).to_have_value(str(first.pk))
    expect(page.locator("[data-attendance-summary]")).to_have_text("出席 2 · 请假 0 · 缺席 0")
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    page.fill("#id_topic", "学习党章第三章")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/activities/HD*/")
    activity = Activity.objects.get(topic="学习党章第三章")
    assert activity.party_group == first and activity.date == BEFORE
    assert sorted(Attendance.objects.filter(activity=activity).values_list("person__name", "presence")) == [
        ("甲0", "出席"), ("甲1", "出席")]
    assert page.get_by_text("第一党小组").is_visible()  # on the meeting's page
