"""Fixtures for the browser tests of the pages (tests/web).

- ``browser``: one chromium for the session (Debian's, through Playwright).
- ``new_page(language="en", width=None)``: a fresh browser context (its own
  cookies) on the running ``system``'s gateway, with that Accept-Language and,
  if given, a viewport ``width`` (375 for a phone); relative URLs work
  (``page.goto("/login")``).
- ``page``: ``new_page()`` in English.
- ``member``: a signed-up member (through the API) as ``PageMember`` with
  ``.form`` (username, password, e-mail...) and ``log_in(page)``.
- ``assert_accessible(page)`` (from tests.web.browser): no serious or
  critical axe-core violations.

Under the pages' strict CSP, ``page.wait_for_function`` cannot run: wait
with ``expect(locator)`` instead.
"""

import pytest
import requests
from playwright.sync_api import expect, sync_playwright

from conftest import registration
from tests.web.browser import launch_chromium, pages_on

# expect()'s own wait (5 s by default) is separate from the contexts' timeout:
# on a busy 2-core machine a login (an argon2 hash) plus a redirect can take
# longer, so assertions wait as long as actions do.
expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def playwright_driver():
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright_driver):
    browser = launch_chromium(playwright_driver)
    yield browser
    browser.close()


@pytest.fixture
def new_page(browser, system):
    yield from pages_on(browser, system)


@pytest.fixture
def page(new_page):
    return new_page()


class PageMember:
    """A member who signed up through the API; logs in through the login page."""

    def __init__(self, system, form, user_id):
        self.system, self.form, self.user_id = system, form, user_id

    def log_in(self, page):
        """Through the login page, in whatever language it is shown."""
        page.goto("/login")
        page.locator("#username").fill(self.form["username"])
        page.locator("#password").fill(self.form["password"])
        page.locator("main form button[type=submit]").click()
        expect(page.locator("form[action='/logout']")).to_have_count(1)


@pytest.fixture
def member(system):
    form = registration(language="en")
    response = requests.post(system.gateway_url + "/api/v1/accounts", json=form, timeout=10)
    assert response.status_code == 201, response.text
    return PageMember(system, form, response.json()["account"]["user_id"])
