"""The network at a glance, in a real browser, on a stack of its own whose
data the test made (straight into each service's database, with known times),
so every figure the administrator sees is known: members by role and
verification, sign-ups per week, mentors and places, requests by state, the
acceptance rate and median time to answer, relationships and feedback.  The
charts are images with a title and a description, the same figures are in
tables, the CSV has every figure; a reviewer may not see any of it.  Axe in
English and Dutch."""

import csv
import io
import uuid

import pytest
from playwright.sync_api import expect

from conftest import ADMIN_TOKEN
from gateway.rpc import RpcClient
from mentornet_contracts.operators import API_KEY_SCOPES
from mentornet_testing import WIDE_CLIENT_LIMITS, Stack
from tests.web.browser import assert_accessible, pages_on
from tests.web.console import ConsoleOperator, make_operator

TEXTS = {
    "en": {"title": "The network at a glance", "rate": "66.7%", "average": "4.5"},
    "nl": {"title": "Het netwerk in één oogopslag", "rate": "66,7%", "average": "4,5"},
}


def ids(count):
    return [str(uuid.uuid4()) for _ in range(count)]


def make_known_data(stack):
    students, (alumnus, staff, newcomer) = ids(3), ids(3)
    for user_id, role, status, weeks_ago in [
        *[(student, "student", "verified", 0) for student in students],
        (alumnus, "alumnus", "verified", 3),
        (staff, "staff", "verified", 3),
        (newcomer, None, "pending_review", 0),
    ]:
        stack.query(
            "identity",
            "INSERT INTO accounts (id, username, email, first_name, last_name, password_hash,"
            " role, affiliation_status, created_at) VALUES (%s, %s, %s, 'A', 'B', 'x', %s, %s,"
            " date_trunc('week', now()) - make_interval(weeks => %s) + interval '1 hour')",
            (user_id, f"u.{user_id[:8]}", f"{user_id[:8]}@example.org", role, status, weeks_ago),
        )
    # Two mentors: the alumnus (3 places, 1 taken) and staff (1 place, taken),
    # as profiles keeps them.
    for user_id, places, mentees in [(alumnus, 3, 1), (staff, 1, 1)]:
        stack.query(
            "profiles",
            "INSERT INTO profiles (user_id, username, first_name, last_name, email, verified,"
            " mentor_available, mentor_max_mentees, current_mentees) VALUES"
            " (%s, %s, 'A', 'B', %s, true, true, %s, %s)",
            (user_id, f"u.{user_id[:8]}", f"{user_id[:8]}@example.org", places, mentees),
        )
    # Requests answered after 2, 4 and 10 hours (median 4), one declined; one waits.
    answered = [
        (students[0], alumnus, "accepted", 2),
        (students[1], staff, "accepted", 10),
        (students[2], staff, "declined", 4),
    ]
    for mentee, mentor, status, hours in answered + [(students[2], alumnus, "pending", None)]:
        request_id = stack.scalar(
            "mentoring",
            "INSERT INTO mentoring_requests (mentee_id, mentor_id, activities, message, status,"
            " created_at, expires_at, decided_at) VALUES (%s, %s, '{cv_review}', 'Hello',"
            " %s, now() - interval '1 day', now() + interval '13 days',"
            " now() - interval '1 day' + make_interval(hours => %s)) RETURNING id",
            (mentee, mentor, status, hours),
        )
        if status == "accepted":
            ended = mentor == staff  # staff's relationship ended, completed, with feedback
            relationship_id = stack.scalar(
                "mentoring",
                "INSERT INTO relationships (mentor_id, mentee_id, activities, request_id,"
                " started_at, last_activity_at, ended_at, ended_by, outcome) VALUES"
                " (%s, %s, '{cv_review}', %s, now(), now(), CASE WHEN %s THEN now() END,"
                " CASE WHEN %s THEN %s END, CASE WHEN %s THEN 'completed' END) RETURNING id",
                (mentor, mentee, request_id, ended, ended, mentee, ended),
            )
            if ended:
                for member_id, rating in ((mentee, 5), (mentor, 4)):
                    stack.query(
                        "mentoring",
                        "INSERT INTO relationship_feedback (relationship_id, member_id, rating,"
                        " given_at) VALUES (%s, %s, %s, now())",
                        (relationship_id, member_id, rating),
                    )


@pytest.fixture(scope="module")
def known_stack(logs_dir, mailbox):
    stack = Stack(logs_dir, rpc_client=RpcClient, smtp_port=mailbox.port, **WIDE_CLIENT_LIMITS)
    try:
        stack.add_api_key(ADMIN_TOKEN, API_KEY_SCOPES)
        make_known_data(stack)
        stack.start_all()
        yield stack
    finally:
        stack.close()


@pytest.fixture
def stack_page(browser, known_stack):
    yield from pages_on(browser, known_stack)


def figure(page, section, name):
    return page.locator(f"table.{section}-figures tr[data-figure='{name}'] td")


@pytest.mark.parametrize("language", ["en", "nl"])
def test_an_administrator_sees_the_figures_of_the_known_data(known_stack, stack_page, language):
    texts = TEXTS[language]
    administrator = ConsoleOperator(make_operator(known_stack, "administrator"))
    page = stack_page(language)
    administrator.log_in(page)
    page.locator("header nav a[href='/console/statistics']").click()
    expect(page.locator("h1")).to_have_text(texts["title"])

    expected = {
        ("members", "total"): "6",
        ("members_by_role", "student"): "3",
        ("members_by_role", "alumnus"): "1",
        ("members_by_role", "staff"): "1",
        ("members_by_role", "none"): "1",
        ("members_by_affiliation", "verified"): "5",
        ("members_by_affiliation", "pending_review"): "1",
        ("mentors", "mentors_available"): "2",
        ("mentors", "mentors_with_room"): "1",
        ("mentors", "places"): "4",
        ("mentors", "places_taken"): "2",
        ("mentors", "free_places"): "2",
        ("requests_by_status", "pending"): "1",
        ("requests_by_status", "accepted"): "2",
        ("requests_by_status", "declined"): "1",
        ("requests", "answered"): "3",
        ("requests", "acceptance_rate"): texts["rate"],
        ("requests", "median_answer_hours"): "4",
        ("relationships", "current"): "1",
        ("relationships", "ended"): "1",
        ("relationships", "ended.completed"): "1",
        ("feedback", "completed.feedback_given"): "2",
        ("feedback", "completed.average_rating"): texts["average"],
    }
    for (section, name), value in expected.items():
        expect(figure(page, section, name)).to_have_text(value)
    weeks = page.locator("table.signups_per_week-figures tbody tr td")
    expect(weeks).to_have_count(12)
    assert [cell.inner_text() for cell in weeks.all()][-4:] == ["2", "0", "0", "4"]

    charts = page.locator("svg.chart[role=img]")
    expect(charts).to_have_count(6)
    for chart in charts.all():
        labelled_by = chart.get_attribute("aria-labelledby").split()
        assert chart.locator("title").get_attribute("id") == labelled_by[0]
        assert chart.locator("desc").get_attribute("id") == labelled_by[1]
        assert chart.locator("title").text_content().strip()
        assert chart.locator("desc").text_content().strip()
    expect(page.locator("#members_by_role-chart rect.chart-bar")).to_have_count(4)
    assert_accessible(page)

    response = page.request.get("/console/statistics.csv")
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text())))
    by_figure = {(row["section"], row["figure"]): row["value"] for row in rows}
    assert by_figure[("members", "total")] == "6"
    assert by_figure[("requests", "acceptance_rate")] == "0.6667"
    assert by_figure[("requests", "median_answer_hours")] == "4.0"
    assert by_figure[("mentors", "free_places")] == "2"
    assert by_figure[("feedback", "completed.average_rating")] == "4.5"
    assert len([row for row in rows if row["section"] == "signups_per_week"]) == 12
    assert all(row["label"] for row in rows)


def test_a_reviewer_may_not_see_the_statistics(known_stack, stack_page):
    reviewer = ConsoleOperator(make_operator(known_stack, "reviewer"))
    page = stack_page()
    reviewer.log_in(page)
    expect(page.locator("header nav a[href='/console/statistics']")).to_have_count(0)
    for path in ("/console/statistics", "/console/statistics.csv"):
        response = page.request.get(path)
        assert response.status == 403, path
        assert "Your role does not allow this page." in response.text()
