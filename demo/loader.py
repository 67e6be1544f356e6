"""The demo network, made through the running system's own API.

    DEMO_DATA=yes python demo/loader.py --gateway http://localhost:8000 2000

Every member is made as a real one is: the university's record goes in with
identity's own import (``identity.records``, as `make import-records` does),
then the member signs up, verifies their affiliation, confirms their study
details, agrees to the guidelines and finishes the introduction through the
gateway's JSON API; then fills in their profile and, for mentors, their offer.
Then mentees ask mentors (some are accepted, some wait), mentors and mentees
write to each other, and every notification follows from the services' own
events.  No row is written that the services did not write themselves, so
every page works for every demo member.

Who they are comes from ``profiles.demo.make_member`` (names, programmes,
years, countries, careers, offers, what they write about themselves: the data
file services/profiles/profiles/data/demo_people.yaml; the same seed gives the
same people), the documented logins from
demo/data/personas.yaml, what they write from demo/data/messages.yaml.

Refused unless asked for (DEMO_DATA=yes, which `make demo` and the compose
file's `demo` profile set), and never loaded into a network that already has a
member who is not a demo member (identity's database is asked first).  A
network holding only demo members is left as it is.
"""

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor

import psycopg2
import requests
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEMO_DOMAIN = "demo.example.org"  # example.org is reserved: no mail reaches anyone
SEED = 2024
# Members made before the documented logins' own network (their mentees and
# requests come from these), so the logins work while the rest is made.
FIRST_MEMBERS = 100
INSTITUTION = "Example University"


def data(name):
    with open(os.path.join(HERE, "data", name), encoding="utf-8") as f:
        return yaml.safe_load(f)


class Refused(Exception):
    """The loader will not run here; the message says why."""


# -- the guard -------------------------------------------------------------------
def members_in(identity_url):
    """(demo members, other members) in identity's database."""
    with psycopg2.connect(identity_url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE lower(email) LIKE %s), "
            "count(*) FILTER (WHERE lower(email) NOT LIKE %s) FROM accounts",
            (f"%@{DEMO_DOMAIN}", f"%@{DEMO_DOMAIN}"),
        )
        demo, real = cursor.fetchone()
    connection.close()
    return demo, real


def check_allowed(environ, identity_url):
    """Raise Refused unless demo data was asked for and the network holds no real member.
    Returns how many demo members are there already."""
    if environ.get("DEMO_DATA", "").lower() not in ("yes", "1", "true"):
        raise Refused(
            "Demo data is loaded only when asked for: set DEMO_DATA=yes "
            "(`make demo` does). Nothing was written."
        )
    demo, real = members_in(identity_url)
    if real:
        raise Refused(
            f"This network already has {real} real member(s): demo members are never "
            "mixed with them. Use an empty network (a fresh database). "
            "Nothing was written."
        )
    return demo


# -- one client per thread ------------------------------------------------------------
class Api:
    """The gateway's JSON API as one member (or a visitor) uses it."""

    local = threading.local()

    def __init__(self, base, token=None):
        self.base, self.token = base.rstrip("/") + "/api/v1", token

    @property
    def http(self):
        if not hasattr(Api.local, "session"):
            Api.local.session = requests.Session()
        return Api.local.session

    def call(self, method, path, body=None, expect=(200, 201), retry_codes=(), headers=None):
        """One call; a refusal in retry_codes (an event not arrived yet), a 503
        or a 504 is asked again (a POST that may have gone through carries an
        Idempotency-Key in ``headers``, so asking again does it once)."""
        headers = dict(headers or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        deadline = time.monotonic() + 60
        while True:
            response = self.http.request(
                method, self.base + path, json=body, headers=headers, timeout=30
            )
            if response.status_code in expect:
                return response.json() if response.content else None
            code = _code(response)
            if (
                code in retry_codes or response.status_code in (503, 504)
            ) and time.monotonic() < deadline:
                time.sleep(0.2)
                continue
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.text[:300]}")

    def until(self, path, ready, what):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            answer = self.call("GET", path)
            if ready(answer):
                return answer
            time.sleep(0.1)
        raise RuntimeError(f"timed out waiting for {what}")


def _code(response):
    try:
        return response.json()["error"]["code"]
    except Exception:
        return None


# -- who is in the network ------------------------------------------------------------------
def people(count, seed=SEED):
    """The persons to make: the documented logins first, then ``count`` members."""
    from profiles.demo import make_member  # the generator profiles' benchmarks use too

    personas = data("personas.yaml")
    result = []
    for key in ("mentor", "student", "newcomer"):
        p = personas[key]
        changes = {key_: p[key_] for key_ in ("headline", "bio", "positions") if p.get(key_)}
        changes["address"] = {"city": p["city"], "country": p["country"]} if p.get("city") else {}
        if not changes["address"]:
            del changes["address"]
        result.append(
            {
                "key": key,
                "username": p["username"],
                "first_name": p["first_name"],
                "middle_names": "",
                "last_name": p["last_name"],
                "date_of_birth": p["date_of_birth"],
                "language": p["language"],
                "role": p["role"],
                "verified": True,
                "study": {
                    k: p[k] for k in ("programme", "faculty", "year_started", "year_graduated")
                },
                "changes": changes,
                "stop_at": "study_details" if key == "newcomer" else None,
                "settings": dict(p["mentor"], available=True) if p.get("mentor") else None,
                "current_mentees": 0,
            }
        )
    for index in range(count):
        spec = make_member(seed, index)
        rng = random.Random(f"demo:{seed}:{index}")
        account, study = spec["account"], spec["study"]
        born_from = (study["year_started"] if study else 2000) - 18
        role = study["role"] if study else rng.choice(("student", "alumnus"))
        stop_at = None
        if not study:  # not verified: half wait for an operator's review, half never went on
            stop_at = "review" if rng.random() < 0.5 else "affiliation"
        result.append(
            {
                "key": None,
                "username": username_of(account["username"]),
                "first_name": account["first_name"],
                "middle_names": account["middle_names"],
                "last_name": account["last_name"],
                "date_of_birth": f"{born_from - rng.randint(0, 3)}-{rng.randint(1, 12):02d}-"
                f"{rng.randint(1, 28):02d}",
                "language": spec["language"],
                "role": role,
                "verified": bool(study),
                "study": (
                    {
                        k: study[k]
                        for k in ("programme", "faculty", "year_started", "year_graduated")
                    }
                    if study
                    else None
                ),
                "changes": spec["changes"],
                "stop_at": stop_at,
                "settings": spec["settings"],
                "current_mentees": spec["current_mentees"],
            }
        )
    for number, person in enumerate(result):
        person["number"] = number
    return result


def username_of(name):
    """The generator's name (``Łukasz.Nowak.12``) in the letters identity takes."""
    plain = unicodedata.normalize("NFKD", name.replace("ł", "l").replace("Ł", "L"))
    plain = "".join(
        ch for ch in plain.encode("ascii", "ignore").decode().lower() if ch.isalnum() or ch in "._-"
    )
    return plain if plain[:1].isalpha() else "m" + plain


def record_number(person):
    """Letters and digits, as identity's records have them."""
    return f"DEMO{person['number']:07d}"


def import_records(persons, identity_url):
    """The university's records of the verified members, through identity's own import."""
    columns = (
        "record_number",
        "role",
        "first_name",
        "last_name",
        "date_of_birth",
        "programme",
        "faculty",
        "year_started",
        "year_graduated",
        "email",
    )
    with tempfile.NamedTemporaryFile(
        "w", suffix=".csv", newline="", encoding="utf-8", delete=False
    ) as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        for p in persons:
            if p["verified"]:
                s = p["study"]
                writer.writerow(
                    [
                        record_number(p),
                        p["role"],
                        p["first_name"],
                        p["last_name"],
                        p["date_of_birth"],
                        s["programme"],
                        s["faculty"],
                        s["year_started"],
                        s["year_graduated"] or "",
                        "",
                    ]
                )
    try:
        result = subprocess.run(
            [sys.executable, "-m", "identity.records", f.name],
            env=dict(os.environ, IDENTITY_DATABASE_URL=identity_url),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise RuntimeError(
                "identity's record import refused the demo records:\n"
                + result.stdout
                + result.stderr
            )
    finally:
        os.unlink(f.name)


# -- one member, the way a member does it ---------------------------------------------------
def enrol(base, person, password, question):
    visitor = Api(base)
    email = f"{person['username']}@{DEMO_DOMAIN}"
    answer = visitor.call(
        "POST",
        "/accounts",
        {
            "first_name": person["first_name"],
            "middle_names": person["middle_names"],
            "last_name": person["last_name"],
            "maiden_name": "",
            "date_of_birth": person["date_of_birth"],
            "username": person["username"],
            "password": password,
            "password_confirmation": password,
            "email": email,
            "email_confirmation": email,
            "security_question": question[person["language"]],
            "security_answer": "Example University",
            "accept_privacy_policy": True,
            "accept_terms": True,
            "language": person["language"],
        },
        # A 504 may hide a sign-up that went through: asked again, the same one.
        headers={"Idempotency-Key": f"demo-sign-up-{person['username']}"},
    )
    member = Api(base, answer["token"])
    person["user_id"] = answer["account"]["user_id"]
    if person["stop_at"] == "affiliation":
        return person
    if person["stop_at"] == "review":
        notes = data_cache("messages.yaml")["review_notes"]
        member.call(
            "POST",
            "/onboarding/affiliation",
            {
                "role": person["role"],
                "record_number": "X" + record_number(person),
                "request_review": True,
                "note": notes[person["language"] == "nl"],
            },
        )
        return person
    details = member.call(
        "POST",
        "/onboarding/affiliation",
        {"role": person["role"], "record_number": record_number(person)},
    )["study_details"]
    if person["stop_at"] == "study_details":
        return person
    member.call("PUT", "/onboarding/study-details", details)
    member.until("/onboarding", lambda o: o["next_step"] == "guidelines", "the account")
    version = data_cache("guidelines")["version"]
    member.call("POST", "/onboarding/guidelines", {"version": version, "agree": True})
    member.call("POST", "/onboarding/introduction")
    if person["changes"]:
        member.call("PATCH", "/me/profile", person["changes"])
    if person["settings"]:
        # Profiles learns of the verified affiliation by identity's event.
        member.until("/me/profile", lambda p: p.get("verified"), "the verified profile")
        member.call("PUT", "/me/mentor-settings", person["settings"])
    person["token"] = answer["token"]
    return person


_cache = {}


def data_cache(name):
    return _cache[name]


# -- the network between them ------------------------------------------------------------
def fill(text, **names):
    return text.format(**names)


def relationships_plan(persons, rng, asked, own):
    """(mentee, mentor, accept) pairs: the documented logins' own (``own``), or each
    other mentor's current mentees and a request waiting.  ``asked`` counts each
    mentee's requests across both plans."""
    done = [p for p in persons if p.get("token")]
    by_key = {p["key"]: p for p in done if p["key"]}
    mentees = [p for p in done if p["role"] == "student" and not p["key"]]
    mentors = [p for p in done if p["settings"] and p["settings"].get("available") and not p["key"]]
    # A mentee may have 3 open requests (MAX_OPEN_REQUESTS), and the requests are
    # made in parallel, so any of them may still be open when the next is made:
    # at most 3 per mentee in all.
    pairs = []

    def pick(mentor, taken):
        for _ in range(50 if mentees else 0):
            mentee = rng.choice(mentees)
            if mentee["user_id"] not in taken and asked.get(mentee["user_id"], 0) < 3:
                taken.add(mentee["user_id"])
                asked[mentee["user_id"]] = asked.get(mentee["user_id"], 0) + 1
                return mentee
        return None

    mentor, student = by_key.get("mentor"), by_key.get("student")
    if own and mentor and student:
        taken = {student["user_id"]}
        pairs.append((student, mentor, True))
        pairs.append((pick(mentor, taken), mentor, True))
        for _ in range(3):
            pairs.append((pick(mentor, taken), mentor, False))
        # A request of demo.student's waits at a mentor with room to spare.
        roomy = [m for m in mentors if m["settings"]["max_mentees"] - m["current_mentees"] > 1]
        if roomy:
            pairs.append((student, roomy[0], False))
    for m in mentors if not own else []:
        taken = set()
        room = m["settings"]["max_mentees"]
        current = min(m["current_mentees"], room)
        for _ in range(current):
            pairs.append((pick(m, taken), m, True))
        if current < room and rng.random() < 0.6:  # a request waiting
            pairs.append((pick(m, taken), m, False))
    return [(a, b, accept) for a, b, accept in pairs if a is not None]


def connect(base, mentee, mentor, accept, rng, messages):
    as_mentee, as_mentor = Api(base, mentee["token"]), Api(base, mentor["token"])
    language = mentee["language"]
    topic = rng.choice(messages["topics"][language])
    text = fill(
        rng.choice(messages["requests"][language]), mentor=mentor["first_name"], topic=topic
    )
    offered = mentor["settings"]["activities"]
    request = as_mentee.call(
        "POST",
        "/mentoring/requests",
        {
            "mentor_id": mentor["user_id"],
            "activities": rng.sample(offered, min(2, len(offered))),
            "message": text,
        },
        retry_codes=("mentor_unavailable",),
    )
    if not accept:
        return 0
    reply = fill(
        rng.choice(messages["accept_replies"][mentor["language"]]), mentee=mentee["first_name"]
    )
    as_mentor.call("POST", f"/mentoring/requests/{request['id']}/accept", {"reply": reply})
    lines = rng.choice(messages["conversations"][language])
    first = as_mentee.call(
        "POST",
        "/conversations",
        {"recipient_id": mentor["user_id"], "body": fill(lines[0], mentor=mentor["first_name"])},
        # Notifications learns of both members (and that they are verified) by events.
        retry_codes=("not_verified", "member_not_found", "recipient_not_found"),
        expect=(200, 201),
    )
    conversation = first.get("conversation_id") or first.get("id")
    for number, line in enumerate(lines[1:], 1):
        writer = as_mentor if number % 2 else as_mentee
        writer.call(
            "POST",
            f"/conversations/{conversation}/messages",
            {"body": fill(line, mentor=mentor["first_name"])},
            expect=(200, 201),
        )
    return 1


DEMO_OPERATOR = "demo.operator"


def operator_access(identity_url):
    """The demo's operator (``demo.operator``, an administrator with the demo
    password: the console asks them to set up TOTP at the first login) and an
    API key for what the loader does as an operator, both made with identity's
    own command; returns the key."""
    password = data("personas.yaml")["password"]
    env = dict(os.environ, IDENTITY_DATABASE_URL=identity_url, OPERATOR_PASSWORD=password)
    command = [sys.executable, "-m", "identity.operators"]
    subprocess.run(  # refused (and harmless) when the demo operator is already there
        command + ["create", "--username", DEMO_OPERATOR, "--role", "administrator"],
        env=env,
        capture_output=True,
        text=True,
    )
    made = subprocess.run(
        command + ["api-key", "--name", "demo loader", "--scope", "service_updates"],
        env=env,
        capture_output=True,
        text=True,
    )
    if made.returncode != 0:
        raise RuntimeError("identity refused the demo's API key:\n" + made.stderr)
    return made.stdout.strip()


# -- the whole load -----------------------------------------------------------------
def load(
    base,
    count,
    identity_url,
    workers=8,
    seed=SEED,
    operator_token=None,
    say=print,
    environ=None,
    logins_ready=None,
):
    """Make the demo network; returns a summary dict (counts and seconds per phase).
    ``logins_ready()`` is called once the documented logins and their own network
    are made (the rest is still coming)."""
    already = check_allowed(os.environ if environ is None else environ, identity_url)
    if already:
        say(f"The demo network is already here ({already} demo members); nothing to add.")
        if logins_ready:
            logins_ready()
        return {"members": 0, "already": already}
    started = time.monotonic()
    if operator_token is None:
        operator_token = operator_access(identity_url)
    personas = data("personas.yaml")
    _cache["messages.yaml"] = messages = data("messages.yaml")
    visitor = Api(base)
    _cache["guidelines"] = visitor.call("GET", "/guidelines")
    questions = {
        language: visitor.call("GET", f"/security-questions?language={language}")
        for language in ("en", "nl")
    }
    question = {language: _first_question(q) for language, q in questions.items()}

    persons = people(count, seed)
    import_records(persons, identity_url)
    say(
        f"{len(persons)} people, their university records imported "
        f"({time.monotonic() - started:.1f} s)"
    )

    timings = {"members_seconds": 0.0, "network_seconds": 0.0}
    member_failures, network_failures = [], []

    def enrol_all(group, done_before):
        phase = time.monotonic()
        with ThreadPoolExecutor(workers) as pool:
            futures = [pool.submit(enrol, base, p, personas["password"], question) for p in group]
            for number, future in enumerate(futures, done_before + 1):
                try:
                    future.result()
                except Exception as exc:  # one member's failure does not stop the network
                    member_failures.append(str(exc))
                if number % 250 == 0 or number == len(persons):
                    say(
                        f"  {number}/{len(persons)} members signed up and onboarded "
                        f"({time.monotonic() - started:.0f} s)"
                    )
        timings["members_seconds"] += time.monotonic() - phase

    def connect_all(plan, at_once):
        phase = time.monotonic()
        seeds = [rng.random() for _ in plan]
        made = 0
        with ThreadPoolExecutor(at_once) as pool:
            futures = [
                pool.submit(connect, base, *pair, random.Random(seed), messages)
                for pair, seed in zip(plan, seeds)
            ]
            for future in futures:
                try:
                    made += future.result()
                except Exception as exc:
                    network_failures.append(str(exc))
        timings["network_seconds"] += time.monotonic() - phase
        return made

    # The documented logins and the first members, then the logins' own network
    # (in order: their mentor's room is counted), so they can log in while the
    # rest is still being made.
    first = persons[: 3 + min(count, FIRST_MEMBERS)]
    enrol_all(first, 0)
    rng = random.Random(f"demo-network:{seed}")
    asked = {}
    own_plan = relationships_plan(first, rng, asked, own=True)
    relationships = connect_all(own_plan, 1)
    if operator_token:  # always, unless a caller passed "" to publish nothing
        update = messages["service_update"]
        requests.post(
            base.rstrip("/") + "/api/v1/admin/service-updates",
            json=update,
            headers={"Authorization": f"Bearer {operator_token}"},
            timeout=30,
        )
    if logins_ready:
        logins_ready()
    enrol_all(persons[len(first) :], len(first))
    plan = relationships_plan(persons, rng, asked, own=False)
    relationships += connect_all(plan, workers)
    failures = member_failures + network_failures
    summary = {
        "members": len(persons) - len(member_failures),
        "requests": len(own_plan) + len(plan),
        "relationships": relationships,
        "failures": failures,
        "seconds": time.monotonic() - started,
        **timings,
    }
    say(
        f"{summary['members']} members, {summary['requests']} requests ({relationships} "
        f"accepted, with conversations) in {summary['seconds']:.0f} s "
        f"(members {timings['members_seconds']:.0f} s, network {timings['network_seconds']:.0f} s)"
    )
    for failure in failures[:5]:
        say("  failed: " + failure)
    return summary


def _first_question(answer):
    first = answer["items"][0]
    return first["question"] if isinstance(first, dict) else first


def logins():
    """The documented logins, as scripts/demo prints them."""
    personas = data("personas.yaml")
    lines = [
        f"  {personas[k]['username']:<15} {personas[k]['shows']}"
        for k in ("mentor", "student", "newcomer")
    ]
    lines.append(
        f"  {DEMO_OPERATOR:<15} the operators' console, /console/login (sets up TOTP first)"
    )
    return "\n".join(lines) + f"\n  password for all: {personas['password']}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "count",
        type=int,
        nargs="?",
        default=int(os.environ.get("DEMO_MEMBERS", "2000")),
        help="members besides the documented logins (DEMO_MEMBERS, 2000)",
    )
    parser.add_argument("--gateway", default=os.environ.get("GATEWAY_URL", "http://localhost:8000"))
    parser.add_argument("--workers", type=int, default=8, help="API clients at once (8)")
    args = parser.parse_args(argv)
    from mentornet_platform import settings

    identity_url = settings.get("IDENTITY_DATABASE_URL")
    try:
        summary = load(
            args.gateway,
            args.count,
            identity_url,
            args.workers,
        )
    except Refused as refusal:
        print(refusal, file=sys.stderr)
        return 3
    print("Demo logins (http://localhost:8000/login):\n" + logins())
    return 1 if summary.get("failures") else 0


if __name__ == "__main__":
    sys.exit(main())
