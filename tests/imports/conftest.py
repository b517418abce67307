# The Playwright fixtures (Debian's Chromium) live with the other browser tests.
from tests.browser.conftest import browser, login, new_page  # noqa: F401
