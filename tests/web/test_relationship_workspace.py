"""The relationship's page as the partners' workspace, in a real browser, each
member in their own browser context, against the whole running system: they
are matched; the mentor adds a goal and the mentee ticks it off, the history
saying who did what; the mentee proposes two times in New York's zone and the
mentor (in Amsterdam's) picks one; both get an e-mail whose invitation parses
as one calendar event at the right UTC time, and moving and cancelling send the
same event again (same UID, SEQUENCE + 1, METHOD:CANCEL); a private note stays
the writer's, a shared one reaches the partner; axe in English and Dutch, 375
px; another member is refused everything by URL and by RPC."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from playwright.sync_api import expect

from conftest import registration
from gateway.rpc import RemoteError
from mentornet_testing import wait_until
from tests.support import ask, become_mentor, onboarded_member
from tests.web.browser import assert_accessible
from tests.web.conftest import PageMember

NEW_YORK, AMSTERDAM = ZoneInfo("America/New_York"), ZoneInfo("Europe/Amsterdam")


def browser_of(new_page, system, member, language="en", width=None):
    page = new_page(language, width=width)
    PageMember(system, member.form, member.user_id).log_in(page)
    return page


def name_of(member):
    return f"{member.form['first_name']} {member.form['last_name']}"


@pytest.fixture
def matched(system, tmp_path):
    """A mentor and a mentee in a current relationship: (mentor, mentee, relationship id)."""

    def make(language="en"):
        mentor = onboarded_member(
            system, tmp_path, registration(first_name="Marit", language=language)
        )
        mentee = onboarded_member(
            system, tmp_path, registration(first_name="Sem", language=language), role="student"
        )
        become_mentor(mentor)
        asked = ask(mentee, mentor)
        assert asked.status_code == 201, asked.text
        accepted = mentor.post(f"/mentoring/requests/{asked.json()['id']}/accept", {"reply": "Yes"})
        assert accepted.status_code == 200, accepted.text
        return mentor, mentee, accepted.json()["relationship"]["id"]

    return make


def invitation(mailbox, address, subject):
    """The calendar event in the newest mail to ``address`` matching ``subject``."""
    mail = wait_until(lambda: mailbox.to(address, subject), 20, 0.1, f"mail '{subject}'")[-1]
    (part,) = [
        p
        for p in mail["message"].walk()
        if p.get_content_type() == "text/calendar" and p.get_filename() == "invite.ics"
    ]
    calendar = icalendar.Calendar.from_ical(part.get_content())
    (event,) = calendar.walk("VEVENT")
    return mail, str(calendar["METHOD"]), event


def local(moment, zone):
    """A datetime-local input's value for ``moment`` in ``zone``."""
    return moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M")


def test_goals_meetings_with_invitations_and_notes_the_whole_story(
    system, mailbox, new_page, matched
):
    mentor, mentee, relationship = matched()
    theirs = browser_of(new_page, system, mentor)
    theirs.goto(f"/relationships/{relationship}")
    expect(theirs.get_by_role("heading", level=1)).to_have_text(f"You mentor {name_of(mentee)}")
    # The partners: both shown, the partner's contact details with them.
    people = theirs.get_by_role("region", name="The two of you")
    expect(people.get_by_role("heading", name=name_of(mentee))).to_be_visible()
    expect(people.get_by_role("link", name=mentee.form["email"])).to_be_visible()
    # The conversation: none yet, and a way to start it.
    expect(
        theirs.get_by_role("region", name="Your conversation").get_by_role(
            "link", name="Write the first message"
        )
    ).to_be_visible()

    # -- a goal: the mentor adds it, the mentee ticks it off --------------------------
    goals = theirs.get_by_role("region", name="Goals")
    goals.get_by_role("button", name="Add the goal").click()
    expect(theirs.get_by_role("alert")).to_contain_text("Say what the goal is.")
    expect(theirs.locator("#title")).to_have_attribute("aria-invalid", "true")
    theirs.get_by_label("A new goal").fill("A CV that fits on one page")
    theirs.get_by_role("button", name="Add the goal").click()
    expect(theirs.get_by_role("status")).to_have_text("The goal is added.")
    expect(goals.get_by_role("button", name=re.compile("Tick off"))).to_have_count(0)  # mentee's

    mine = browser_of(new_page, system, mentee)
    mine.goto(f"/relationships/{relationship}")
    mine.get_by_role("button", name="Tick off: A CV that fits on one page").click()
    expect(mine.get_by_role("status")).to_have_text("The goal is ticked off.")
    history = mine.get_by_role("list").filter(has_text="added by")
    expect(history.get_by_role("listitem").nth(0)).to_contain_text(
        f"added by {name_of(mentor)}: A CV that fits on one page"
    )
    expect(history.get_by_role("listitem").nth(1)).to_contain_text(
        "ticked off by you: A CV that fits on one page"
    )

    # -- a meeting: the mentee proposes two times in New York, the mentor picks one ----
    day = (datetime.now(UTC) + timedelta(days=10)).date()
    first = datetime(day.year, day.month, day.day, 10, 0, tzinfo=NEW_YORK)
    second = first + timedelta(days=1, hours=3)
    mine.get_by_label("Time 1").fill(local(first, NEW_YORK))
    mine.get_by_label("Time 2").fill(local(second, NEW_YORK))
    mine.get_by_label("Time zone", exact=True).fill("America/Nowhere")
    mine.get_by_label("Link to the online meeting").fill("http://meet.example.org/sem")
    mine.get_by_role("button", name="Propose the meeting").click()
    summary = mine.get_by_role("alert")
    expect(summary).to_contain_text("Choose a time zone from the list.")
    expect(summary.get_by_role("link", name=re.compile("^Time zone"))).to_have_attribute(
        "href", "#time_zone"
    )
    expect(mine.get_by_label("Time 2")).to_have_value(local(second, NEW_YORK))  # kept
    mine.get_by_label("Time zone", exact=True).fill("America/New_York")
    mine.get_by_role("button", name="Propose the meeting").click()
    expect(mine.get_by_role("alert")).to_contain_text("starting with https://")
    mine.get_by_label("Link to the online meeting").fill("https://meet.example.org/sem-marit")
    mine.get_by_role("button", name="Propose the meeting").click()
    expect(mine.get_by_role("status")).to_contain_text("Your times are proposed.")
    expect(mine.get_by_text("Waiting for")).to_be_visible()

    wait_until(
        lambda: mailbox.to(mentor.form["email"], "proposes a meeting"), 20, 0.1, "proposal mail"
    )
    theirs.goto(f"/relationships/{relationship}")
    # The mentor reads the times in Amsterdam's zone (the network's default).
    amsterdam = second.astimezone(AMSTERDAM)
    choice = theirs.get_by_label(re.compile(amsterdam.strftime("%H:%M") + r" \(Europe/Amsterdam\)"))
    choice.check()
    theirs.get_by_role("button", name="Pick this time").click()
    expect(theirs.get_by_role("status")).to_contain_text("The meeting is on.")

    expected_start = second.astimezone(UTC)
    for member in (mentor, mentee):
        mail, method, event = invitation(mailbox, member.form["email"], "is on")
        assert method == "REQUEST"
        assert event.decoded("DTSTART") == expected_start  # the right moment, in UTC
        assert event.decoded("DTEND") == expected_start + timedelta(minutes=60)
        assert int(event["SEQUENCE"]) == 0
        assert str(event["LOCATION"]) == "https://meet.example.org/sem-marit"
    uid = str(event["UID"])
    # Each mail says the time in its reader's zone.
    assert second.strftime("%Y-%m-%d %H:%M (America/New_York)") in mail["body"]

    # -- moved by the mentee, then cancelled by the mentor: the invitation follows -----
    mine.goto(f"/relationships/{relationship}")
    meeting = mine.locator(".meeting").first
    expect(meeting.get_by_role("link", name="https://meet.example.org/sem-marit")).to_be_visible()
    meeting.get_by_text("Move or cancel this meeting").click()
    moved = second + timedelta(hours=2)
    meeting.get_by_label("New time").fill(local(moved, NEW_YORK))
    meeting.get_by_role("button", name="Move the meeting").click()
    expect(mine.get_by_role("status")).to_contain_text("The meeting is moved.")
    _, method, event = invitation(mailbox, mentor.form["email"], "moved to")
    assert (method, str(event["UID"]), int(event["SEQUENCE"])) == ("REQUEST", uid, 1)
    assert event.decoded("DTSTART") == moved.astimezone(UTC)

    theirs.goto(f"/relationships/{relationship}")
    theirs.get_by_text("Move or cancel this meeting").click()
    theirs.get_by_role("button", name="Cancel the meeting").click()
    expect(theirs.get_by_role("status")).to_contain_text("The meeting is cancelled.")
    _, method, event = invitation(mailbox, mentee.form["email"], "is cancelled")
    assert (method, str(event["UID"]), int(event["SEQUENCE"])) == ("CANCEL", uid, 2)
    assert str(event["STATUS"]) == "CANCELLED"

    # -- notes after a meeting: private stays the writer's, shared reaches the partner ---
    theirs.get_by_label("Time 1").fill(local(first, AMSTERDAM))
    theirs.get_by_label("Place").fill("Lipsius, room 0.11")
    theirs.get_by_role("button", name="Propose the meeting").click()
    mine.goto(f"/relationships/{relationship}")
    mine.get_by_role("button", name="Pick this time").click()
    expect(mine.get_by_role("status")).to_contain_text("The meeting is on.")
    # The meeting takes place: its time is set in the past (the one clock we control
    # here is the database's; notes open once a meeting has begun).
    system.query(
        "mentoring",
        "UPDATE meetings SET starts_at = now() - interval '2 hours' WHERE status = 'scheduled'"
        " AND relationship_id = %s",
        (relationship,),
    )
    mine.reload()
    mine.get_by_label("Your note").fill("Private: nervous about the salary question")
    mine.get_by_role("button", name="Save the note").click()
    expect(mine.get_by_role("status")).to_have_text("Your note is saved.")
    mine.get_by_label("Your note").fill("Next time: the cover letter")
    mine.get_by_label(f"Share it with {name_of(mentor)}").check()
    mine.get_by_role("button", name="Save the note").click()
    expect(mine.get_by_text("Private: nervous about the salary question")).to_be_visible()
    theirs.goto(f"/relationships/{relationship}")
    expect(theirs.get_by_text("Next time: the cover letter")).to_be_visible()
    assert "nervous about the salary" not in theirs.content()
    assert_accessible(theirs)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_workspace_passes_axe_and_fits_a_phone(system, new_page, matched, language):
    mentor, mentee, relationship = matched(language)
    page = browser_of(new_page, system, mentor, language)
    page.goto(f"/relationships/{relationship}")
    page.get_by_role("button", name=re.compile("Add the goal|Doel toevoegen")).click()  # refused
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert_accessible(page)
    page.goto(f"/relationships/{relationship}")
    goal = "Een cv op één pagina" if language == "nl" else "A one-page CV"
    page.locator("#title").fill(goal)
    page.locator("#title").press("Enter")
    later = (datetime.now(UTC) + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    page.locator("#times").fill(later)
    page.locator("#times").locator("xpath=ancestor::form").get_by_role("button").click()
    expect(page.get_by_role("status")).to_be_visible()
    assert_accessible(page)
    phone = browser_of(new_page, system, mentee, language, width=375)
    phone.goto(f"/relationships/{relationship}")
    expect(phone.locator(".goals").get_by_text(goal)).to_be_visible()
    assert phone.locator("html").evaluate("html => html.scrollWidth") <= 375
    assert_accessible(phone)


def test_another_member_is_refused_everything_by_url_and_by_rpc(
    system, tmp_path, new_page, matched
):
    mentor, mentee, relationship = matched()
    system.rpc.call(
        "mentoring",
        "add_goal",
        kwargs={"user_id": mentee.user_id, "relationship_id": relationship, "title": "Secret goal"},
    )
    proposed = system.rpc.call(
        "mentoring",
        "propose_meeting",
        kwargs={
            "user_id": mentee.user_id,
            "relationship_id": relationship,
            "proposal": {
                "times": [(datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")],
                "time_zone": "UTC",
                "place": "Secret place",
            },
        },
    )
    goal_id = system.rpc.call(
        "mentoring",
        "get_workspace",
        kwargs={"user_id": mentee.user_id, "relationship_id": relationship},
    )["goals"][0]["id"]
    meeting, time_id = proposed["id"], proposed["times"][0]["id"]
    stranger = onboarded_member(system, tmp_path, registration(first_name="Eve", language="en"))
    soon = (datetime.now(UTC) + timedelta(days=4)).strftime("%Y-%m-%dT%H:%M")

    # By RPC: every method answers NotFound, as for one that does not exist.
    calls = {
        "get_workspace": {"relationship_id": relationship},
        "add_goal": {"relationship_id": relationship, "title": "Mine now"},
        "complete_goal": {"relationship_id": relationship, "goal_id": goal_id},
        "propose_meeting": {
            "relationship_id": relationship,
            "proposal": {"times": [soon], "time_zone": "UTC"},
        },
        "pick_meeting_time": {"meeting_id": meeting, "time_id": time_id},
        "move_meeting": {
            "meeting_id": meeting,
            "starts_at": soon,
            "time_zone": "UTC",
        },
        "cancel_meeting": {"meeting_id": meeting},
        "add_meeting_note": {"meeting_id": meeting, "body": "Hi", "shared": True},
    }
    for method, arguments in calls.items():
        with pytest.raises(RemoteError) as refused:
            system.rpc.call("mentoring", method, kwargs={"user_id": stranger.user_id, **arguments})
        assert refused.value.exc_type == "NotFound", method

    # By URL: the page and every form answer the same "not found" page as a missing one.
    page = browser_of(new_page, system, stranger)
    assert page.goto("/relationships/999999999").status == 404
    not_found = page.locator("main").inner_text()
    response = page.goto(f"/relationships/{relationship}")
    assert response.status == 404 and page.locator("main").inner_text() == not_found
    html = page.content()
    assert "Secret goal" not in html and "Secret place" not in html
    posts = [
        f"/relationships/{relationship}/goals",
        f"/relationships/{relationship}/goals/{goal_id}/done",
        f"/relationships/{relationship}/meetings",
        f"/relationships/{relationship}/meetings/{meeting}/pick",
        f"/relationships/{relationship}/meetings/{meeting}/move",
        f"/relationships/{relationship}/meetings/{meeting}/cancel",
        f"/relationships/{relationship}/meetings/{meeting}/notes",
    ]
    # The stranger's own CSRF token, from a form of theirs (the settings page).
    page.goto("/settings")
    csrf = page.locator("input[name=csrf_token]").first.get_attribute("value")
    for path in posts:
        answer = page.request.post(
            path,
            form={"csrf_token": csrf, "title": "x", "time_id": str(time_id), "body": "x"},
        )
        assert answer.status == 404, (path, answer.status)
        assert "Secret" not in answer.text()
    # Nothing changed for the two members.
    seen = system.rpc.call(
        "mentoring",
        "get_workspace",
        kwargs={"user_id": mentor.user_id, "relationship_id": relationship},
    )
    assert [g["title"] for g in seen["goals"]] == ["Secret goal"] and not seen["goals"][0]["done"]
    assert seen["meetings"][0]["status"] == "proposed"
