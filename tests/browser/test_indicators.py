"""A district officer on a phone filters the warnings of their district and follows one to its record;
then drills from an indicator value to the records behind it."""

import datetime as dt

from qingfeng.supervision.models import Finding


def test_warnings_filter_on_a_phone_and_drill_from_a_value(world, new_page, login, live_server):
    Finding.objects.create(code="WB-1", source="督战", found_on=dt.date(2021, 1, 4), org=world.branch_a,
                           description="台账不全", deadline=dt.date(2021, 3, 1))
    Finding.objects.create(code="WB-2", source="督战", found_on=dt.date(2021, 1, 4), org=world.branch_o,
                           description="别区问题", deadline=dt.date(2021, 3, 1))
    page = new_page(viewport={"width": 390, "height": 844})
    login(page, "district")
    page.goto(f"{live_server.url}/indicators/warnings/")
    page.fill("#id_on", "2021-03-10")
    page.select_option("#id_kind", "findings")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_load_state()
    below = page.locator("[data-warnings-below] tbody tr").first
    assert below.locator("td").nth(1).inner_text().strip() == "1"  # the district's red warnings, by organization below
    row = page.locator("[data-warnings-list] tbody tr").first
    assert "WB-1" in row.inner_text() and "红色" in row.inner_text()
    assert "WB-2" not in page.content()
    assert "export=xlsx" in page.get_by_role("link", name="导出 Excel").get_attribute("href")
    row.get_by_role("link").last.click()
    page.wait_for_load_state()
    assert "/findings/WB-1/" in page.url

    page.goto(f"{live_server.url}/indicators/?start=2021-01-01&end=2021-12-31")
    page.locator("a[href*='key=rectify.overdue']").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=drill-value]").inner_text().strip() == "1"
    assert "WB-1" in page.content() and "WB-2" not in page.content()
