"""On a phone: the bell in the top bar counts what is overdue or due this week, the inbox groups the items, and
an item's link opens the page where it is done — after which the item is gone."""

from qingfeng.reminders.due import inbox_for
from tests.browser.conftest import PHONE
from tests.clock import TODAY


def test_bell_and_inbox_on_a_phone(world, new_page, login, live_server):
    expected = inbox_for(world.clerk, TODAY)
    assert expected.count > 0
    groups = {"overdue": expected.overdue, "week": expected.week, "month": expected.month}
    page = new_page(viewport=PHONE)
    login(page, "clerk")
    bell = page.locator("[data-testid=bell]")
    assert bell.is_visible()  # outside the collapsed menu
    assert page.locator("[data-testid=bell-count]").inner_text() == str(expected.count)
    bell.click()
    page.wait_for_url("**/inbox/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scrolling
    for key, items in (("overdue", expected.overdue), ("week", expected.week), ("month", expected.month)):
        group = page.locator(f"[data-group={key}]")
        assert group.locator("[data-testid=group-count]").inner_text() == str(len(items))
        assert group.locator("[data-item]").count() == len(items)
    theme = f"主题党日（{TODAY.year}年{TODAY.month}月）尚未召开"
    # the month's 主题党日 is due this month, or this week on the month's last days
    (theme_group,) = [key for key, items in groups.items() if any(theme in item.title for item in items)]
    row = page.locator("[data-item]", has_text=theme)
    row.get_by_role("link", name="去办理").click()
    page.wait_for_url("**/activities/new/**")
    assert page.locator("#id_type option:checked").inner_text() == "主题党日"
    page.fill("#id_topic", "重温入党誓词")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/activities/HD*/")
    page.locator("[data-testid=bell]").click()
    page.wait_for_url("**/inbox/")
    assert page.locator("[data-item]", has_text=theme).count() == 0
    assert page.locator(f"[data-group={theme_group}] [data-item]").count() == len(groups[theme_group]) - 1
    # hiding an item: it leaves the list and the bell
    first = page.locator("[data-group=overdue] [data-item]").first if expected.overdue else \
        page.locator("[data-group=week] [data-item]").first
    hidden_key = first.get_attribute("data-item")
    first.get_by_role("button", name="隐藏").click()
    page.wait_for_url("**/inbox/")
    assert page.locator(f'[data-item="{hidden_key}"]').count() == 0
    assert "已隐藏" in page.locator(".alert-success").inner_text()
    count = page.locator("[data-testid=bell-count]")
    left = expected.count - 1 - (theme_group != "month")  # the hidden item, and the 主题党日 held if the bell counted it
    if left > 0:
        assert count.inner_text() == str(left)
    else:
        page.wait_for_selector("#qf-bell-count[data-bell-loaded]", state="attached")
        assert count.count() == 0
