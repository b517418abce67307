"""The organization tree in a real browser: expand, collapse, search, open a member."""

from playwright.sync_api import expect

from tests.browser.conftest import PHONE


def toggle(page, code):
    return page.locator(f'li[data-org="{code}"] > button[data-tree-toggle]')


def node(page, code):
    return page.locator(f'li[data-org="{code}"]')


def test_expand_the_tree_search_and_open_a_member(world, new_page, login, live_server):
    page = new_page()
    login(page, "district")
    page.goto(f"{live_server.url}/orgs/")
    expect(node(page, "140105")).to_be_visible()
    expect(node(page, "140100")).to_have_count(0)  # the tree starts at the district's own committee

    toggle(page, "140105").click()
    street = node(page, "140105001")
    expect(street).to_be_visible()
    expect(street.locator('> [data-count="members"]')).to_contain_text("11")
    expect(toggle(page, "140105")).to_have_attribute("aria-expanded", "true")

    # By keyboard: Enter on the street's toggle, once htmx has settled the nodes it just inserted (until then
    # their own "load the children" trigger is not bound yet — no person is that fast, a test is).
    expect(page.locator(".htmx-added, .htmx-settling, .htmx-request")).to_have_count(0)
    toggle(page, "140105001").press("Enter")
    expect(node(page, "14010500101")).to_be_visible()
    toggle(page, "14010500101").click()
    expect(node(page, "14010500101A").locator('> [data-count="members"]')).to_contain_text("8")

    # Collapsing hides the subtree; opening again shows it without losing what was loaded.
    toggle(page, "140105").click()
    expect(street).to_be_hidden()
    expect(toggle(page, "140105")).to_have_attribute("aria-expanded", "false")
    toggle(page, "140105").click()
    expect(node(page, "14010500101B")).to_be_visible()

    page.fill("#tree-q", "第二")
    result = page.locator('#tree-results tr[data-org="14010500101B"]')
    expect(result).to_be_visible()
    expect(page.locator("#tree-results tr[data-org]")).to_have_count(1)
    result.get_by_role("link", name="第二党支部").click()
    expect(page.locator(".page-title")).to_contain_text("第二党支部")
    page.locator('[data-table="members"]').get_by_role("link", name="乙1").click()
    expect(page.locator(".page-title")).to_contain_text("乙1")
    expect(page.locator('[data-table="relations"]')).to_contain_text("第二党支部")


def test_a_clerk_on_a_phone_finds_a_member_by_name(world, new_page, login, live_server):
    page = new_page(viewport=PHONE)
    login(page, "clerk")
    page.goto(f"{live_server.url}/people/")
    page.fill("#id_q", "甲5")
    rows = page.locator('[data-table="members"] tbody tr')
    expect(rows).to_have_count(1)
    rows.get_by_role("link", name="甲5").click()
    expect(page.locator(".page-title")).to_contain_text("甲5")
