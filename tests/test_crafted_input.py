"""Crafted input never makes a server error: every route of the served OpenAPI
document gets the four inputs that once did (JSON nested a thousand deep, a NUL
character, a lone UTF-16 surrogate, a number past PostgreSQL's bigint) in each
JSON body field, query parameter and path parameter it documents, as the member
or operator it needs, and no answer is a 5xx.

Each body is otherwise valid (made from ``EXAMPLES``) and the member owns real
requests, conversations and messages, so a crafted value gets as far as it can."""

import json
import re
import uuid

import pytest
import requests

from conftest import ADMIN_TOKEN, registration
from gateway.rpc import RemoteError
from mentornet_contracts.operators import API_KEY_SCOPES
from mentornet_testing import WIDE_CLIENT_LIMITS
from tests.support import Member, ask, become_mentor, onboarded_member

DEEP = 1000
NUL = "a\u0000b"
SURROGATE = "\ud800"
HUGE = 10**23
# In a URL the same three, as a client would write them (the surrogate as the
# bytes an encoder that lets it through would produce).
URL_VALUES = {"nul": "a%00b", "surrogate": "%ED%A0%80", "huge": str(HUGE)}


def examples(people):
    """A valid body for each request schema of the document; a crafted value
    replaces one field at a time."""
    a, b = people["mentor"], people["mentee"]
    password = a.form["password"]
    return {
        "Registration": lambda: registration(),
        "Login": lambda: {"username": a.form["username"], "password": "not the password at all"},
        "Token": lambda: {"token": "t" * 43},
        "DownloadToken": lambda: {"token": "t" * 43},
        "LanguageChoice": lambda: {"language": a.form["language"]},
        "Affiliation": lambda: {
            "role": "alumnus",
            "record_number": "S0000000",
            "request_review": True,
            "note": "Please check by hand.",
        },
        "StudyDetails": lambda: {
            "institution": "Leiden University",
            "programme": "Law",
            "faculty": "Law",
            "year_started": 2010,
            "year_graduated": 2014,
        },
        "Agreement": lambda: {"version": "1", "agree": False},
        "PasswordChange": lambda: {
            "current_password": "not the password at all",
            "password": "another long passphrase here",
            "password_confirmation": "another long passphrase here",
        },
        "EmailChange": lambda: {
            "email": f"new.{uuid.uuid4().hex[:6]}@example.org",
            "email_confirmation": "different@example.org",
            "password": "not the password at all",
        },
        "Password": lambda: {"password": "not the password at all"},
        "ResetRequest": lambda: {"login": a.form["username"]},
        "ResetVerify": lambda: {"token": "t" * 43, "security_answer": "Pluisje"},
        "ResetComplete": lambda: {
            "reset_token": "t" * 43,
            "password": password + " x",
            "password_confirmation": password + " y",
        },
        "Decision": lambda: {"reason": "Checked by hand."},
        "MentoringRequest": lambda: {
            "mentor_id": a.user_id,
            "activities": ["mock_interview"],
            "message": "Could you help me prepare?",
        },
        "Reply": lambda: {"reply": "Happy to."},
        "Decline": lambda: {"reason": "no_capacity", "reply": "Sorry, not now."},
        "EndRelationship": lambda: {"outcome": "completed", "reason": "We are done."},
        "GiveFeedback": lambda: {"rating": 4, "comment": "Helpful talks."},
        "Preferences": lambda: {
            "items": {"new_message": {"in_app": True, "email": False}},
            "allow_messages_from_members": True,
        },
        "NewConversation": lambda: {"recipient_id": b.user_id, "body": "Hello there"},
        "NewMessage": lambda: {"body": "Hello again"},
        "Report": lambda: {"reason": "Spam, I think."},
        "Helpdesk": lambda: {
            "name": "Vera Visitor",
            "email": "vera@example.org",
            "subject": "A question",
            "message": "How do I sign up?",
            "language": "en",
        },
        "MemberWarning": lambda: {"warning": "Please keep your messages friendly."},
        "SuspensionReason": lambda: {"reason": "Repeated insults after a warning."},
        "DeadLetterReplay": lambda: {"ids": [1], "all": False},
        "RecordsFile": lambda: {
            "file_name": "records.csv",
            "content": "record_number,role,first_name,last_name,date_of_birth,programme,"
            "faculty,year_started,year_graduated,email\r\n"
            "S7654321,student,Noor,Jansen,2003-05-01,History,Humanities,2021,,\r\n",
        },
        "RecordsConfirmation": lambda: {"checksum": "0" * 64},
        "ServiceUpdate": lambda: {
            "title_en": "Maintenance",
            "body_en": "Tonight from 22:00.",
            "title_nl": "Onderhoud",
            "body_nl": "Vanavond vanaf 22:00.",
            "expires_at": "2099-01-01T00:00:00+00:00",
        },
        "ProfilePatch": lambda: {
            "first_name": "Mila",
            "middle_names": "",
            "last_name": "de Vries",
            "headline": "Archaeologist",
            "bio": "I dig.",
            "positions": [
                {
                    "organisation": "Museum",
                    "title": "Curator",
                    "sector": "arts_culture",
                    "location": "Leiden",
                    "start_month": "2015-01",
                    "current": True,
                }
            ],
            "education": [
                {
                    "institution": "Leiden University",
                    "programme": "Law",
                    "year_started": 2010,
                    "year_graduated": 2014,
                }
            ],
            "address": {
                "line1": "Rapenburg 1",
                "city": "Leiden",
                "postcode": "2311 EZ",
                "country": "NL",
            },
            "website": "https://example.org",
            "skype": "mila.devries",
            "linkedin_url": "https://www.linkedin.com/in/mila",
        },
        "MentorSettings": lambda: {
            "available": True,
            "activities": ["cv_review", "mock_interview"],
            "max_mentees": 2,
            "sectors": ["arts_culture"],
            "languages": ["en"],
            "note": "Evenings only.",
        },
    }


def leaves(value, path=()):
    """Every place in a body a crafted value can go: each key, and each leaf."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield path + (key,)
            yield from (p for p in leaves(child, path + (key,)) if p != path + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from leaves(child, path + (index,))
    else:
        yield path


def replaced(value, path, new):
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = replaced(value[path[0]], path[1:], new)
    return copy


def deep_body(field):
    return '{"%s": %s%s}' % (field, "[" * DEEP, "]" * DEEP)


@pytest.fixture
def sweep_system(stack_factory):
    # Limits up, so a refusal for being too many never hides what the input does.
    stack = stack_factory(
        HELPDESK_MAX_PER_HOUR=100000,
        LOGIN_FREE_FAILURES=100000,
        AFFILIATION_MAX_FAILURES=100000,
        **WIDE_CLIENT_LIMITS,
    )
    stack.add_api_key(ADMIN_TOKEN, API_KEY_SCOPES)
    stack.start_all()
    return stack


def people_of(system, tmp_path):
    mentor = onboarded_member(system, tmp_path, registration(first_name="Mila"))
    mentee = onboarded_member(system, tmp_path, registration(first_name="Sem"), role="student")
    newcomer = Member(system, registration(first_name="Noor"))
    newcomer.sign_up()
    become_mentor(mentor, max_mentees=2)
    request_id = ask(mentee, mentor).json()["id"]
    conversation = mentee.post(
        "/conversations", {"recipient_id": mentor.user_id, "body": "Hello"}
    ).json()
    return {
        "mentor": mentor,
        "mentee": mentee,
        "newcomer": newcomer,
        "ids": {
            "request_id": request_id,
            "conversation_id": conversation["id"],
            "message_id": conversation["message"]["id"],
            "notification_id": 1,
            "relationship_id": 1,
            "review_id": 1,
            "report_id": 1,
            "dead_letter_id": 1,
            "service": "profiles",
            "upload_id": str(uuid.uuid4()),
            "user_id": mentee.user_id,
            "decision": "approve",
        },
    }


def test_no_crafted_input_makes_a_server_error(sweep_system, tmp_path):
    system = sweep_system
    people = people_of(system, tmp_path)
    document = requests.get(system.gateway_url + "/api/v1/openapi.json", timeout=10).json()
    bodies = examples(people)
    requested = {
        operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        for item in document["paths"].values()
        for operation in item.values()
        if "requestBody" in operation
    }
    assert set(bodies) >= requested, "a request schema has no example here"
    failures, sent = [], 0

    def headers_for(path, operation):
        if path.startswith("/api/v1/admin/"):
            return {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        if not operation.get("security"):
            return {}
        member = people["newcomer"] if path.startswith("/api/v1/onboarding") else people["mentor"]
        return member.headers()

    def send(method, path, operation, path_values, query="", body=None, what=""):
        nonlocal sent
        url = system.gateway_url + re.sub(r"\{(\w+)\}", lambda m: path_values[m.group(1)], path)
        headers = dict(headers_for(path, operation))
        if body is not None:
            headers["Content-Type"] = "application/json"
        response = requests.request(
            method, url + (f"?{query}" if query else ""), data=body, headers=headers, timeout=15
        )
        sent += 1
        if response.status_code >= 500:
            failures.append(f"{method.upper()} {path} {what}: {response.status_code}")

    for path, item in document["paths"].items():
        for method, operation in item.items():
            parameters = operation.get("parameters", [])
            path_values = {
                p["name"]: str(people["ids"][p["name"]]) for p in parameters if p["in"] == "path"
            }
            schema = (
                operation.get("requestBody", {})
                .get("content", {})
                .get("application/json", {})
                .get("schema", {})
                .get("$ref", "")
                .rsplit("/", 1)[-1]
            )
            valid_body = json.dumps(bodies[schema]()) if schema else None
            for parameter in parameters:
                for kind, value in URL_VALUES.items():
                    if parameter["in"] == "path":
                        send(
                            method,
                            path,
                            operation,
                            {**path_values, parameter["name"]: value},
                            body=valid_body,
                            what=f"path {parameter['name']}={kind}",
                        )
                    else:
                        send(
                            method,
                            path,
                            operation,
                            path_values,
                            query=f"{parameter['name']}={value}",
                            body=valid_body,
                            what=f"query {parameter['name']}={kind}",
                        )
            if not schema:
                continue
            example = bodies[schema]()
            send(
                method,
                path,
                operation,
                path_values,
                body=deep_body(next(iter(example))),
                what="body nested 1000 deep",
            )
            names = set(document["components"]["schemas"][schema]["properties"])
            places = list(leaves(example)) + [(name,) for name in names - set(example)]
            for place in places:
                for kind, value in (("nul", NUL), ("surrogate", SURROGATE), ("huge", HUGE)):
                    body = replaced(bodies[schema](), place, value)
                    send(
                        method,
                        path,
                        operation,
                        path_values,
                        body=json.dumps(body),
                        what=f"body {'.'.join(map(str, place))}={kind}",
                    )
            for kind, key in (("nul", NUL), ("surrogate", SURROGATE)):
                send(
                    method,
                    path,
                    operation,
                    path_values,
                    body=json.dumps({**bodies[schema](), key: "x"}),
                    what=f"body key {kind}",
                )

    assert sent > 500
    # The sweep ran as the members it meant to: nobody was logged out or deleted.
    for name in ("mentor", "mentee", "newcomer"):
        assert people[name].get("/onboarding").status_code == 200, name
    assert not failures, f"{len(failures)} server errors of {sent} requests:\n" + "\n".join(
        failures
    )


def test_services_refuse_unstorable_arguments_from_any_rpc_caller(system):
    """The gateway is not the only caller: a service's RPC entrypoint holds the
    same rules and names the argument."""
    for value, words in (("bio\u0000", "NUL"), ("\ud800", "surrogate")):
        with pytest.raises(RemoteError) as error:
            system.rpc.call(
                "profiles",
                "update_profile",
                kwargs={"user_id": "someone", "changes": {"bio": value}},
            )
        assert error.value.exc_type == "InvalidInput"
        assert words in error.value.exc_args[2]["changes.bio"][0]
    too_deep = nested = []
    for _ in range(33):
        nested.append([])
        nested = nested[0]
    with pytest.raises(RemoteError) as error:
        system.rpc.call("identity", "login", kwargs={"username": too_deep, "password": "x"})
    assert error.value.exc_type == "InvalidInput"
    assert "Nested too deeply" in error.value.exc_args[2]["username" + ".0" * 33][0]


@pytest.mark.parametrize(
    "service,method,kwargs",
    [
        ("notifications", "list_notifications", {"user_id": "someone"}),
        ("notifications", "list_conversations", {"user_id": "someone"}),
        ("profiles", "directory", {"viewer_id": "someone"}),
    ],
)
@pytest.mark.parametrize("page", [10**23, 1001, "ten"])
def test_every_list_bounds_its_pages_with_the_same_words(system, service, method, kwargs, page):
    with pytest.raises(RemoteError) as error:
        system.rpc.call(service, method, kwargs={**kwargs, "page": page})
    assert error.value.exc_type == "InvalidInput"
    expected = {
        10**23: "Too large a number.",
        1001: "Must be between 1 and 1000.",
        "ten": "Must be a whole number.",
    }[page]
    assert error.value.exc_args[2] == {"page": [expected]}
