"""Affiliation, record import and login throttling against identity's database."""
import io
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from identity import accounts, affiliation, config, records, throttling
from identity.exceptions import InvalidInput, NotAuthenticated, Throttled


def form(**overrides):
    suffix = uuid.uuid4().hex[:8]
    data = {"first_name": "Eva", "last_name": "de Wit", "date_of_birth": "1990-01-31",
            "username": f"eva.{suffix}", "password": "tulip canal bicycle",
            "password_confirmation": "tulip canal bicycle", "email": f"eva.{suffix}@example.org",
            "email_confirmation": f"eva.{suffix}@example.org",
            "security_question": "First pet's name?", "security_answer": "Rex",
            "accept_privacy_policy": True, "accept_terms": True}
    data.update(overrides)
    return data


CSV_HEADER = ("record_number,role,first_name,last_name,date_of_birth,programme,faculty,"
              "year_started,year_graduated,email\n")


@pytest.mark.parametrize("a,b", [("van der Berg", "VAN DER BERG"), ("Ölund-Dárcy", "olund darcy"),
                                 ("d'Artagnan", "Dartagnan"), ("Çelik", "celik")])
def test_last_names_compare_ignoring_case_accents_spaces_and_punctuation(a, b):
    assert affiliation.comparable_name(a) == affiliation.comparable_name(b)


def test_the_csv_parser_reports_every_bad_line_by_number():
    rows, errors = records.parse(io.StringIO(
        CSV_HEADER +
        "s1,student,A,B,2000-01-01,Law,Law,2020,,\n"
        "s2,wizard,A,B,2000-01-01,Law,Law,2020,,\n"
        "s3,alumnus,A,B,2000-02-30,Law,Law,2015,,\n"
        "s4,alumnus,A,B,2000-01-01,Law,Law,2015,,\n"))
    assert [row["record_number"] for row in rows] == ["S1"]
    assert [error.split(":")[0] for error in errors] == ["line 3", "line 4", "line 5"]
    assert "year_graduated is required" in errors[2]


def test_a_header_without_the_columns_is_refused():
    rows, errors = records.parse(io.StringIO("number,name\n1,x\n"))
    assert rows == [] and "missing column" in errors[0]


def recorded_alumna(db):
    """Eva, in the university's records as an alumna of Biology, with an account."""
    number = "R" + uuid.uuid4().hex[:6].upper()
    rows, _ = records.parse(io.StringIO(
        CSV_HEADER + f"{number},alumnus,Eva,De Wit,1990-01-31,Biology,Science,2008,2012,\n"))
    records.load(db, rows)
    user_id = accounts.register(db, form())["account"]["user_id"]
    return number, user_id


def test_a_matching_record_verifies_and_prefills_the_study_details(db):
    number, user_id = recorded_alumna(db)
    result = affiliation.verify(db, user_id, "alumnus", number.lower())
    assert result["status"] == "verified"
    assert result["study_details"]["programme"] == "Biology"
    progress = accounts.get_onboarding(db, user_id)
    assert progress["next_step"] == "study_details" and progress["role"] == "alumnus"
    # A member who comes back later finds the record's details still there to confirm.
    assert progress["study_details"] == {
        "institution": config.university()["university_name"], "programme": "Biology",
        "faculty": "Science", "year_started": 2008, "year_graduated": 2012}
    assert progress["review"] is None


def test_the_progress_shows_the_latest_review_and_its_decision(db):
    user_id = accounts.register(db, form())["account"]["user_id"]
    affiliation.verify(db, user_id, "staff", "X1", request_review=True, note="New in May")
    pending = accounts.get_onboarding(db, user_id)
    assert pending["affiliation_status"] == "pending_review"
    assert pending["review"]["status"] == "pending" and pending["review"]["decided_at"] is None
    [review] = [r for r in affiliation.list_reviews(db)["items"] if r["user_id"] == user_id]
    affiliation.decide(db, review["id"], False, "operator", "No staff number X1.")
    rejected = accounts.get_onboarding(db, user_id)
    assert rejected["review"]["status"] == "rejected"
    assert rejected["review"]["reason"] == "No staff number X1."
    assert rejected["study_details"]["programme"] == ""  # nothing to pre-fill without a record


def test_failed_matches_are_counted_and_capped(db):
    user_id = accounts.register(db, form())["account"]["user_id"]
    for _ in range(5):
        with pytest.raises(InvalidInput):
            affiliation.verify(db, user_id, "student", "NOPE1")
    with pytest.raises(Throttled):
        affiliation.verify(db, user_id, "student", "NOPE1")
    assert affiliation.verify(db, user_id, "student", "NOPE1", request_review=True)["status"] == \
        "pending_review"


def test_the_lock_grows_with_further_failures_and_a_success_clears_it(db):
    login = f"someone.{uuid.uuid4().hex[:6]}"
    with db.transaction() as session:
        assert [throttling.admit(session, login) for _ in range(5)] == [0] * 5  # the 5th locks
        first = throttling.admit(session, login)
    with db.engine.begin() as connection:  # that lock runs out; one more try fails
        connection.execute(text("UPDATE login_throttles SET locked_until = now()"
                                " WHERE login_key = :k"), {"k": login})
    with db.transaction() as session:
        assert throttling.admit(session, login) == 0
        second = throttling.admit(session, login)
    assert 55 <= first <= 60 and 115 <= second <= 120
    with db.transaction() as session:
        throttling.clear(session, login)
        assert throttling.admit(session, login) == 0


def test_a_locked_login_is_refused_even_with_the_right_password(db):
    data = form()
    user_id = accounts.register(db, data)["account"]["user_id"]
    for _ in range(5):
        with pytest.raises(NotAuthenticated):
            accounts.login(db, data["username"], "wrong wrong wrong wrong")
    with pytest.raises(Throttled):
        accounts.login(db, data["username"], data["password"])
    with db.engine.begin() as connection:  # the lock runs out
        connection.execute(text("UPDATE login_throttles SET locked_until = :t WHERE login_key = :k"),
                           {"t": datetime.now(timezone.utc) - timedelta(seconds=1),
                            "k": throttling.account_key(user_id)})
    assert accounts.login(db, data["username"], data["password"])["token"]


def test_the_username_and_the_address_of_an_account_share_one_failure_count(db):
    """Two counts would give ten guesses per lock instead of five."""
    data = form()
    accounts.register(db, data)
    for login in (data["username"], data["email"].upper(), data["username"], data["email"],
                  f"  {data['username'].upper()} "):
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


def test_concurrent_guesses_cannot_slip_past_the_lock(db):
    import threading
    data = form()
    accounts.register(db, data)
    outcomes, barrier = [], threading.Barrier(12)

    def guess():
        barrier.wait()
        try:
            accounts.login(db, data["username"], "wrong wrong wrong wrong")
        except (NotAuthenticated, Throttled) as exc:
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=guess) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("NotAuthenticated") == 5  # only five passwords were ever tried
    assert outcomes.count("Throttled") == 7


def test_an_attempt_waiting_while_a_success_clears_the_count_is_still_counted(db):
    """Found by benchmarks/identity_flows.py as a 500: a login waiting for the
    name's row lock while a concurrent success deleted the row."""
    import threading
    name = f"racer.{uuid.uuid4().hex[:8]}"
    holder = db.engine.connect()
    holder.begin()
    holder.execute(text("INSERT INTO login_throttles (login_key, failures) VALUES (:k, 2)"),
                   {"k": name})
    holder.commit()
    holder.begin()
    holder.execute(text("SELECT 1 FROM login_throttles WHERE login_key = :k FOR UPDATE"),
                   {"k": name})
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
        assert connection.execute(text("SELECT failures FROM login_throttles WHERE login_key = :k"),
                                  {"k": name}).scalar() == 1


def wait_for_lock_waiters(db, count):
    import time
    deadline = time.monotonic() + 10
    with db.engine.connect() as connection:
        while connection.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                " AND datname = current_database()")).scalar() < count:
            assert time.monotonic() < deadline, "nobody waited for the lock"
            time.sleep(0.02)


def test_the_current_password_cannot_be_guessed_through_account_changes(db):
    data = form()
    user_id = accounts.register(db, data)["account"]["user_id"]
    for _ in range(5):
        with pytest.raises(InvalidInput):
            accounts.change_email(db, user_id, "new@example.org", "new@example.org", "guess guess guess")
    with pytest.raises(Throttled):
        accounts.delete_account(db, user_id, data["password"])


def test_study_details_are_verified_against_the_record_not_an_earlier_submission(db):
    from identity import onboarding
    number, user_id = recorded_alumna(db)
    recorded = affiliation.verify(db, user_id, "alumnus", number)["study_details"]

    def submitted(**changes):
        onboarding.submit_study_details(db, user_id, {**recorded, **changes})
        with db.engine.connect() as connection:
            return connection.execute(text(
                "SELECT study_details_verified FROM accounts WHERE id = :id"), {"id": user_id}).scalar()

    assert submitted() is True
    assert submitted(programme="Astrophysics") is False
    assert submitted(programme="Astrophysics") is False  # the same claim twice is still a claim
    assert submitted() is True  # back to what the record says
