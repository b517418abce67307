# The Playwright fixtures (Debian's Chromium) of tests/browser, for the CSP check in a real browser.
from tests.browser.conftest import browser, login, new_page  # noqa: F401
