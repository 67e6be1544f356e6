"""Driving the pages in a real browser: Debian's chromium through Playwright,
and axe-core for accessibility.  Used by tests/web/conftest.py's fixtures."""

import shutil

from axe_playwright_python.sync_playwright import Axe

# Playwright's own browser download cannot work on these machines: it drives
# the system's chromium (make chromium installs it).  CI runs as root, hence
# --no-sandbox; the rest keeps a headless run quiet and offline.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# WCAG 2.1 A and AA rules, plus axe's best practices (landmarks, one h1).
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    }
}
FAILING_IMPACTS = ("serious", "critical")


def launch_chromium(playwright):
    executable = shutil.which("chromium")
    if executable is None:
        raise RuntimeError(
            "chromium is not installed: run 'make chromium' (apt-get install chromium)"
        )
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)


def pages_on(browser, stack):
    """For a fixture: yields ``make(language="en", width=None)``, which opens a
    fresh browser context (its own cookies) on ``stack``'s gateway with that
    Accept-Language and, if given, a viewport ``width`` (375 for a phone), and
    answers its page; the contexts are closed when the fixture ends."""
    contexts = []

    def make(language="en", width=None):
        options = {
            "base_url": stack.gateway_url,
            "locale": {"en": "en-GB", "nl": "nl-NL"}[language],
            "extra_http_headers": {"Accept-Language": language},
        }
        if width:
            options["viewport"] = {"width": width, "height": 800}
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


_axe = Axe()


def accessibility_problems(page):
    """axe-core's serious and critical violations on the page as it is now."""
    result = _axe.run(page, options=AXE_OPTIONS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in result.response["violations"]
        if v["impact"] in FAILING_IMPACTS
    ]


def assert_accessible(page):
    problems = accessibility_problems(page)
    assert not problems, f"{page.url}:\n" + "\n".join(problems)
