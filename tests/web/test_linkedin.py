"""Sign up and sign in with LinkedIn, in the browser, through the fake
LinkedIn provider (devtools/fake_linkedin), against a stack whose gateway is
configured for it; and every way its answer can be wrong, refused."""

import re
import uuid

import pytest
import requests
from playwright.sync_api import expect

from conftest import registration
from devtools.fake_linkedin import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, ServerThread
from gateway.rpc import RpcClient
from mentornet_testing import WIDE_CLIENT_LIMITS, Stack, wait_until
from tests.support import Member, link_token
from tests.web.browser import assert_accessible, pages_on

FAILED = "Signing in with LinkedIn did not work"


@pytest.fixture(scope="module")
def fake_linkedin():
    server = ServerThread()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def linkedin_system(logs_dir, mailbox, fake_linkedin):
    stack = Stack(
        logs_dir,
        rpc_client=RpcClient,
        smtp_port=mailbox.port,
        LINKEDIN_CLIENT_ID=DEFAULT_CLIENT_ID,
        LINKEDIN_CLIENT_SECRET=DEFAULT_CLIENT_SECRET,
        LINKEDIN_ISSUER=fake_linkedin.url + "/oauth",
        LINKEDIN_PICTURE_HOSTS="127.0.0.1",
        **WIDE_CLIENT_LIMITS,
    )
    try:
        names = ("identity", "profiles", "mentoring", "notifications", "gateway")
        for name in names:
            stack.start(name, wait=False)
        for name in names:  # a busy shared machine can take a while to start five processes
            stack.wait_ready(name, timeout=120)
        yield stack
    finally:
        stack.close()


@pytest.fixture
def linkedin_page(browser, linkedin_system):
    yield from pages_on(browser, linkedin_system)


def unique():
    return uuid.uuid4().hex[:8]


def at_linkedin(
    page, sub, email, given_name="Sanne", family_name="de Vries", verified=True, before_allow=None
):
    """On the fake LinkedIn's page: say who one is and allow."""
    expect(page.locator("h1")).to_have_text("Fake LinkedIn: development only")
    page.locator("#sub").fill(sub)
    page.locator("#given_name").fill(given_name)
    page.locator("#family_name").fill(family_name)
    page.locator("#email").fill(email)
    page.locator("#email_verified").select_option("true" if verified else "false")
    if before_allow:
        before_allow(page)
    page.locator("button[value=allow]").click()


def sign_in_with_linkedin(page, sub, email, **claims):
    page.goto("/login")
    page.locator("form.linkedin-sign-in button").click()
    at_linkedin(page, sub, email, **claims)


def logged_in(page):
    expect(page.locator("form[action='/logout']")).to_have_count(1)


def logged_out(page):
    expect(page.locator("form[action='/logout']")).to_have_count(0)


def fill_rest_of_sign_up(page, username):
    """What LinkedIn does not give: the rest of the guide's form."""
    page.get_by_label("Day").fill("12")
    page.get_by_label("Month").fill("4")
    page.get_by_label("Year").fill("1990")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill("canal bicycle tulip lantern")
    page.get_by_label("Confirm password").fill("canal bicycle tulip lantern")
    page.get_by_label("Security question").select_option(index=1)
    page.get_by_label("Security answer").fill("Pluisje")
    page.get_by_label("I have read and accept the privacy policy").check()
    page.get_by_label("I accept the terms and conditions").check()
    page.get_by_role("button", name="Create account").click()


def identity_scalar(system, sql, *params):
    return system.scalar("identity", sql, params)


def confirmed_member(system, mailbox):
    """A member who signed up with a password and confirmed their address."""
    member = Member(system, registration(language="en"))
    member.sign_up()
    token = link_token(mailbox, member.form["email"], "Confirm your e-mail address")
    response = requests.post(
        system.gateway_url + "/api/v1/email-confirmations", json={"token": token}, timeout=10
    )
    assert response.status_code == 200, response.text
    return member


def log_in_with_password(page, member):
    page.locator("#username").fill(member.form["username"])
    page.locator("#password").fill(member.form["password"])
    page.locator("main form button[type=submit]").first.click()


# -- sign-up, then sign-in ------------------------------------------------------------------
def test_sign_up_with_linkedin_prefills_links_and_then_signs_in(linkedin_page, linkedin_system):
    page = linkedin_page()
    sub, email = f"li-{unique()}", f"sanne.{unique()}@example.org"
    page.goto("/sign-up")
    assert_accessible(page)
    page.locator("form.linkedin-sign-in button").click()
    at_linkedin(page, sub, email)
    # Back on the sign-up form, pre-filled from LinkedIn.
    expect(page.locator("#linkedin-prefilled")).to_be_visible()
    expect(page.locator("#first_name")).to_have_value("Sanne")
    expect(page.locator("#last_name")).to_have_value("de Vries")
    expect(page.locator("#email")).to_have_value(email)
    expect(page.locator("#email_confirmation")).to_have_value(email)
    assert_accessible(page)
    username = f"sanne.{unique()}"
    fill_rest_of_sign_up(page, username)
    expect(page).to_have_url(re.compile(r"/onboarding"))
    logged_in(page)
    user_id = identity_scalar(
        linkedin_system, "SELECT id FROM accounts WHERE username = %s", username
    )
    # Linked by sub, and the address LinkedIn verified is confirmed without a link.
    assert (
        identity_scalar(
            linkedin_system, "SELECT account_id FROM linkedin_identities WHERE sub = %s", sub
        )
        == user_id
    )
    assert (
        identity_scalar(
            linkedin_system,
            "SELECT email_confirmed_at IS NOT NULL FROM accounts WHERE id = %s",
            user_id,
        )
        is True
    )
    # The photo from LinkedIn was fetched once and re-encoded by profiles.
    assert (
        linkedin_system.scalar(
            "profiles", "SELECT source FROM photos WHERE user_id = %s", (user_id,)
        )
        == "linkedin"
    )

    page.locator("form[action='/logout'] button").click()
    logged_out(page)
    sign_in_with_linkedin(page, sub, email)
    logged_in(page)
    expect(page).to_have_url(re.compile(r"/onboarding"))


def test_unverified_linkedin_address_is_not_confirmed(linkedin_page, linkedin_system):
    page = linkedin_page()
    sub, email = f"li-{unique()}", f"unverified.{unique()}@example.org"
    sign_in_with_linkedin(page, sub, email, verified=False)
    expect(page.locator("#email")).to_have_value(email)
    username = f"unverified.{unique()}"
    fill_rest_of_sign_up(page, username)
    logged_in(page)
    assert (
        identity_scalar(
            linkedin_system,
            "SELECT email_confirmed_at IS NULL FROM accounts WHERE username = %s",
            username,
        )
        is True
    )


# -- what is refused -------------------------------------------------------------------------
@pytest.mark.parametrize("tamper", ["forged", "expired", "wrong_nonce", "audience"])
def test_a_bad_id_token_is_refused(linkedin_page, linkedin_system, fake_linkedin, tamper):
    page = linkedin_page()
    requests.post(fake_linkedin.url + "/_fake/next-token", json={"tamper": tamper}, timeout=5)
    sign_in_with_linkedin(page, f"li-{unique()}", f"x.{unique()}@example.org")
    expect(page.locator("h1")).to_have_text(FAILED)
    logged_out(page)
    assert page.url.startswith(linkedin_system.gateway_url + "/linkedin/callback")
    assert_accessible(page)


def test_a_missing_nonce_passes_as_linkedin_sends_some(linkedin_page, fake_linkedin):
    page = linkedin_page()
    requests.post(fake_linkedin.url + "/_fake/next-token", json={"tamper": "no_nonce"}, timeout=5)
    sign_in_with_linkedin(page, f"li-{unique()}", f"x.{unique()}@example.org")
    expect(page.locator("#linkedin-prefilled")).to_be_visible()


def test_a_wrong_state_is_refused(linkedin_page):
    page = linkedin_page()

    def forge_state(at):
        at.locator("input[name=state]").evaluate("input => { input.value = 'forged-state'; }")

    sign_in_with_linkedin(
        page, f"li-{unique()}", f"x.{unique()}@example.org", before_allow=forge_state
    )
    expect(page.locator("h1")).to_have_text(FAILED)
    logged_out(page)


def test_a_replayed_code_is_refused(linkedin_page, linkedin_system):
    page = linkedin_page()
    callbacks = []
    page.on("request", lambda r: callbacks.append(r.url) if "/linkedin/callback" in r.url else None)
    sub, email = f"li-{unique()}", f"x.{unique()}@example.org"
    sign_in_with_linkedin(page, sub, email)
    expect(page.locator("#linkedin-prefilled")).to_be_visible()
    # The same answer again, in the same browser: its state was spent.
    page.goto(callbacks[0])
    expect(page.locator("h1")).to_have_text(FAILED)
    # And in another browser with a state of its own, the provider refuses the spent code.
    other = linkedin_page()
    other.goto("/login")
    other.locator("form.linkedin-sign-in button").click()
    state = re.search(r"state=([^&]+)", other.url).group(1)
    code = re.search(r"code=([^&]+)", callbacks[0]).group(1)
    other.goto(f"/linkedin/callback?code={code}&state={state}")
    expect(other.locator("h1")).to_have_text(FAILED)
    logged_out(other)


# -- no account takeover ---------------------------------------------------------------------
def test_an_address_with_an_account_asks_for_the_password_first(
    linkedin_page, linkedin_system, mailbox
):
    member = confirmed_member(linkedin_system, mailbox)
    page = linkedin_page()
    sub = f"li-{unique()}"
    # LinkedIn vouches for the member's confirmed address: still no login, no link.
    sign_in_with_linkedin(page, sub, member.form["email"])
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator("#linkedin-log-in-first")).to_contain_text(member.form["email"])
    logged_out(page)
    assert (
        identity_scalar(
            linkedin_system, "SELECT count(*) FROM linkedin_identities WHERE sub = %s", sub
        )
        == 0
    )
    assert_accessible(page)
    # A wrong password links nothing.
    page.locator("#username").fill(member.form["username"])
    page.locator("#password").fill("not the password at all")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("#error-summary")).to_be_visible()
    logged_out(page)
    # The right one leads to the question, and linking is the member's choice.
    log_in_with_password(page, member)
    expect(page).to_have_url(re.compile(r"/linkedin/link$"))
    assert_accessible(page)
    page.locator("button[value=link]").click()
    expect(page).to_have_url(re.compile(r"/profile$"))
    expect(page.locator("#linkedin-status")).to_contain_text("Connected to LinkedIn")
    assert (
        identity_scalar(
            linkedin_system, "SELECT account_id FROM linkedin_identities WHERE sub = %s", sub
        )
        == member.user_id
    )

    other = linkedin_page()
    sign_in_with_linkedin(other, sub, member.form["email"])
    logged_in(other)


def test_an_unverified_claim_of_someones_address_never_reaches_their_account(
    linkedin_page, linkedin_system, mailbox
):
    member = confirmed_member(linkedin_system, mailbox)
    page = linkedin_page()
    sign_in_with_linkedin(page, f"li-{unique()}", member.form["email"], verified=False)
    # Treated as a newcomer: the sign-up form, never the member's account.
    expect(page.locator("#linkedin-prefilled")).to_be_visible()
    logged_out(page)
    assert (
        identity_scalar(
            linkedin_system,
            "SELECT count(*) FROM linkedin_identities WHERE account_id = %s",
            member.user_id,
        )
        == 0
    )


# -- Connect on the profile -------------------------------------------------------------------
def test_connect_imports_names_and_photo_and_again_when_pressed(linkedin_page, linkedin_system):
    member = Member(linkedin_system, registration(language="en"))
    member.sign_up()
    wait_until(lambda: member.get("/me/profile").status_code == 200, 15, 0.05, "the profile")
    page = linkedin_page()
    page.goto("/login")
    log_in_with_password(page, member)
    logged_in(page)
    page.goto("/profile")
    expect(page.locator("#linkedin-status")).to_contain_text("Not connected")
    assert_accessible(page)
    sub = f"li-{unique()}"
    page.locator("#profile-linkedin button.linkedin").click()
    at_linkedin(
        page, sub, f"other.{unique()}@example.org", given_name="Anouk", family_name="Jansen"
    )
    expect(page).to_have_url(re.compile(r"/profile$"))
    expect(page.locator("#linkedin-status")).to_contain_text("Connected to LinkedIn")
    expect(page.locator("#linkedin-status")).to_contain_text("Last imported")
    expect(page.locator("main")).to_contain_text("Anouk")
    expect(page.locator("button.linkedin.connected")).to_have_text("Import from LinkedIn again")
    photo = page.locator("img.profile-photo")
    expect(photo).to_have_count(1)
    response = page.request.get(photo.get_attribute("src"))
    assert response.status == 200 and response.headers["content-type"] == "image/jpeg"
    assert "private" in response.headers["cache-control"] and response.headers["etag"]
    assert_accessible(page)

    # Unlinking needs the password.
    page.locator("#unlink-password").fill("wrong password here")
    page.locator("#profile-linkedin form[action='/linkedin/unlink'] button").click()
    expect(page.locator(".notice")).to_contain_text("password")
    expect(page.locator("#linkedin-status")).to_contain_text("Connected to LinkedIn")
    page.locator("#unlink-password").fill(member.form["password"])
    page.locator("#profile-linkedin form[action='/linkedin/unlink'] button").click()
    expect(page.locator(".notice")).to_contain_text("no longer connected")
    assert (
        identity_scalar(
            linkedin_system,
            "SELECT count(*) FROM linkedin_identities WHERE account_id = %s",
            member.user_id,
        )
        == 0
    )


def test_a_linkedin_member_linked_elsewhere_cannot_be_connected_again(
    linkedin_page, linkedin_system
):
    first, second = (Member(linkedin_system, registration(language="en")) for _ in range(2))
    sub = f"li-{unique()}"
    for member in (first, second):
        member.sign_up()
        wait_until(lambda: member.get("/me/profile").status_code == 200, 15, 0.05, "the profile")
        page = linkedin_page()
        page.goto("/login")
        log_in_with_password(page, member)
        page.goto("/profile")
        page.locator("#profile-linkedin button.linkedin").click()
        at_linkedin(page, sub, f"x.{unique()}@example.org")
        expect(page).to_have_url(re.compile(r"/profile$"))
    expect(page.locator(".notice")).to_contain_text("linked to another account")
    assert (
        identity_scalar(
            linkedin_system, "SELECT account_id FROM linkedin_identities WHERE sub = %s", sub
        )
        == first.user_id
    )


# -- the archive ----------------------------------------------------------------------------
POSITIONS_HEADER = "Company Name,Title,Description,Location,Started On,Finished On\n"


def archive_zip(positions_rows, extra=None):
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "Profile.csv",
            "First Name,Last Name,Maiden Name,Address,Birth Date,Headline,"
            "Summary,Industry,Zip Code,Geo Location,Twitter Handles,Websites,"
            "Instant Messengers\nSanne,de Vries,,,,Curator,,,,,,,\n",
        )
        z.writestr("Positions.csv", POSITIONS_HEADER + "".join(positions_rows))
        z.writestr(
            "Education.csv",
            "School Name,Start Date,End Date,Notes,Degree Name,Activities\n"
            "Universiteit Leiden,2010,2014,,MA History,\n",
        )
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def upload_archive(page, data, name="Basic_LinkedInDataExport.zip"):
    page.goto("/linkedin/archive")
    page.locator("#archive").set_input_files(
        {"name": name, "mimeType": "application/zip", "buffer": data}
    )
    page.locator("main form[enctype] button[type=submit]").click()


@pytest.fixture
def member_page(linkedin_page, linkedin_system):
    member = Member(linkedin_system, registration(language="en"))
    member.sign_up()
    wait_until(lambda: member.get("/me/profile").status_code == 200, 15, 0.05, "the profile")
    page = linkedin_page()
    page.goto("/login")
    log_in_with_password(page, member)
    logged_in(page)
    return member, page


def test_an_archive_is_previewed_then_imported_and_marked(member_page):
    member, page = member_page
    member.patch(
        "/me/profile",
        {
            "positions": [
                {
                    "organisation": "Old Firm",
                    "title": "Clerk",
                    "start_month": "2010-01",
                    "end_month": "2012-01",
                }
            ]
        },
    )
    rows = [
        f'Museum {i},Curator {i},"About\nit",Leiden,Jan {2000 + i},\n'
        if i == 0
        else f"Museum {i},Curator {i},,Leiden,Mar {2000 + i},Feb {2001 + i}\n"
        for i in range(3)
    ]
    upload_archive(page, archive_zip(rows))
    assert_accessible(page)
    expect(page.locator("#preview-positions li")).to_have_count(3)
    expect(page.locator("#replaced-positions")).to_contain_text("Clerk, Old Firm")
    # Nothing is written before the member confirms.
    assert [p["title"] for p in member.get("/me/profile").json()["positions"]] == ["Clerk"]
    page.get_by_role("button", name="Import and replace").click()
    expect(page).to_have_url(re.compile(r"/profile$"))
    expect(page.locator(".notice")).to_contain_text("Your LinkedIn data was imported.")
    expect(page.locator("#profile-professional_history")).to_contain_text("Curator 2, Museum 2")
    expect(page.locator("#profile-professional_history")).not_to_contain_text("Old Firm")
    expect(page.locator("#profile-professional_history .mark")).to_have_count(3)
    expect(page.locator("#profile-education")).to_contain_text("From LinkedIn")
    expect(page.locator("#linkedin-status")).to_contain_text("Last imported")
    profile = member.get("/me/profile").json()
    assert {p["source"] for p in profile["positions"]} == {"linkedin"}


def test_a_bad_row_is_named_and_nothing_is_imported(member_page):
    member, page = member_page
    upload_archive(
        page,
        archive_zip(
            ["Museum,Curator,,Leiden,Jan 2019,\n", "Archive,Archivist,,Utrecht,sometime,\n"]
        ),
    )
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#archive-problems")).to_contain_text("Positions.csv, line 3: Started On")
    assert_accessible(page)
    assert member.get("/me/profile").json()["positions"] == []


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_malicious_archive_is_refused_with_its_reason(linkedin_page, linkedin_system, language):
    member = Member(linkedin_system, registration(language=language))
    member.sign_up()
    page = linkedin_page(language)
    page.goto("/login")
    log_in_with_password(page, member)
    logged_in(page)
    upload_archive(page, archive_zip([], extra={"../../etc/cron.d/evil": "* * * * * root sh"}))
    expect(page.locator("#archive-error")).to_have_text(
        {
            "en": "The archive has a file with an unsafe name.",
            "nl": "Het archief bevat een bestand met een onveilige naam.",
        }[language]
    )
    assert_accessible(page)
    # A bomb: 40 MB of one letter in a few kilobytes.
    import io
    import zipfile

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("Positions.csv", POSITIONS_HEADER + "A" * (40 * 1024 * 1024))
    upload_archive(page, bomb.getvalue())
    expect(page.locator("#archive-error")).to_be_visible()
    upload_archive(page, b"not a zip at all", name="Positions.csv")
    expect(page.locator("#archive-error")).to_have_text(
        {"en": "This is not a ZIP archive.", "nl": "Dit is geen ZIP-archief."}[language]
    )
    assert member.get("/me/profile").json()["positions"] == []


def test_a_photo_upload_is_shown_and_a_non_image_refused(member_page, linkedin_page):
    import io

    from PIL import Image

    member, page = member_page
    page.goto("/profile")
    page.locator("#photo").set_input_files(
        {"name": "me.gif", "mimeType": "image/gif", "buffer": b"GIF89a" + b"\0" * 64}
    )
    page.get_by_role("button", name="Upload photo").click()
    expect(page.locator(".notice")).to_contain_text("Upload a JPEG, PNG or WebP photo.")
    out = io.BytesIO()
    Image.new("RGB", (900, 600), (10, 120, 200)).save(out, "PNG")
    page.locator("#photo").set_input_files(
        {"name": "me.png", "mimeType": "image/png", "buffer": out.getvalue()}
    )
    page.get_by_role("button", name="Upload photo").click()
    expect(page.locator(".notice")).to_contain_text("Your photo is on your profile.")
    src = page.locator("img.profile-photo").get_attribute("src")
    first = page.request.get(src)
    assert first.status == 200 and first.headers["content-type"] == "image/jpeg"
    again = page.request.get(src, headers={"If-None-Match": first.headers["etag"]})
    assert again.status == 304
    # Another visitor (not logged in) gets no photo.
    assert linkedin_page().request.get(src, max_redirects=0).status in (302, 303)


def test_a_photo_shows_where_a_verified_member_sees_the_profile_and_nowhere_else(
    linkedin_page, linkedin_system, tmp_path
):
    import io

    from PIL import Image

    from tests.support import onboarded_member

    owner = onboarded_member(linkedin_system, tmp_path, registration(language="en"))
    viewer = onboarded_member(linkedin_system, tmp_path, registration(language="en"))
    newcomer = Member(linkedin_system, registration(language="en"))
    newcomer.sign_up()
    out = io.BytesIO()
    Image.new("RGB", (300, 300), (200, 120, 10)).save(out, "JPEG")
    page = linkedin_page()
    page.goto("/login")
    log_in_with_password(page, owner)
    page.goto("/profile")
    page.locator("#photo").set_input_files(
        {"name": "me.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}
    )
    page.get_by_role("button", name="Upload photo").click()
    expect(page.locator(".notice")).to_contain_text("Your photo is on your profile.")
    page.goto("/dashboard")
    expect(page.locator("img.dashboard-photo")).to_have_count(1)

    theirs = linkedin_page()
    theirs.goto("/login")
    log_in_with_password(theirs, viewer)
    logged_in(theirs)
    theirs.goto(f"/members/{owner.user_id}")
    photo = theirs.locator(".public-profile img.profile-photo")
    expect(photo).to_have_count(1)
    src = photo.get_attribute("src")
    assert theirs.request.get(src).status == 200
    assert_accessible(theirs)

    unverified = linkedin_page()
    unverified.goto("/login")
    log_in_with_password(unverified, newcomer)
    logged_in(unverified)
    assert unverified.request.get(src).status == 404
