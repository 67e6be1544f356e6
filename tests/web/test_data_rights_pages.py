"""The member's data rights in a real browser: asking for one's data, the
e-mailed single-use link (a page with a button, not a download on GET), the
archive, the spent link refused in words; deleting the account with the
password (a wrong one named beside its field), logged out at once, and the
other member's pages saying "a former member".  Axe on every new page, in
both languages."""

import io
import re
import zipfile

from playwright.sync_api import expect

from conftest import registration
from mentornet_testing import wait_until
from tests.support import ask, become_mentor, onboarded_member
from tests.web.browser import assert_accessible
from tests.web.test_mentoring_pages import browser_of


def test_download_my_data_with_a_link_that_works_once(system, mailbox, tmp_path, new_page):
    member = onboarded_member(system, tmp_path, registration(first_name="Ida", language="en"))
    page = browser_of(new_page, system, member)
    page.goto("/settings")
    page.get_by_role("link", name="Download your data, or delete your account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data and your account")
    assert_accessible(page)
    page.get_by_role("button", name="Ask for my data").click()
    expect(page.get_by_role("status")).to_contain_text("We are collecting your data.")
    mail = wait_until(lambda: mailbox.to(member.form["email"], "data is ready"), 30, 0.1, "mail")
    link = re.search(r"(http\S+/settings/data/download\?token=\S+)", mail[-1]["body"]).group(1)
    page.goto(link[link.index("/settings") :])
    expect(page.get_by_role("heading", level=1)).to_have_text("Download your data")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download my data").click()
    archive = zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read()))
    assert sorted(archive.namelist()) == [
        "identity.json",
        "mentoring.json",
        "notifications.json",
        "profiles.json",
    ]
    assert member.form["username"] in archive.read("identity.json").decode()

    page.goto(link[link.index("/settings") :])
    page.get_by_role("button", name="Download my data").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("This download link has been used or has expired.")
    assert_accessible(page)
    page.goto("/settings/data")
    expect(page.get_by_text("You downloaded your last archive on")).to_be_visible()

    assert member.put("/me/language", {"language": "nl"}).status_code == 200
    dutch = browser_of(new_page, system, member, "nl")
    dutch.goto("/settings/data")
    expect(dutch.get_by_role("heading", level=1)).to_have_text("Je gegevens en je account")
    assert_accessible(dutch)


def test_deleting_my_account_leaves_the_other_member_a_former_member(system, tmp_path, new_page):
    mentor = onboarded_member(system, tmp_path, registration(first_name="Marit", language="nl"))
    mentee = onboarded_member(
        system, tmp_path, registration(first_name="Sem", language="en"), role="student"
    )
    become_mentor(mentor)
    request_id = ask(mentee, mentor).json()["id"]
    relationship_id = mentor.post(f"/mentoring/requests/{request_id}/accept").json()[
        "relationship"
    ]["id"]
    assert (
        mentor.post("/conversations", {"recipient_id": mentee.user_id, "body": "Welcome!"})
    ).status_code == 201

    page = browser_of(new_page, system, mentee)
    page.goto("/settings/delete-account")
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete your account")
    assert_accessible(page)
    page.get_by_label("Password").fill("not my password at all")
    page.get_by_role("button", name="Delete my account for good").click()
    expect(page.get_by_label("Password")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".error-summary")).to_contain_text("Your password is not correct.")
    assert_accessible(page)
    page.get_by_label("Password").fill(mentee.form["password"])
    page.get_by_role("button", name="Delete my account for good").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account has been deleted")
    page.goto("/dashboard")
    expect(page).to_have_url(re.compile(r"/login"))  # logged out at once
    assert mentee.login().status_code == 401
    wait_until(
        lambda: system.scalar(
            "identity",
            "SELECT completed_at IS NOT NULL FROM account_erasures WHERE user_id = %s",
            (mentee.user_id,),
        ),
        30,
        0.1,
        "the erasure to complete",
    )

    seen = browser_of(new_page, system, mentor, "nl")
    seen.goto(f"/relationships/{relationship_id}")
    expect(seen.get_by_role("heading", level=1)).to_contain_text("een voormalig lid")
    # Why it ended, in the reader's language (mentoring keeps its own words).
    expect(seen.get_by_text("Het lid heeft het netwerk verlaten.")).to_be_visible()
    seen.goto("/inbox")
    expect(seen.get_by_text("Een voormalig lid")).to_be_visible()
    assert_accessible(seen)

    dutch = browser_of(new_page, system, mentor, "nl")
    dutch.goto("/settings/delete-account")
    expect(dutch.get_by_role("heading", level=1)).to_have_text("Je account verwijderen")
    assert_accessible(dutch)
