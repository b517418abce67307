"""The second round's registers in Chromium, on a phone: a district officer records a commendation with its
collectives and persons, a cadre's enrollment and graduation, a payment to a village's collective economy; a
campaign's page leads from a month's count to the activities behind it."""

import datetime as dt

from django.urls import reverse

from qingfeng.core.idnumbers import make_id_number
from qingfeng.economy.models import SupportItem
from qingfeng.education.models import DegreeStudy
from qingfeng.honors.models import Honoree
from tests.browser.conftest import PHONE


def test_a_commendation_with_its_collectives_and_persons(world, new_page, login, live_server):
    page = new_page(viewport=PHONE)
    login(page, "district")
    page.goto(f"{live_server.url}{reverse('honors:list')}")
    page.get_by_test_id("create").click()
    page.wait_for_load_state()
    page.fill("#id_code", "晋组〔2021〕12号")
    page.fill("#id_name", "全省脱贫攻坚先进集体和先进个人")
    page.select_option("#id_grantor_level", "省级")
    page.fill("#id_date", "2021-05-25")
    page.fill("#id_collectives", f"平阳景苑社区党委\n第一党支部 {world.branch_a.code}")
    person = world.members_a[2]
    page.fill("#id_persons", f"{person.id_number} {person.name}")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert page.locator("[data-collectives] tbody tr").count() == 2
    assert person.name in page.locator("[data-persons]").inner_text()
    # One more collective from the decision's page.
    form = page.locator("[data-honoree-form]")
    form.locator("#id_kind").select_option("集体")
    form.locator("#id_collective_name").fill("平阳路街道党工委")
    form.locator("#id_org").fill(world.street.code)
    form.get_by_role("button", name="添加").click()
    page.wait_for_load_state()
    assert page.locator("[data-collectives] tbody tr").count() == 3
    assert Honoree.objects.filter(kind="集体").count() == 3
    page.goto(f"{live_server.url}{reverse('honors:list')}")
    assert "全省脱贫攻坚先进集体和先进个人" in page.locator("[data-ledger-table], .qf-cards, main").first.inner_text()


def test_an_enrollment_then_graduation_and_the_summary(world, new_page, login, live_server):
    page = new_page(viewport=PHONE)
    login(page, "district")
    page.goto(f"{live_server.url}{reverse('education:create')}")
    page.fill("#id_id_number", make_id_number("140105", dt.date(1986, 6, 6), 33))
    page.fill("#id_name", "吴村干")
    page.fill("#id_org", world.community.code)
    page.select_option("#id_level", "大专")
    page.fill("#id_enrolled_on", "2018-09-01")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert "吴村干" in page.locator("h1, h2, .page-title").first.inner_text()
    form = page.locator("[data-graduate-form]")
    form.locator("#id_on").fill("2021-07-01")
    form.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert DegreeStudy.objects.get().graduated_on == dt.date(2021, 7, 1)
    page.goto(f"{live_server.url}{reverse('education:by_org')}")
    row = page.locator("[data-by-org] tbody tr", has_text=world.street.name)
    assert row.locator("td").nth(1).inner_text().strip() == "1"


def test_a_payment_and_the_sums_per_county(world, new_page, login, live_server):
    page = new_page(viewport=PHONE)
    login(page, "district")
    page.goto(f"{live_server.url}{reverse('economy:create')}")
    page.fill("#id_code", "JJ-2019-001")
    page.fill("#id_org", world.community.code)
    page.select_option("#id_source", "市级")
    page.fill("#id_amount", "-1")
    page.fill("#id_paid_on", "2019-06-01")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert "金额应为大于 0 的整数" in page.content() and not SupportItem.objects.exists()
    page.fill("#id_amount", "500000")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert SupportItem.objects.get().amount == 500000
    page.goto(f"{live_server.url}{reverse('economy:by_county')}")
    row = page.locator("[data-by-county] tbody tr", has_text=world.xiaodian.name)
    assert "500,000" in row.inner_text()


def test_a_campaign_month_leads_to_its_activities(world, new_page, login, live_server):
    from qingfeng.activities.actions import record_activity
    from qingfeng.activities.models import ActivityType

    kind = ActivityType.objects.get(name="主题党日")
    for day in (dt.date(2021, 3, 5), dt.date(2021, 3, 20), dt.date(2021, 4, 2)):
        record_activity(user=world.admin, org=world.branch_a, type=kind, date=day, topic="学党史", campaign="党史学习教育")
    page = new_page(viewport=PHONE)
    login(page, "clerk")
    page.goto(f"{live_server.url}{reverse('activities:campaigns')}")
    page.get_by_role("link", name="党史学习教育").click()
    page.wait_for_load_state()
    assert page.locator("[data-total]").inner_text().strip() == "3"
    # On a phone the months are rows: March's two lead to them.
    page.locator("[data-by-month] tbody tr", has_text="2021-03").get_by_role("link", name="2").click()
    page.wait_for_load_state()
    assert "campaign=" in page.url and "2021-03-01" in page.url
    assert page.get_by_text("学党史").count() == 2
