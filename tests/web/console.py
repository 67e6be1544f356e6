"""Operators for the console's browser tests: made with identity's own
command (as an administrator makes the first one), logged in through the
console's pages with TOTP codes computed here (pyotp), as an app would."""

import time

import pyotp
from playwright.sync_api import expect

from tests.support import OPERATOR_PASSWORD as PASSWORD
from tests.support import make_operator  # noqa: F401 (the console tests take it from here)


class ConsoleOperator:
    def __init__(self, username):
        self.username, self.totp, self.steps_used = username, None, set()

    def code(self):
        """A code for a time step not used yet (each code works once)."""
        step = int(time.time() // 30)
        while step in self.steps_used:
            step += 1
        self.steps_used.add(step)
        return self.totp.at(step * 30)

    def log_in(self, page, on_enrolment=None, language="en"):
        page.goto("/console/login")
        page.locator("#username").fill(self.username)
        page.locator("#password").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        if self.totp is None:
            secret = page.locator("#totp-secret")
            expect(secret).to_be_visible()
            self.totp = pyotp.TOTP(secret.inner_text().strip())
            if on_enrolment:
                on_enrolment(page)
        page.locator("#code").fill(self.code())
        page.locator("main form button[type=submit]").click()
        expect(page.locator("form[action='/console/logout']")).to_have_count(1)
