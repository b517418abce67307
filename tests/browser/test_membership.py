"""A branch clerk walks one candidate from application to full membership in a real browser."""

import datetime as dt

from qingfeng.core.idnumbers import make_id_number
from qingfeng.people.models import Person

APPLICANT = make_id_number("140105", dt.date(1999, 9, 9), 77)


def _step(page, key, **fields):
    details = page.locator(f"details[data-step={key}]")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    for name, value in fields.items():
        page.fill(f"#{key}-{name}", str(value))
    details.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".alert-danger").count() == 0, page.locator(".alert-danger").inner_text()


def test_clerk_walks_a_candidate_to_full_membership(world, new_page, login, live_server):
    page = new_page()
    login(page, "clerk")
    page.goto(f"{live_server.url}/membership/candidates/apply/")
    page.fill("#id_name", "王新苗")
    page.fill("#id_id_number", APPLICANT)
    page.fill("#id_applied_on", "2022-01-10")
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/membership/candidates/*/")
    a, b = world.members_a[0].id_number, world.members_a[1].id_number
    _step(page, "talk", on="2022-02-01")
    _step(page, "activist", on="2022-03-01", people=a)
    # one day short of a year as an activist: refused with the reason, nothing recorded
    details = page.locator("details[data-step=candidate]")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    page.fill("#candidate-on", "2023-02-28")
    page.fill("#candidate-people", f"{a},{b}")
    details.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "一年以上" in page.locator(".alert-danger").inner_text()
    _step(page, "candidate", on="2023-03-01", people=f"{a},{b}")
    _step(page, "review", on="2023-04-01", hours=24)
    _step(page, "vote", on="2023-05-06", due=8, present=6, yes=6)
    _step(page, "approve", on="2023-07-01")
    _step(page, "full_vote", on="2024-05-06")
    _step(page, "full", on="2024-06-01")
    assert "正式党员" in page.locator("h2.page-title").inner_text()
    person = Person.objects.get(id_number=APPLICANT)
    assert (person.category, person.admitted_on, person.full_on) == ("正式党员", dt.date(2023, 5, 6), dt.date(2024, 5, 6))
