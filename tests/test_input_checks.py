"""One way to check input: paging, free text, booleans and identifiers are each
checked by one field of mentornet_contracts.inputs, which the gateway's views
and the services load with, so the same mistake gets the same words from the
API and from a service called directly over RPC."""

import pytest

from conftest import registration
from gateway.rpc import RemoteError
from mentornet_contracts import inputs
from tests.support import Member

SAME_MISTAKES = [
    # (API path and query, the service's method and arguments, the field, its words)
    ("/notifications?page=ten", "notifications", "list_notifications", {"page": "ten"}),
    ("/notifications?page=0", "notifications", "list_notifications", {"page": 0}),
    ("/conversations?per_page=51", "notifications", "list_conversations", {"per_page": 51}),
    ("/directory?page=1001", "profiles", "directory", {"page": 1001}),
    (
        "/mentors?per_page=x&graduated_from=soon",
        "profiles",
        "search_mentors",
        {"filters": {"per_page": "x", "graduated_from": "soon"}},
    ),
    ("/mentors?q=%20" + "x" * 201, "profiles", "search_mentors", {"filters": {"q": "x" * 201}}),
    (
        "/notifications?unread_only=yes",
        "notifications",
        "list_notifications",
        {"unread_only": "yes"},
    ),
    (
        "/mentoring/relationships?current=maybe",
        "mentoring",
        "list_relationships",
        {"current": "maybe"},
    ),
    ("/mentoring/requests?box=outbox", "mentoring", "list_requests", {"box": "outbox"}),
]


@pytest.fixture(scope="module")
def member(system):
    member = Member(system, registration(first_name="Ines"))
    member.sign_up()
    return member


def _viewer(service, member):
    return {"viewer_id": member.user_id} if service == "profiles" else {"user_id": member.user_id}


@pytest.mark.parametrize("url,service,method,arguments", SAME_MISTAKES)
def test_the_same_mistake_gets_the_same_words_from_the_api_and_the_service(
    system, member, url, service, method, arguments
):
    answer = member.get(url)
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    with pytest.raises(RemoteError) as remote:
        system.rpc.call(service, method, kwargs={**_viewer(service, member), **arguments})
    assert remote.value.exc_type == "InvalidInput"
    code, message, fields = remote.value.exc_args[:3]
    assert (error["code"], error["message"], error["fields"]) == (code, message, fields)
    assert message == inputs.PARAMETERS_NEED_ATTENTION


def test_each_kind_of_mistake_has_one_wording(member):
    """Paging, booleans and ids, in a query string and in a body alike."""
    expected = {
        "/notifications?page=ten": {"page": [inputs.NOT_A_WHOLE_NUMBER]},
        "/notifications?per_page=0": {"per_page": [inputs.between(1, inputs.MAX_PER_PAGE)]},
        "/notifications?unread_only=yes": {"unread_only": [inputs.NOT_TRUE_OR_FALSE]},
        "/mentoring/relationships?current=no": {"current": [inputs.NOT_TRUE_OR_FALSE]},
        "/notifications?colour=red": {"colour": [inputs.UNKNOWN_PARAMETER]},
        "/notifications?page=1&page=2": {"page": [inputs.REPEATED_PARAMETER]},
        "/usernames/availability": {"username": [inputs.REQUIRED_PARAMETER]},
    }
    for url, fields in expected.items():
        answer = member.get(url)
        assert answer.status_code == 422, url
        assert answer.json()["error"]["fields"] == fields, url
    bodies = {
        "/mentoring/requests": (
            {"mentor_id": "mila", "activities": ["cv_review"], "message": "Hello"},
            {"mentor_id": [inputs.NOT_A_MEMBER_ID]},
        ),
        "/conversations": (
            {"recipient_id": "12", "body": "Hello"},
            {"recipient_id": [inputs.NOT_A_MEMBER_ID]},
        ),
    }
    for path, (body, fields) in bodies.items():
        answer = member.post(path, body)
        assert answer.status_code == 422, answer.text
        assert answer.json()["error"]["fields"] == fields, path
    flag = member.put(
        "/me/notification-preferences",
        {"items": [{"event_type": "new_message", "in_app": "yes", "email": False}]},
    )
    assert flag.status_code == 422, flag.text
    assert list(flag.json()["error"]["fields"].values()) == [[inputs.NOT_TRUE_OR_FALSE]]


def test_a_members_id_in_the_path_is_a_uuid_or_names_nothing(member):
    for path in ("/profiles/mila", "/profiles/" + "1" * 40):
        answer = member.get(path)
        assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_found"
    assert member.post("/members/not-a-member/block").status_code == 404
