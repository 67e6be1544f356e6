"""Every answer of a member's real journey, and of an operator's work, matches
the API's document (tests/api_answers.py): its status is documented and its
body has the documented shape, errors included."""

import pytest
import requests

from conftest import ADMIN_TOKEN, registration
from tests.api_answers import Answers
from tests.support import Member, ask, become_mentor, onboarded_member


@pytest.fixture(scope="module")
def answers(system):
    return Answers(requests.get(system.gateway_url + "/api/v1/openapi.json", timeout=10).json())


def test_a_journey_answers_as_documented(system, tmp_path, answers):
    found = []

    def check(method, template, response):
        found.extend(answers.problems(method, template, response))
        return response

    def call(who, method, template, json=None, query="", **values):
        path = template.format(**values)
        url = system.gateway_url + "/api/v1" + path + (f"?{query}" if query else "")
        headers = who if isinstance(who, dict) else (who.headers() if who else {})
        response = requests.request(method, url, json=json, headers=headers, timeout=15)
        return check(method, "/api/v1" + template, response)

    public = {}
    operator = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    for path in ("/healthz", "/readyz"):
        check("GET", path, requests.get(system.gateway_url + path, timeout=10))
    call(public, "GET", "/openapi.json")
    call(public, "GET", "/usernames/suggestion", query="first_name=Mila&last_name=de Vries")
    call(public, "GET", "/usernames/availability", query="username=mila")
    call(public, "GET", "/security-questions", query="language=nl")
    call(public, "GET", "/guidelines")
    call(public, "GET", "/activities")
    call(public, "GET", "/sectors", query="language=nl")
    call(public, "GET", "/service-updates")
    call(public, "POST", "/password-resets", {"login": "nobody.here"})
    call(public, "GET", "/password-resets/question", query="token=nope")
    call(
        public,
        "POST",
        "/helpdesk",
        {"name": "Vera", "email": "vera@example.org", "subject": "Hi", "message": "How?"},
    )
    newcomer = Member(system, registration(first_name="Noor"))
    newcomer.sign_up()
    call(newcomer, "GET", "/onboarding")
    call(
        public,
        "POST",
        "/auth/login",
        {
            "username": newcomer.form["username"],
            "password": newcomer.form["password"],
        },
    )

    mentor = onboarded_member(system, tmp_path, registration(first_name="Mila"))
    mentee = onboarded_member(system, tmp_path, registration(first_name="Sem"), role="student")
    become_mentor(mentor, max_mentees=2)
    call(
        mentor,
        "PUT",
        "/me/mentor-settings",
        {
            "available": True,
            "activities": ["cv_review"],
            "max_mentees": 2,
        },
    )
    call(mentor, "GET", "/me/profile")
    call(mentor, "PATCH", "/me/profile", {"headline": "Archaeologist", "bio": "I dig."})
    call(mentee, "GET", "/profiles/{user_id}", user_id=mentor.user_id)
    call(mentee, "GET", "/mentors", query="per_page=5")
    call(mentee, "GET", "/mentors/sectors")
    call(mentee, "GET", "/directory", query="q=Mila")
    call(mentee, "GET", "/dashboard")

    request_id = ask(mentee, mentor).json()["id"]
    call(mentee, "GET", "/mentoring/requests", query="box=sent")
    call(mentor, "GET", "/mentoring/requests")
    call(mentor, "GET", "/mentoring/requests/{request_id}", request_id=request_id)
    call(mentor, "GET", "/mentoring/requests/{request_id}/history", request_id=request_id)
    accepted = call(
        mentor,
        "POST",
        "/mentoring/requests/{request_id}/accept",
        {"reply": "Gladly."},
        request_id=request_id,
    ).json()
    relationship_id = accepted["relationship"]["id"]
    call(mentee, "GET", "/mentoring/relationships", query="current=false")
    call(
        mentee, "GET", "/mentoring/relationships/{relationship_id}", relationship_id=relationship_id
    )

    started = call(
        mentee, "POST", "/conversations", {"recipient_id": mentor.user_id, "body": "Hello!"}
    ).json()
    conversation_id, message_id = started["id"], started["message"]["id"]
    call(
        mentor,
        "POST",
        "/conversations/{conversation_id}/messages",
        {"body": "Hi!"},
        conversation_id=conversation_id,
    )
    call(mentor, "GET", "/conversations")
    call(
        mentor, "GET", "/conversations/{conversation_id}/messages", conversation_id=conversation_id
    )
    report_id = call(
        mentor,
        "POST",
        "/messages/{message_id}/report",
        {"reason": "Testing reports."},
        message_id=message_id,
    ).json()["id"]
    notifications = call(mentor, "GET", "/notifications", query="unread_only=true").json()
    call(mentor, "GET", "/notifications/unread-count")
    if notifications["items"]:
        call(
            mentor,
            "POST",
            "/notifications/{notification_id}/read",
            notification_id=notifications["items"][0]["id"],
        )
    call(mentor, "POST", "/notifications/read-all")
    call(mentor, "GET", "/me/notification-preferences")
    call(
        mentor,
        "PUT",
        "/me/notification-preferences",
        {
            "items": [{"event_type": "new_message", "in_app": True, "email": False}],
            "allow_messages_from_members": True,
        },
    )
    call(mentor, "POST", "/members/{user_id}/block", user_id=newcomer.user_id)
    call(mentor, "DELETE", "/members/{user_id}/block", user_id=newcomer.user_id)
    call(
        mentee,
        "POST",
        "/mentoring/relationships/{relationship_id}/end",
        {"outcome": "completed"},
        relationship_id=relationship_id,
    )
    second = ask(mentee, mentor).json()["id"]
    call(
        mentor,
        "POST",
        "/mentoring/requests/{request_id}/decline",
        {"reason": "no_capacity"},
        request_id=second,
    )
    third = ask(mentee, mentor).json()["id"]
    call(mentee, "POST", "/mentoring/requests/{request_id}/withdraw", request_id=third)

    call(operator, "GET", "/admin/affiliation-reviews", query="status=all")
    call(operator, "GET", "/admin/message-reports")
    call(operator, "GET", "/admin/message-reports/{report_id}", report_id=report_id)
    call(
        operator,
        "POST",
        "/admin/message-reports/{report_id}/warn",
        {"warning": "Testing warnings."},
        report_id=report_id,
    )
    call(operator, "POST", "/admin/message-reports/{report_id}/close", report_id=report_id)
    call(operator, "GET", "/admin/statistics")
    call(operator, "GET", "/admin/dead-letters/{service}", service="identity")
    call(
        operator,
        "POST",
        "/admin/dead-letters/{service}/replay",
        {"ids": [10**12]},
        service="identity",
    )
    staged = call(
        operator,
        "POST",
        "/admin/university-records",
        {"file_name": "empty.csv", "content": "record_number,role\n"},
    ).json()
    call(
        operator,
        "POST",
        "/admin/university-records/{upload_id}/confirm",
        {"checksum": staged["checksum"]},
        upload_id=staged["id"],
    )
    call(
        operator,
        "POST",
        "/admin/service-updates",
        {
            "title_en": "Maintenance",
            "body_en": "Tonight.",
            "title_nl": "Onderhoud",
            "body_nl": "Vanavond.",
        },
    )
    call(mentee, "PUT", "/me/language", {"language": "nl"})
    call(
        mentee,
        "POST",
        "/me/password",
        {
            "current_password": mentee.form["password"],
            "password": mentee.form["password"] + " again",
            "password_confirmation": mentee.form["password"] + " again",
        },
    )

    # Errors answer the Error shape, with the statuses the document names.
    call(mentee, "GET", "/notifications", query="page=ten")
    call(mentee, "GET", "/mentoring/requests/{request_id}", request_id=10**12)
    call(public, "GET", "/dashboard")
    call(
        newcomer,
        "POST",
        "/mentoring/requests",
        {"mentor_id": "mila", "activities": [], "message": ""},
    )
    call(
        operator,
        "POST",
        "/admin/affiliation-reviews/{review_id}/{decision}",
        review_id=10**12,
        decision="approve",
    )
    call(
        operator,
        "GET",
        "/admin/dead-letters/{service}/{dead_letter_id}",
        service="profiles",
        dead_letter_id=10**12,
    )
    call(operator, "POST", "/admin/dead-letters/{service}/replay", {}, service="mentoring")
    call(newcomer, "POST", "/auth/logout")
    assert not found, "\n".join(found)
