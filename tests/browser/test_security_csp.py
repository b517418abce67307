"""(Engineer "security".) In real Chromium: the pages run under the Content-Security-Policy without a single violation
(no inline script, no inline handler, nothing from another origin), and htmx still works."""

from __future__ import annotations

from tests.security.data import discipline_records

PAGES = [
    "/", "/accounts/me/", "/accounts/me/totp/", "/accounts/me/password/", "/discipline/",
    "/discipline/dispositions/", "/discipline/recommendations/", "/discipline/cases/new/", "/audit/",
]


def test_pages_raise_no_csp_violation(world, new_page, login, live_server):
    discipline_records(world)
    page = new_page()
    violations = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    login(page, "admin")
    for path in PAGES + [f"/discipline/cases/{world.case_own.code}/"]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
    # htmx (a script file) runs: filtering the audit log swaps the results in place.
    page.goto(f"{live_server.url}/audit/")
    page.fill("#id_user", "admin")
    page.click("form[hx-get] button[type=submit]")
    page.wait_for_url("**/audit/?*user=admin*")
    assert page.locator("#audit-results [data-audit-row]").count() >= 1
    assert violations == []
