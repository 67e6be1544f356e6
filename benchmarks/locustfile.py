"""Members using the whole product, for Locust (run by benchmarks/load_test.py,
which builds the stack, the members and reads the results; only against
127.0.0.1).

Each simulated member logs in with a real account (made by load_test.py, in
``LOAD_TEST_ACCOUNTS``: a JSON list of {username, password, user_id, role}),
then, pausing 1 to 5 s between requests as a reader does, does one of these,
in these proportions (the task weights, out of 100):

  dashboard 25, search for mentors 15, open a mentor's profile 10,
  notifications 15 (the list 10, mark all read 5), messages 15 (the inbox 8,
  a conversation 4, write 3), profile edit 5, my requests 5,
  ask a mentor / answer a request 8 (a mentee asks or withdraws, a mentor
  accepts, declines or ends a relationship), log out and in again 2.

Mentors are a quarter of the members.  Every request's status is checked:
anything but the expected answer is a failure (an error).  A refusal the
product gives on purpose (a mentor full by the time the request arrives,
a request already answered by the other side) is not an error and is counted
under its own name ("... (refused: <code>)").
"""

import json
import os
import random
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task

ACCOUNTS = json.loads(open(os.environ["LOAD_TEST_ACCOUNTS"]).read())
MENTORS = [a for a in ACCOUNTS if a["role"] == "mentor"]
WORDS = [
    "data",
    "law",
    "finance",
    "museum",
    "engineering",
    "health",
    "teacher",
    "consultant",
    "policy",
    "software",
]
_next = {"mentor": 0, "mentee": 0}


@events.test_start.add_listener
def _only_localhost(environment, **_):
    host = urlsplit(environment.host or "").hostname
    if host not in ("127.0.0.1", "localhost"):
        raise SystemExit(f"this load test only runs against 127.0.0.1, not {host!r}")


def _account(role):
    pool = [a for a in ACCOUNTS if a["role"] == role]
    account = pool[_next[role] % len(pool)]
    _next[role] += 1
    return account


class Member(HttpUser):
    abstract = True
    wait_time = between(1, 5)
    role = None

    def on_start(self):
        self.account = _account(self.role)
        self.log_in()

    def log_in(self):
        with self.client.post(
            "/api/v1/auth/login",
            name="log in",
            catch_response=True,
            json={"username": self.account["username"], "password": self.account["password"]},
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                self.token = None
                return
            self.token = response.json()["token"]
        self.client.headers["Authorization"] = f"Bearer {self.token}"

    def logged_in(self):
        """A member whose login failed (counted as an error) logs in again first,
        rather than sending requests without a token."""
        if self.token is None:
            self.log_in()
        return self.token is not None

    def get(self, path, name, **kwargs):
        if not self.logged_in():
            return None
        with self.client.get(
            "/api/v1" + path, name=name, catch_response=True, **kwargs
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return None
            return response.json()

    def send(self, method, path, name, body=None, ok=(200, 201, 204), refusals=()):
        """A write; a refusal in ``refusals`` (error codes) is the product working."""
        if not self.logged_in():
            return None
        with self.client.request(
            method, "/api/v1" + path, name=name, json=body, catch_response=True
        ) as response:
            if response.status_code in ok:
                return response.json() if response.content else {}
            try:
                code = response.json()["error"]["code"]
            except Exception:
                code = None
            if code in refusals:
                response.request_meta["name"] = f"{name} (refused: {code})"
                response.success()
                return None
            response.failure(f"{response.status_code}: {response.text[:200]}")
            return None

    @task(25)
    def dashboard(self):
        self.get("/dashboard", "dashboard")

    @task(15)
    def search(self):
        found = self.get(
            "/mentors", "search for mentors", params={"q": random.choice(WORDS), "per_page": 10}
        )
        self.found = (found or {}).get("items") or []

    @task(10)
    def open_a_mentor(self):
        found = getattr(self, "found", None) or [{"user_id": random.choice(MENTORS)["user_id"]}]
        self.get(f"/profiles/{random.choice(found)['user_id']}", "open a mentor's profile")

    @task(10)
    def notifications(self):
        self.get("/notifications", "notifications", params={"per_page": 20})

    @task(5)
    def read_all(self):
        self.send("POST", "/notifications/read-all", "mark notifications read")

    @task(8)
    def inbox(self):
        inbox = self.get("/conversations", "inbox")
        self.conversations = (inbox or {}).get("items") or []

    @task(4)
    def conversation(self):
        if getattr(self, "conversations", None):
            chosen = random.choice(self.conversations)
            self.get(f"/conversations/{chosen['id']}/messages", "a conversation")

    @task(3)
    def write(self):
        if getattr(self, "conversations", None):
            chosen = random.choice(self.conversations)
            self.send(
                "POST",
                f"/conversations/{chosen['id']}/messages",
                "write a message",
                {"body": "Thank you, that helps. Shall we talk on Thursday?"},
            )
        else:
            partner = self.partner()
            if partner:
                self.send(
                    "POST",
                    "/conversations",
                    "write a message",
                    {"recipient_id": partner, "body": "Hello! Glad we are in touch."},
                )

    @task(5)
    def edit_profile(self):
        self.send(
            "PATCH",
            "/me/profile",
            "edit my profile",
            {
                "headline": random.choice(
                    [
                        "Curious about policy work",
                        "Looking for advice on a first job",
                        "Happy to talk about research careers",
                    ]
                )
            },
        )

    @task(5)
    def my_requests(self):
        box = "received" if self.role == "mentor" else "sent"
        listed = self.get("/mentoring/requests", "my requests", params={"box": box})
        self.requests = (listed or {}).get("items") or []

    @task(2)
    def log_out_and_in(self):
        self.send("POST", "/auth/logout", "log out")
        self.client.headers.pop("Authorization", None)
        self.log_in()


class Mentee(Member):
    weight = 3
    role = "mentee"

    def partner(self):
        mine = [r for r in getattr(self, "requests", []) or []]
        return mine and random.choice(mine)["mentor_id"]

    @task(8)
    def ask_or_withdraw(self):
        listed = self.get("/mentoring/requests", "my requests", params={"box": "sent"})
        if listed is None:
            return
        self.requests = listed["items"]
        pending = [r for r in self.requests if r["status"] == "pending"]
        if len(pending) >= 2:
            self.send(
                "POST",
                f"/mentoring/requests/{random.choice(pending)['id']}/withdraw",
                "withdraw a request",
                refusals=("request_closed",),
            )
            return
        busy = {r["mentor_id"] for r in self.requests if r["status"] in ("pending", "accepted")}
        choices = [m for m in MENTORS if m["user_id"] not in busy]
        if choices:
            self.send(
                "POST",
                "/mentoring/requests",
                "ask a mentor",
                {
                    "mentor_id": random.choice(choices)["user_id"],
                    "activities": ["cv_review"],
                    "message": "Could you look at my CV before my first applications?",
                },
                refusals=(
                    "mentor_full",
                    "mentor_unavailable",
                    "request_open",
                    "already_mentored",
                    "too_many_open_requests",
                ),
            )


class Mentor(Member):
    weight = 1
    role = "mentor"

    def partner(self):
        mine = [r for r in getattr(self, "requests", []) or []]
        return mine and random.choice(mine)["mentee_id"]

    @task(8)
    def answer_or_end(self):
        listed = self.get(
            "/mentoring/requests", "my requests", params={"box": "received", "status": "pending"}
        )
        if listed is None:
            return
        pending = listed["items"]
        if pending:
            chosen = random.choice(pending)
            if random.random() < 0.7:
                self.send(
                    "POST",
                    f"/mentoring/requests/{chosen['id']}/accept",
                    "accept a request",
                    refusals=("mentor_full", "request_closed"),
                )
            else:
                self.send(
                    "POST",
                    f"/mentoring/requests/{chosen['id']}/decline",
                    "decline a request",
                    {"reason": "not_available_now"},
                    refusals=("request_closed",),
                )
            return
        current = self.get("/mentoring/relationships", "my relationships")
        if current and current["items"]:
            chosen = random.choice(current["items"])
            self.send(
                "POST",
                f"/mentoring/relationships/{chosen['id']}/end",
                "end a relationship",
                {"outcome": "completed", "reason": "Our goals are met."},
                refusals=("relationship_ended",),
            )
