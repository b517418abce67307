"""Real Chromium (Debian's package) driven by Playwright against Django's live server."""

import shutil

import pytest

from tests.world import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    contexts = []

    def make(viewport=None, locale="zh-CN"):
        context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900}, locale=locale)
        context.set_default_timeout(15000)
        contexts.append(context)
        page = context.new_page()
        goto = page.goto

        def settled_goto(url, **options):
            """Go to the next page only once this one has nothing in flight (the bell's count after loading, a
            download): the live server's threads share the tests' one SQLite connection, and a request still running
            beside the next page's broke that page's session save (a 400 for a page that is fine)."""
            try:
                page.wait_for_load_state("networkidle", timeout=10000)
            except Exception:  # noqa: BLE001 — a page that never settles is the test's own failure, reported there
                pass
            return goto(url, **options)

        page.goto = settled_goto
        return page

    yield make
    for context in contexts:
        # Requests a page starts by itself after loading (the top bar's count of due items, the cockpit's warnings)
        # must be answered before the test's database goes away under the live server.
        for page in context.pages:
            try:
                page.wait_for_load_state("networkidle", timeout=5000)
            except Exception:  # noqa: BLE001 — a page that never settles is the test's own failure, reported there
                pass
        context.close()


@pytest.fixture
def login(live_server):
    def sign_in(page, username):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return page

    return sign_in
