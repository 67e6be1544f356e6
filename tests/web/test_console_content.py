"""The editors' part of the console in a real browser: service updates in
English and Dutch (each member reads hers in her language), new versions of
the policies and the guidelines (members agree to new guidelines at their next
visit), and who may not.  Axe on every page in English and Dutch."""

import uuid

import pytest
from playwright.sync_api import expect

from conftest import registration
from gateway.rpc import RpcClient
from mentornet_testing import WIDE_CLIENT_LIMITS, Stack
from tests.support import onboarded_member
from tests.web.browser import assert_accessible
from tests.web.console import ConsoleOperator, make_operator

TEXTS = {
    "en": {
        "updates": "Service updates",
        "title_nl": "Title in Dutch",
        "published": "Service update published",
        "withdrawn": "Withdrawn",
        "policies": "Policies",
        "guidelines": "Guidelines",
        "privacy": "Privacy policy",
        "policy_published": "Policy published",
        "guidelines_published": "Guidelines published",
        "agree_to_go_on": "To go on, agree to the new guidelines",
        "version_label": "Version label",
    },
    "nl": {
        "updates": "Berichten over de dienst",
        "title_nl": "Titel in het Nederlands",
        "published": "Servicebericht gepubliceerd",
        "withdrawn": "Ingetrokken",
        "policies": "Beleid",
        "guidelines": "Richtlijnen",
        "privacy": "Privacybeleid",
        "policy_published": "Beleid gepubliceerd",
        "guidelines_published": "Richtlijnen gepubliceerd",
        "agree_to_go_on": "Ga akkoord met de nieuwe richtlijnen om verder te gaan",
        "version_label": "Versielabel",
    },
}


@pytest.fixture(scope="module")
def system(logs_dir, mailbox):
    """A system of this module's own: the guidelines and the privacy policy it
    publishes are every member's next ones, and the shared system's other
    tests expect the settings' versions."""
    stack = Stack(logs_dir, rpc_client=RpcClient, smtp_port=mailbox.port, **WIDE_CLIENT_LIMITS)
    try:
        stack.start_all()
        yield stack
    finally:
        stack.close()


def log_in_member(page, member):
    page.goto("/login")
    page.locator("#username").fill(member.form["username"])
    page.locator("#password").fill(member.form["password"])
    page.locator("main form button[type=submit]").click()
    expect(page.locator("form[action='/logout']")).to_have_count(1)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_an_editor_publishes_a_service_update_members_read_in_their_language(
    system, new_page, tmp_path, language
):
    texts = TEXTS[language]
    editor = ConsoleOperator(make_operator(system, "editor"))
    page = new_page(language)
    editor.log_in(page)
    page.locator("header nav a", has_text=texts["updates"]).click()
    expect(page.locator("h1")).to_have_text(texts["updates"])
    assert_accessible(page)

    tag = uuid.uuid4().hex[:6]
    english, dutch = f"Maintenance on Sunday {tag}", f"Onderhoud op zondag {tag}"
    page.locator("#title_en").fill(english)
    page.locator("#body_en").fill("The network is down from 8 to 9.")
    page.locator("#body_nl").fill("Het netwerk is van 8 tot 9 uit de lucht.")
    publish = page.locator("form[action='/console/service-updates'] button[type=submit]")
    publish.click()  # no Dutch title
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text(texts["title_nl"])
    expect(page.locator("#title_nl")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#title_en")).to_have_value(english)  # what was written stays
    assert_accessible(page)
    page.locator("#title_nl").fill(dutch)
    publish.click()
    published = page.locator("article.service-update", has_text=english)
    expect(published).to_contain_text(dutch)
    assert_accessible(page)

    # A member reads it in her own language, and not in the other.
    member = onboarded_member(system, tmp_path, registration(language=language))
    reader = new_page(language)
    log_in_member(reader, member)
    reader.goto("/dashboard")
    expect(
        reader.locator("#updates h3", has_text=dutch if language == "nl" else english)
    ).to_be_visible()
    other = english if language == "nl" else dutch
    expect(reader.get_by_text(other)).to_have_count(0)

    published.locator("button").click()
    expect(page.locator("article.service-update", has_text=english)).to_contain_text(
        texts["withdrawn"]
    )
    reader.goto("/dashboard")
    expect(reader.get_by_text(dutch if language == "nl" else english)).to_have_count(0)

    page.goto("/console/audit-log")
    entries = page.locator("table.audit-log tbody tr", has_text=english)
    expect(entries.filter(has_text=texts["published"])).to_have_count(1)
    expect(entries.filter(has_text=editor.username)).to_have_count(2)  # published, withdrawn


def publish_version(page, version, title_en, body_en, title_nl, body_nl):
    page.locator("#version").fill(version)
    page.locator("#title_en").fill(title_en)
    page.locator("#body_en").fill(body_en)
    page.locator("#title_nl").fill(title_nl)
    page.locator("#body_nl").fill(body_nl)
    page.locator("main form button[type=submit]").click()


@pytest.mark.parametrize("language", ["en", "nl"])
def test_an_editor_publishes_new_guidelines_and_members_agree_at_their_next_visit(
    system, new_page, tmp_path, language
):
    texts = TEXTS[language]
    member = onboarded_member(system, tmp_path, registration(language=language))
    editor = ConsoleOperator(make_operator(system, "editor"))
    page = new_page(language)
    editor.log_in(page)
    page.locator("header nav a", has_text=texts["guidelines"]).click()
    expect(page.locator("h1")).to_have_text(texts["guidelines"])
    assert_accessible(page)
    # The form starts from the current text; without a label nothing is published.
    expect(page.locator("#title_en")).not_to_have_value("")
    page.locator("#title_nl").fill("")
    page.locator("main form button[type=submit]").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text(texts["version_label"])
    expect(summary).to_contain_text(texts["title_nl"])
    expect(page.locator("#title_nl")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)

    version = f"g-{uuid.uuid4().hex[:8]}"
    publish_version(
        page,
        version,
        f"Guidelines {version}",
        "## Be kind\n\nListen before you advise.\n\n## Be on time\n\nCome to what you agreed.",
        f"Richtlijnen {version}",
        "## Wees vriendelijk\n\nLuister voor je adviseert.\n\n## Wees op tijd\n\nKom je afspraken na.",
    )
    expect(page.locator("[role=status]")).to_contain_text(version)
    expect(page.locator("#current-title")).to_contain_text(version)
    expect(page.locator("table.document-versions")).to_be_visible()  # the settings' text before it
    assert_accessible(page)
    page.goto("/console/audit-log")
    expect(
        page.locator("table.audit-log tbody tr", has_text=version).filter(
            has_text=texts["guidelines_published"]
        )
    ).to_have_count(1)

    # The member's next visit: the new guidelines first, then her dashboard.
    visit = new_page(language)
    log_in_member(visit, member)
    visit.goto("/dashboard")
    expect(visit).to_have_url(f"{system.gateway_url}/onboarding/guidelines")
    title = f"Richtlijnen {version}" if language == "nl" else f"Guidelines {version}"
    expect(visit.locator("h1")).to_have_text(title)
    heading = "Wees op tijd" if language == "nl" else "Be on time"
    expect(visit.get_by_role("heading", name=heading)).to_be_visible()
    assert_accessible(visit)
    # Declining, she is no newcomer: she may agree after all, or leave the
    # network through the settings (not the unfinished account's deletion).
    visit.locator("button[name=agree][value=no]").click()
    expect(visit.locator("h1")).to_have_text(texts["agree_to_go_on"])
    expect(visit.locator("main a[href='/settings/delete-account']")).to_be_visible()
    expect(visit.locator("#password")).to_have_count(0)
    assert_accessible(visit)
    visit.locator("main a[href='/onboarding/guidelines']").click()
    visit.locator("button[name=agree][value=yes]").click()
    visit.goto("/dashboard")
    expect(visit).to_have_url(f"{system.gateway_url}/dashboard")


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_new_privacy_policy_version_shows_on_the_public_page(system, new_page, language):
    texts = TEXTS[language]
    editor = ConsoleOperator(make_operator(system, "editor"))
    page = new_page(language)
    editor.log_in(page)
    page.locator("header nav a", has_text=texts["policies"]).click()
    expect(page.locator("h1")).to_have_text(texts["policies"])
    assert_accessible(page)
    page.locator("main a[href='/console/policies/privacy-policy']").click()
    expect(page.locator("h1")).to_have_text(texts["privacy"])
    assert_accessible(page)
    version = f"p-{uuid.uuid4().hex[:8]}"
    publish_version(
        page,
        version,
        "Privacy policy",
        f"We keep only what the network needs ({version}).\n\nAsk us what we hold.",
        "Privacybeleid",
        f"We bewaren alleen wat het netwerk nodig heeft ({version}).\n\nVraag ons wat we bewaren.",
    )
    expect(page.locator("#current-title")).to_contain_text(version)
    assert_accessible(page)
    page.goto("/console/audit-log")
    expect(
        page.locator("table.audit-log tbody tr", has_text=version).filter(
            has_text=texts["policy_published"]
        )
    ).to_have_count(1)

    visitor = new_page(language)
    visitor.goto("/privacy-policy")
    expect(visitor.locator("h1")).to_have_text(texts["privacy"])
    expect(visitor.locator(".policy-version")).to_contain_text(version)
    body = "We bewaren alleen wat het netwerk nodig heeft" if language == "nl" else "We keep only"
    expect(visitor.locator("main")).to_contain_text(f"{body}")
    assert visitor.goto(f"/privacy-policy/{version}").status == 200
    assert_accessible(visitor)


def test_a_reviewer_may_not_edit_updates_policies_or_guidelines(system, new_page):
    reviewer = ConsoleOperator(make_operator(system, "reviewer"))
    page = new_page()
    reviewer.log_in(page)
    for label in ("Service updates", "Policies", "Guidelines"):
        expect(page.locator("header nav a", has_text=label)).to_have_count(0)
    for path in (
        "/console/service-updates",
        "/console/policies",
        "/console/policies/terms",
        "/console/guidelines",
    ):
        response = page.request.get(path)
        assert response.status == 403, path
        assert "Your role does not allow this page." in response.text()
    # A form posted anyway (with the session's own CSRF token) is refused too,
    # and publishes nothing.
    token = page.locator("form[action='/console/logout'] input[name=csrf_token]").input_value()
    update = {"title_en": "Sneaky", "body_en": "x", "title_nl": "Stiekem", "body_nl": "x"}
    for path, form in (
        ("/console/service-updates", update),
        ("/console/service-updates/1/withdraw", {}),
        ("/console/guidelines", {"version": "sneaky"}),
    ):
        response = page.request.post(path, form={"csrf_token": token, **form})
        assert response.status == 403, path
    published = system.rpc.call("notifications", "list_service_updates", kwargs={})
    assert "Sneaky" not in repr(published)
    page.goto("/console/guidelines")
    expect(page.locator("h1")).to_have_text("This was refused")
    assert_accessible(page)
