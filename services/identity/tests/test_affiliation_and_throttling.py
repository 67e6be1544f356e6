"""Affiliation, record import, login throttling and allowances per client against
identity's database.  The per-client login tests run identity's real defaults."""

import functools
import io
import random
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from identity import accounts, affiliation, api_keys, config, records, throttling, tokens
from identity.exceptions import InvalidInput, NotAuthenticated, NotFound, Throttled


@pytest.fixture
def form(sign_up_form):
    """Eva de Wit's sign-up form (the records below know her), in the default language."""
    return functools.partial(sign_up_form, first_name="Eva", last_name="de Wit", language="en")


CSV_HEADER = (
    "record_number,role,first_name,last_name,date_of_birth,programme,faculty,"
    "year_started,year_graduated,email\n"
)


@pytest.mark.parametrize(
    "a,b",
    [
        ("van der Berg", "VAN DER BERG"),
        ("Ölund-Dárcy", "olund darcy"),
        ("d'Artagnan", "Dartagnan"),
        ("Çelik", "celik"),
    ],
)
def test_last_names_compare_ignoring_case_accents_spaces_and_punctuation(a, b):
    assert affiliation.comparable_name(a) == affiliation.comparable_name(b)


def test_the_csv_parser_reports_every_bad_line_by_number():
    rows, errors = records.parse(
        io.StringIO(
            CSV_HEADER + "s1,student,A,B,2000-01-01,Law,Law,2020,,\n"
            "s2,wizard,A,B,2000-01-01,Law,Law,2020,,\n"
            "s3,alumnus,A,B,2000-02-30,Law,Law,2015,,\n"
            "s4,alumnus,A,B,2000-01-01,Law,Law,2015,,\n"
        )
    )
    assert [row["record_number"] for row in rows] == ["S1"]
    assert [(error["line"], error["code"]) for error in errors] == [
        (3, "not_a_role"),
        (4, "not_a_date"),
        (5, "alumni_need_year_graduated"),
    ]
    assert errors[0]["params"] == {"value": "wizard", "roles": ["student", "alumnus", "staff"]}
    # The command line's English names the line and the value.
    assert records.english(errors[0]) == (
        "line 3: role 'wizard' is not one of student, alumnus, staff"
    )
    assert records.english(errors[2]) == "line 5: year_graduated is required for an alumnus"


def test_a_header_without_the_columns_is_refused():
    rows, errors = records.parse(io.StringIO("number,name\n1,x\n"))
    assert rows == [] and errors[0]["code"] == "missing_columns"
    assert "missing column(s) record_number, role" in records.english(errors[0])


def test_a_line_is_named_by_its_number_in_the_file_whatever_comes_before_it():
    rows, errors = records.read(
        (
            CSV_HEADER + "s1,student,A,B,2000-01-01,Law,Law,2020,,\n"
            "\n"  # a blank line is skipped, but counted
            's2,student,A,"B\nC",2000-01-01,Law,Law,2020,,\n'  # a value over two lines
            "s3,student,A,B,2000-01-01,Law,Law,2020\n"
            "s1,student,A,B,2000-01-01,Law,Law,2020,,\n"
            f"s5,student,{'A' * 101},B,2000-01-01,Law,Law,2020,,\n"
        ).encode()
    )
    assert [row["record_number"] for row in rows] == ["S1", "S2"]
    assert [(error["line"], error["code"]) for error in errors] == [
        (6, "column_count"),
        (7, "repeated"),
        (8, "too_long"),
    ]
    assert errors[1]["params"] == {"record_number": "S1", "role": "student", "first_line": 2}
    bad_bytes = records.read(CSV_HEADER.encode() + b"s1,student,A,B\xe9,2000-01-01,,,,,\n")
    assert bad_bytes == ([], [{"line": 2, "code": "not_utf8", "params": {}}])


def recorded_alumna(db, form):
    """Eva, in the university's records as an alumna of Biology, with an account."""
    number = "R" + uuid.uuid4().hex[:6].upper()
    rows, _ = records.parse(
        io.StringIO(
            CSV_HEADER + f"{number},alumnus,Eva,De Wit,1990-01-31,Biology,Science,2008,2012,\n"
        )
    )
    records.load(db, rows)
    user_id = accounts.register(db, form())["account"]["user_id"]
    return number, user_id


def test_a_matching_record_verifies_and_prefills_the_study_details(db, form):
    number, user_id = recorded_alumna(db, form)
    result = affiliation.verify(db, user_id, "alumnus", number.lower())
    assert result["status"] == "verified"
    assert result["study_details"]["programme"] == "Biology"
    progress = accounts.get_onboarding(db, user_id)
    assert progress["next_step"] == "study_details" and progress["role"] == "alumnus"
    # A member who comes back later finds the record's details still there to confirm.
    assert progress["study_details"] == {
        "institution": config.university()["university_name"],
        "programme": "Biology",
        "faculty": "Science",
        "year_started": 2008,
        "year_graduated": 2012,
    }
    assert progress["review"] is None


@pytest.mark.parametrize(
    "last_name,maiden_name,matches",
    [
        ("Jansen", "de Wit", True),  # married since: the record has her maiden name
        ("Jansen", "", False),  # no maiden name given: the record's name is not hers
        ("Jansen", "Bakker", False),  # neither name is the record's
    ],
)
def test_the_maiden_name_also_matches_the_record(db, last_name, maiden_name, matches, form):
    number, _ = recorded_alumna(db, form)
    user_id = accounts.register(db, form(last_name=last_name, maiden_name=maiden_name))["account"][
        "user_id"
    ]
    if matches:
        assert affiliation.verify(db, user_id, "alumnus", number)["status"] == "verified"
    else:
        with pytest.raises(InvalidInput) as refused:
            affiliation.verify(db, user_id, "alumnus", number)
        assert refused.value.code == "record_not_matched"


def test_the_progress_shows_the_latest_review_and_its_decision(db, form):
    user_id = accounts.register(db, form())["account"]["user_id"]
    affiliation.verify(db, user_id, "staff", "X1", request_review=True, note="New in May")
    pending = accounts.get_onboarding(db, user_id)
    assert pending["affiliation_status"] == "pending_review"
    assert pending["review"]["status"] == "pending" and pending["review"]["decided_at"] is None
    operator = {
        "api_key": api_keys.create_by_command(db, "reviews", ["affiliation_reviews"])["key"]
    }
    listed = affiliation.list_reviews(db, operator)["items"]
    [review] = [r for r in listed if r["user_id"] == user_id]
    affiliation.decide(db, operator, review["id"], False, "No staff number X1.")
    rejected = accounts.get_onboarding(db, user_id)
    assert rejected["review"]["status"] == "rejected"
    assert rejected["review"]["reason"] == "No staff number X1."
    assert rejected["study_details"]["programme"] == ""  # nothing to pre-fill without a record
    assert rejected["affiliation_status"] == "rejected"
    decided = [
        r
        for r in affiliation.list_reviews(db, operator, "rejected")["items"]
        if r["user_id"] == user_id
    ]
    assert [r["status"] for r in decided] == ["rejected"]
    assert user_id not in [r["user_id"] for r in affiliation.list_reviews(db, operator)["items"]]
    with pytest.raises(InvalidInput) as refused:
        affiliation.list_reviews(db, operator, "decided")
    assert refused.value.fields == {"status": ["Use pending, approved, rejected or all."]}


def test_failed_matches_are_counted_and_capped(db, form):
    user_id = accounts.register(db, form())["account"]["user_id"]
    for _ in range(5):
        with pytest.raises(InvalidInput):
            affiliation.verify(db, user_id, "student", "NOPE1")
    with pytest.raises(Throttled):
        affiliation.verify(db, user_id, "student", "NOPE1")
    assert (
        affiliation.verify(db, user_id, "student", "NOPE1", request_review=True)["status"]
        == "pending_review"
    )


def test_the_lock_grows_with_further_failures_and_a_success_clears_it(db):
    login = f"someone.{uuid.uuid4().hex[:6]}"
    with db.transaction() as session:
        assert [throttling.admit(session, login) for _ in range(5)] == [0] * 5  # the 5th locks
        first = throttling.admit(session, login)
    with db.engine.begin() as connection:  # that lock runs out; one more try fails
        connection.execute(
            text("UPDATE login_throttles SET locked_until = now() WHERE login_key = :k"),
            {"k": login},
        )
    with db.transaction() as session:
        assert throttling.admit(session, login) == 0
        second = throttling.admit(session, login)
    assert 55 <= first <= 60 and 115 <= second <= 120
    with db.transaction() as session:
        throttling.clear(session, login)
        assert throttling.admit(session, login) == 0


def test_a_locked_login_is_refused_even_with_the_right_password(db, form):
    data = form()
    user_id = accounts.register(db, data)["account"]["user_id"]
    for _ in range(5):
        with pytest.raises(NotAuthenticated):
            accounts.login(db, data["username"], "wrong wrong wrong wrong")
    with pytest.raises(Throttled):
        accounts.login(db, data["username"], data["password"])
    with db.engine.begin() as connection:  # the lock runs out
        connection.execute(
            text("UPDATE login_throttles SET locked_until = :t WHERE login_key = :k"),
            {"t": datetime.now(UTC) - timedelta(seconds=1), "k": throttling.account_key(user_id)},
        )
    assert accounts.login(db, data["username"], data["password"])["token"]


def test_the_username_and_the_address_of_an_account_share_one_failure_count(db, form):
    """Two counts would give ten guesses per lock instead of five."""
    data = form()
    accounts.register(db, data)
    for login in (
        data["username"],
        data["email"].upper(),
        data["username"],
        data["email"],
        f"  {data['username'].upper()} ",
    ):
        with pytest.raises(NotAuthenticated):
            accounts.login(db, login, "wrong wrong wrong wrong")
    for login in (data["username"], data["email"]):
        with pytest.raises(Throttled):
            accounts.login(db, login, data["password"])


def test_an_unknown_name_locks_after_as_many_failures_as_an_account(db):
    ghost = f"ghost.{uuid.uuid4().hex[:6]}@example.org"
    for _ in range(5):
        with pytest.raises(NotAuthenticated):
            accounts.login(db, ghost, "wrong wrong wrong wrong")
    with pytest.raises(Throttled):
        accounts.login(db, ghost.upper(), "wrong wrong wrong wrong")


def at_once(count, attempt):
    """Run ``attempt`` in ``count`` threads released together; the names of the
    refusals they met (each attempt here is a wrong guess, so it is refused)."""
    outcomes, barrier = [], threading.Barrier(count)

    def run():
        barrier.wait()
        try:
            attempt()
        except (NotAuthenticated, Throttled) as exc:
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_concurrent_guesses_cannot_slip_past_the_lock(db, form):
    data = form()
    accounts.register(db, data)
    outcomes = at_once(12, lambda: accounts.login(db, data["username"], "wrong wrong wrong wrong"))
    assert outcomes.count("NotAuthenticated") == 5  # only five passwords were ever tried
    assert outcomes.count("Throttled") == 7


def test_an_attempt_waiting_while_a_success_clears_the_count_is_still_counted(db):
    """Found by benchmarks/identity_flows.py as a 500: a login waiting for the
    name's row lock while a concurrent success deleted the row."""
    name = f"racer.{uuid.uuid4().hex[:8]}"
    holder = db.engine.connect()
    holder.begin()
    holder.execute(
        text("INSERT INTO login_throttles (login_key, failures) VALUES (:k, 2)"), {"k": name}
    )
    holder.commit()
    holder.begin()
    holder.execute(
        text("SELECT 1 FROM login_throttles WHERE login_key = :k FOR UPDATE"), {"k": name}
    )
    outcome = []

    def attempt():
        try:
            with db.transaction() as session:
                outcome.append(throttling.admit(session, name))
        except Exception as exc:
            outcome.append(exc)

    waiting = threading.Thread(target=attempt)
    waiting.start()
    wait_for_lock_waiters(db, 1)
    holder.execute(text("DELETE FROM login_throttles WHERE login_key = :k"), {"k": name})
    holder.commit()  # the success's clear()
    holder.close()
    waiting.join()
    assert outcome == [0]
    with db.engine.connect() as connection:
        assert (
            connection.execute(
                text("SELECT failures FROM login_throttles WHERE login_key = :k"), {"k": name}
            ).scalar()
            == 1
        )


def wait_for_lock_waiters(db, count):
    deadline = time.monotonic() + 10
    with db.engine.connect() as connection:
        while (
            connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                    " AND datname = current_database()"
                )
            ).scalar()
            < count
        ):
            assert time.monotonic() < deadline, "nobody waited for the lock"
            time.sleep(0.02)


def test_the_current_password_cannot_be_guessed_through_account_changes(db, form):
    data = form()
    user_id = accounts.register(db, data)["account"]["user_id"]
    for _ in range(5):
        with pytest.raises(InvalidInput):
            accounts.change_email(
                db, user_id, "new@example.org", "new@example.org", "guess guess guess"
            )
    with pytest.raises(Throttled):
        accounts.delete_account(db, user_id, data["password"])


def test_study_details_are_verified_against_the_record_not_an_earlier_submission(db, form):
    from identity import onboarding

    number, user_id = recorded_alumna(db, form)
    recorded = affiliation.verify(db, user_id, "alumnus", number)["study_details"]

    def submitted(**changes):
        onboarding.submit_study_details(db, user_id, {**recorded, **changes})
        with db.engine.connect() as connection:
            return connection.execute(
                text("SELECT study_details_verified FROM accounts WHERE id = :id"), {"id": user_id}
            ).scalar()

    assert submitted() is True
    assert submitted(programme="Astrophysics") is False
    assert submitted(programme="Astrophysics") is False  # the same claim twice is still a claim
    assert submitted() is True  # back to what the record says


# -- allowances per client (a spray or a flood stopped; a computer room not) --
def new_client():
    """An address of its own for each test (the database is shared by the session)."""
    return "10.{}.{}.{}".format(*(random.randrange(256) for _ in range(3)))


def test_the_defaults_are_the_documented_ones():
    assert config.CLIENT_LIMITS == {
        "login": (50, 900),
        "sign_up": (60, 3600),
        "password_reset": (30, 3600),
        "email_confirmation": (30, 3600),
        "api_key": (10, 3600),
    }
    assert config.LOGIN_SUCCESS_COST == 0.1


@pytest.mark.parametrize(
    "written,meant",
    [
        ("50 per 15 minutes", (50, 900)),
        ("60 per hour", (60, 3600)),
        (" 3 PER 2 Days ", (3, 172800)),
        ("1 per 1 second", (1, 1)),
    ],
)
def test_an_allowance_is_written_as_attempts_per_period(monkeypatch, written, meant):
    monkeypatch.setenv("SOME_LIMIT", written)
    assert config.allowance("SOME_LIMIT", "1 per hour") == meant


@pytest.mark.parametrize(
    "written", ["50", "0 per hour", "50 per fortnight", "50/15m", "5 per 0 hours"]
)
def test_a_badly_written_allowance_stops_the_service_rather_than_lifting_the_limit(
    monkeypatch, written
):
    monkeypatch.setenv("SOME_LIMIT", written)
    with pytest.raises(ValueError, match="SOME_LIMIT"):
        config.allowance("SOME_LIMIT", "1 per hour")


def test_ipv6_clients_are_counted_by_their_64_and_mapped_ipv4_as_ipv4():
    assert throttling.client_key("2001:db8:1:2:aaaa::1") == throttling.client_key(
        "2001:db8:1:2::ffff"
    )
    assert throttling.client_key("2001:db8:1:3::1") != throttling.client_key("2001:db8:1:2::1")
    assert throttling.client_key("::ffff:192.0.2.7") == "192.0.2.7"
    assert throttling.client_key("192.0.2.7") == "192.0.2.7"


def test_a_spray_over_many_names_from_one_client_is_stopped_and_says_when_to_retry(db):
    """100 guesses over 25 names: four each, under every name's own lock-out."""
    client = new_client()
    names = [f"someone.{uuid.uuid4().hex[:6]}" for _ in range(25)]
    outcomes = []
    for guess in range(100):
        try:
            accounts.login(db, names[guess % 25], "summer2026 summer2026", client)
            outcomes.append("accepted")
        except NotAuthenticated:
            outcomes.append("wrong")
        except Throttled as exc:
            outcomes.append((exc.code, exc.retry_after))
    attempts, period = config.CLIENT_LIMITS["login"]
    assert outcomes[:attempts] == ["wrong"] * attempts
    # A machine slow enough to take 18 s over the first 50 gets one more back.
    refused = [outcome for outcome in outcomes[attempts:] if outcome != "wrong"]
    assert len(refused) >= 40
    assert {code for code, _ in refused} == {"too_many_requests"}
    # The allowance refills one attempt every period / attempts (18 s by default).
    assert all(1 <= wait <= period / attempts + 1 for _, wait in refused)
    # Another address is not affected.
    with pytest.raises(NotAuthenticated):
        accounts.login(db, names[0], "summer2026 summer2026", new_client())


def test_a_computer_room_behind_one_address_signs_up_and_logs_in(db, form):
    """40 students sign up and log in from one address at the start of a class,
    a quarter of them mistyping their password first; then the room is still
    not refused, while the allowance left would still stop a spray."""
    room = new_client()
    students = [form() for _ in range(40)]
    started = time.monotonic()
    for student in students:
        accounts.register(db, student, client=room)
    for number, student in enumerate(students):
        if number % 4 == 0:
            with pytest.raises(NotAuthenticated):
                accounts.login(db, student["username"], "my old password, surely", room)
        assert accounts.login(db, student["email"], student["password"], room)["token"]
    attempts, period = config.CLIENT_LIMITS["login"]
    used = 10 + 40 * config.LOGIN_SUCCESS_COST
    # The allowance refills while the room works (one every 18 s): a slow
    # machine leaves a little more, never less.
    regained = (time.monotonic() - started) * attempts / period
    left = 0
    while True:  # what the room left: a spray now gets about this far
        try:
            accounts.login(db, f"ghost.{uuid.uuid4().hex[:6]}", "guess guess guess", room)
        except NotAuthenticated:
            left += 1
        except Throttled:
            break
    assert attempts - used - 1 <= left <= attempts - used + regained + 1


def test_concurrent_attempts_cannot_overdraw_the_allowance(db, monkeypatch):
    monkeypatch.setitem(config.CLIENT_LIMITS, "login", (5, 900))
    client = new_client()
    outcomes = at_once(
        12, lambda: accounts.login(db, f"ghost.{uuid.uuid4().hex[:6]}", "guess guess guess", client)
    )
    assert sorted(outcomes) == ["NotAuthenticated"] * 5 + ["Throttled"] * 7


def test_sign_ups_from_one_client_are_limited_before_any_hash(db, monkeypatch, form):
    monkeypatch.setitem(config.CLIENT_LIMITS, "sign_up", (3, 3600))
    client = new_client()
    for _ in range(3):
        accounts.register(db, form(), client=client)
    with pytest.raises(Throttled) as refused:
        accounts.register(db, form(), client=client)
    assert refused.value.retry_after >= 1000  # one sign-up back every 20 minutes
    with pytest.raises(InvalidInput):  # a malformed form is refused as before, not counted
        accounts.register(db, {"username": "x"}, client=client)
    assert accounts.register(db, form(), client=new_client())["token"]


def test_password_reset_steps_draw_on_one_allowance_and_a_right_answer_gives_back(
    db, monkeypatch, form
):
    monkeypatch.setitem(config.CLIENT_LIMITS, "password_reset", (4, 3600))
    client = new_client()
    data = form()
    accounts.register(db, data)
    accounts.request_password_reset(db, data["username"], client)  # 1
    with pytest.raises(NotFound):
        accounts.verify_password_reset(db, "guessed-link", "Rex", client)  # 2
    with pytest.raises(NotFound):
        accounts.security_question_for(db, "another-guess", client)  # 3
    accounts.request_password_reset(db, "nobody-at-all", client)  # 4
    with pytest.raises(Throttled):
        accounts.request_password_reset(db, data["username"], client)
    with pytest.raises(Throttled):
        accounts.complete_password_reset(
            db, "guessed", "a brand new password", "a brand new password", client
        )


def test_a_right_security_answer_and_a_valid_link_give_their_attempt_back(db, monkeypatch, form):
    monkeypatch.setitem(config.CLIENT_LIMITS, "password_reset", (2, 3600))
    client = new_client()
    data = form()
    accounts.register(db, data)
    with db.transaction() as session:  # the link the reset mail would carry
        account_id = accounts._account_by_login(session, data["username"]).id
        token = tokens.issue(session, account_id, "reset_password", timedelta(minutes=5))
    for _ in range(3):
        assert accounts.security_question_for(db, token, client)["security_question"]
    grant = accounts.verify_password_reset(db, token, data["security_answer"], client)[
        "reset_token"
    ]
    assert accounts.complete_password_reset(
        db, grant, "a brand new password", "a brand new password", client
    )["token"]  # 1 used
    accounts.request_password_reset(db, data["username"], client)  # 2 used
    with pytest.raises(Throttled):
        accounts.request_password_reset(db, data["username"], client)


def test_wrong_confirmation_links_are_limited_per_client_and_right_ones_free(db, monkeypatch):
    monkeypatch.setitem(config.CLIENT_LIMITS, "email_confirmation", (2, 3600))
    client = new_client()
    for _ in range(2):
        with pytest.raises(NotFound):
            accounts.confirm_email(db, f"guess-{uuid.uuid4().hex}", client)
    with pytest.raises(Throttled):
        accounts.confirm_email(db, f"guess-{uuid.uuid4().hex}", client)


def test_whole_allowances_are_forgotten(db):
    client = new_client()
    with db.transaction() as session:
        assert throttling.spend(session, client, "login") == 0
        throttling.give_back(session, client, "login")
        throttling.give_back(session, client, "login")  # the row is whole, and then some
    with db.transaction() as session:
        assert throttling.forget_idle_clients(session) >= 1
    with db.transaction() as session:
        assert throttling.spend(session, client, "login") == 0
