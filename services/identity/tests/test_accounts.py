"""Sign-up, login and sessions against identity's real database."""

import uuid
from datetime import UTC, datetime

import pytest
from nameko.testing.services import worker_factory
from sqlalchemy import text

from identity import accounts, config, tokens
from identity.exceptions import Conflict, InvalidInput, NotAuthenticated, NotFound
from identity.service import IdentityService
from mentornet_contracts.events import validate_payload


def test_register_writes_account_consents_and_one_contract_valid_event(
    db, sign_up_form, outbox_for
):
    result = accounts.register(db, sign_up_form())
    user_id = result["account"]["user_id"]
    [envelope] = outbox_for(user_id)
    assert envelope["type"] == "account_registered" and envelope["version"] == 1
    data = validate_payload("identity", "account_registered", 1, envelope["data"])
    assert data["language"] == "nl"
    with db.engine.connect() as connection:
        consents = (
            connection.execute(
                text("SELECT document FROM consents WHERE account_id = :id ORDER BY document"),
                {"id": user_id},
            )
            .scalars()
            .all()
        )
        stored = connection.execute(
            text("SELECT password_hash, security_answer_hash FROM accounts WHERE id = :id"),
            {"id": user_id},
        ).one()
    assert consents == ["privacy_policy", "terms"]
    assert stored.password_hash.startswith("$argon2id$") and "tulip" not in stored.password_hash
    assert stored.security_answer_hash.startswith("$argon2id$")


def test_a_duplicate_writes_nothing(db, sign_up_form):
    first = sign_up_form()
    accounts.register(db, first)
    before = db_count(db, "outbox_events")
    with pytest.raises(Conflict) as error:
        accounts.register(db, sign_up_form(username=first["username"].upper()))
    assert error.value.code == "username_taken" and "username" in error.value.fields
    assert db_count(db, "outbox_events") == before


def test_sign_ups_racing_for_one_username_give_one_account_and_clear_refusals(db, sign_up_form):
    import threading

    name = f"race.{uuid.uuid4().hex[:8]}"
    outcomes, barrier = [], threading.Barrier(4)

    def sign_up():
        barrier.wait()  # all past the early check before any has committed
        try:
            outcomes.append(
                accounts.register(db, sign_up_form(username=name))["account"]["username"]
            )
        except Conflict as exc:
            outcomes.append(exc.code)

    threads = [threading.Thread(target=sign_up) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [name] + ["username_taken"] * 3


def test_invalid_input_names_the_fields(db, sign_up_form):
    with pytest.raises(InvalidInput) as error:
        accounts.register(db, sign_up_form(email="nope", password="short"))
    assert {"email", "password"} <= set(error.value.fields)


def db_count(db, table):
    with db.engine.connect() as connection:
        return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()


def test_login_by_username_or_email_and_generic_failures(db, sign_up_form):
    data = sign_up_form()
    accounts.register(db, data)
    assert accounts.login(db, data["username"], data["password"])["token"]
    assert accounts.login(db, data["email"].upper(), data["password"])["token"]
    with pytest.raises(NotAuthenticated) as wrong:
        accounts.login(db, data["username"], "wrong password here")
    with pytest.raises(NotAuthenticated) as unknown:
        accounts.login(db, "nobody.at.all", "wrong password here")
    assert wrong.value.args == unknown.value.args


def test_sessions_end_at_logout_after_30_idle_minutes_and_after_12_hours(db, sign_up_form):
    data = sign_up_form()
    token = accounts.register(db, data)["token"]
    assert accounts.authenticate(db, token)["username"] == data["username"]
    accounts.logout(db, token)
    with pytest.raises(NotAuthenticated):
        accounts.authenticate(db, token)

    idle = accounts.login(db, data["username"], data["password"])["token"]
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE sessions SET last_seen_at = now() - interval '31 minutes'"
                " WHERE token_hash = :h"
            ),
            {"h": tokens.digest(idle)},
        )
    with pytest.raises(NotAuthenticated):
        accounts.authenticate(db, idle)

    # each request restarts the idle clock
    active = accounts.login(db, data["username"], data["password"])["token"]
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE sessions SET last_seen_at = now() - interval '25 minutes'"
                " WHERE token_hash = :h"
            ),
            {"h": tokens.digest(active)},
        )
    accounts.authenticate(db, active)
    with db.engine.connect() as connection:
        assert connection.execute(
            text(
                "SELECT now() - last_seen_at < interval '1 minute' FROM sessions WHERE token_hash = :h"
            ),
            {"h": tokens.digest(active)},
        ).scalar()

    old = accounts.login(db, data["username"], data["password"])["token"]
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE sessions SET expires_at = now() - interval '1 second' WHERE token_hash = :h"
            ),
            {"h": tokens.digest(old)},
        )
    with pytest.raises(NotAuthenticated):
        accounts.authenticate(db, old)


def test_the_same_idempotency_key_gives_the_same_account(db, sign_up_form, outbox_for):
    data = sign_up_form()
    key = str(uuid.uuid4())
    first = accounts.register(db, data, idempotency_key=key)
    again = accounts.register(db, data, idempotency_key=key)
    assert first["account"]["user_id"] == again["account"]["user_id"]
    assert first["token"] != again["token"]
    assert len(outbox_for(first["account"]["user_id"])) == 1


def test_the_account_is_ready_once_profiles_mentoring_and_notifications_have_it(db, sign_up_form):
    from identity.handlers import mark_profile_ready

    user_id = accounts.register(db, sign_up_form())["account"]["user_id"]
    assert accounts.get_onboarding(db, user_id)["account_parts"] == {
        "profile": False,
        "mentoring": False,
        "notifications": False,
    }
    from identity.handlers import mark_mentoring_ready, mark_notifications_ready

    step = {"user_id": uuid.UUID(user_id), "created_at": datetime.now(UTC)}
    for mark in (mark_profile_ready, mark_mentoring_ready):
        with db.transaction() as session:
            mark(session, step, {})
    progress = accounts.get_onboarding(db, user_id)
    assert progress["account_ready"] is False and progress["account_parts"] == {
        "profile": True,
        "mentoring": True,
        "notifications": False,
    }
    with db.transaction() as session:
        mark_notifications_ready(session, step, {})
    assert accounts.get_onboarding(db, user_id)["account_ready"] is True


def test_entrypoints_are_thin_over_the_domain(db, sign_up_form):
    service = worker_factory(IdentityService, db=db)
    data = sign_up_form()
    result = service.register_account(data, client="192.0.2.10")
    assert service.username_available(data["username"]) is False
    assert service.suggest_username("Jan", "de Vries").startswith("jan.devries")
    assert service.authenticate(result["token"])["user_id"] == result["account"]["user_id"]
    assert service.health() == {"service": "identity", "status": "ok"}


def test_an_idempotency_key_alone_is_no_way_into_someone_elses_account(db, sign_up_form):
    key = str(uuid.uuid4())
    victim = sign_up_form()
    accounts.register(db, victim, idempotency_key=key)
    with pytest.raises(Conflict) as error:
        accounts.register(db, sign_up_form(), idempotency_key=key)  # another form, same key
    assert error.value.code == "idempotency_key_reused"
    with pytest.raises(Conflict):
        accounts.register(
            db,
            dict(
                victim,
                password="not the victim's password!",
                password_confirmation="not the victim's password!",
            ),
            idempotency_key=key,
        )


def test_asking_for_resets_in_someones_name_never_kills_their_link(db, sign_up_form):
    data = sign_up_form()
    accounts.register(db, data)
    for _ in range(8):  # more than the hourly allowance: the extra ones are dropped quietly
        assert accounts.request_password_reset(db, data["username"]) == accounts.RESET_ACCEPTED
    with db.engine.connect() as connection:
        live = connection.execute(
            text(
                "SELECT count(*) FROM email_tokens t JOIN accounts a ON a.id = t.account_id"
                " WHERE a.username = :u AND t.purpose = 'reset_password' AND t.used_at IS NULL"
            ),
            {"u": data["username"]},
        ).scalar()
    assert live == accounts.RESET_REQUESTS_PER_HOUR


def test_a_few_wrong_security_answers_spend_the_reset_link(db, sign_up_form):
    data = sign_up_form()
    accounts.register(db, data)
    accounts.request_password_reset(db, data["email"].upper())  # e-mail, any case, works too
    with db.engine.connect() as connection:
        link = connection.execute(
            text(
                "SELECT envelope->'data'->>'reset_url' FROM outbox_events"
                " WHERE event_type = 'password_reset_requested' ORDER BY id DESC LIMIT 1"
            )
        ).scalar()
    token = link.split("token=")[1]
    for _ in range(config.RESET_ANSWER_ATTEMPTS):
        with pytest.raises(InvalidInput) as wrong:
            accounts.verify_password_reset(db, token, "Minoes")
        assert wrong.value.code == "wrong_answer"
    with pytest.raises(NotFound):  # even the right answer comes too late now
        accounts.verify_password_reset(db, token, data["security_answer"])


def test_the_language_can_be_changed_and_notifications_is_told_once_per_change(
    db, sign_up_form, outbox_for
):
    data = sign_up_form(language="nl")
    user_id = accounts.register(db, data)["account"]["user_id"]
    assert accounts.change_language(db, user_id, "en") == {"user_id": user_id, "language": "en"}
    assert accounts.change_language(db, user_id, "en")["language"] == "en"  # no change, no event
    token = accounts.login(db, data["username"], data["password"])["token"]
    assert accounts.authenticate(db, token)["language"] == "en"  # the pages follow it
    [envelope] = outbox_for(user_id, "account_language_changed")
    payload = validate_payload("identity", "account_language_changed", 1, envelope["data"])
    assert payload["language"] == "en" and payload["changed_at"].tzinfo is not None
    # Mails identity asks for from now on carry the new language.
    accounts.request_password_reset(db, data["username"])
    [reset] = outbox_for(user_id, "password_reset_requested")
    assert reset["data"]["language"] == "en"


@pytest.mark.parametrize("language", ["fr", "", None, 7, "EN"])
def test_only_english_and_dutch_are_languages(db, language, sign_up_form, outbox_for):
    user_id = accounts.register(db, sign_up_form())["account"]["user_id"]
    with pytest.raises(InvalidInput) as refused:
        accounts.change_language(db, user_id, language)
    assert set(refused.value.fields) == {"language"}
    assert outbox_for(user_id, "account_language_changed") == []


def test_a_language_change_for_no_account_is_not_found(db):
    with pytest.raises(NotFound):
        accounts.change_language(db, str(uuid.uuid4()), "en")


def test_the_language_entrypoint_is_thin(db, sign_up_form):
    service = worker_factory(IdentityService, db=db)
    user_id = service.register_account(sign_up_form(language="en"), client="192.0.2.10")["account"][
        "user_id"
    ]
    assert service.change_language(user_id, "nl") == {"user_id": user_id, "language": "nl"}


def reset_links(db, count):
    """The tokens of the newest ``count`` reset links identity asked to e-mail."""
    with db.engine.connect() as connection:
        urls = (
            connection.execute(
                text(
                    "SELECT envelope->'data'->>'reset_url' FROM outbox_events"
                    " WHERE event_type = 'password_reset_requested' ORDER BY id DESC LIMIT :n"
                ),
                {"n": count},
            )
            .scalars()
            .all()
        )
    return [url.split("token=")[1] for url in urls]


def test_completing_a_reset_revokes_every_other_open_reset_link_and_grant(db, sign_up_form):
    data = sign_up_form()
    accounts.register(db, data)
    for _ in range(3):
        accounts.request_password_reset(db, data["username"])
    used, *others = reset_links(db, 3)
    spare_grant = accounts.verify_password_reset(db, others[0], data["security_answer"])[
        "reset_token"
    ]
    grant = accounts.verify_password_reset(db, used, data["security_answer"])["reset_token"]
    accounts.complete_password_reset(
        db, grant, "lantern harbour violin meadow", "lantern harbour violin meadow"
    )
    for token in others[1:]:
        with pytest.raises(NotFound):
            accounts.verify_password_reset(db, token, data["security_answer"])
        with pytest.raises(NotFound):
            accounts.security_question_for(db, token)
    with pytest.raises(NotFound):
        accounts.complete_password_reset(
            db, spare_grant, "another quiet river stone", "another quiet river stone"
        )
    assert accounts.login(db, data["username"], "lantern harbour violin meadow")["token"]


@pytest.mark.parametrize(
    "word", ["username", "email", "local part", "first name", "last name", "whole name"]
)
def test_a_password_made_of_the_accounts_own_words_is_refused_everywhere(db, word, sign_up_form):
    suffix = uuid.uuid4().hex[:8]
    data = sign_up_form(
        first_name="Bartholomeuszoon",
        last_name="Vandenbroucke-Ackermans",
        username=f"bartholomeus.{suffix}",
        email=f"bart.vdb.{suffix}@example.org",
        email_confirmation=f"bart.vdb.{suffix}@example.org",
    )
    # Case and spaces do not make it another word.
    password = {
        "username": f"BARTHOLOMEUS.{suffix}",
        "email": f"Bart.VDB.{suffix}@example.org",
        "local part": f"bart.vdb.{suffix}",
        "first name": "bartholomeus zoon",
        "last name": "VANDENBROUCKE-ACKERMANS",
        "whole name": "Bartholomeuszoon Vandenbroucke-Ackermans",
    }[word]
    with pytest.raises(InvalidInput) as at_sign_up:
        accounts.register(db, dict(data, password=password, password_confirmation=password))
    assert at_sign_up.value.fields == {
        "password": ["Do not use your username, e-mail address or name as your password."]
    }

    user_id = accounts.register(db, data)["account"]["user_id"]
    with pytest.raises(InvalidInput) as at_change:
        accounts.change_password(db, user_id, data["password"], password, password)
    assert list(at_change.value.fields) == ["password"]

    accounts.request_password_reset(db, data["username"])
    [link] = reset_links(db, 1)
    grant = accounts.verify_password_reset(db, link, data["security_answer"])["reset_token"]
    with pytest.raises(InvalidInput) as at_reset:
        accounts.complete_password_reset(db, grant, password, password)
    assert list(at_reset.value.fields) == ["password"]
    # Refused before the grant is spent: the member can still choose another.
    assert (
        accounts.complete_password_reset(
            db, grant, "quiet orchard lantern", "quiet orchard lantern"
        )["user_id"]
        == user_id
    )


def confirmation_token(outbox_for, user_id):
    [envelope] = outbox_for(user_id, "email_confirmation_requested")[-1:]
    return envelope["data"]["confirmation_url"].split("token=")[1]


def test_a_sign_up_with_a_confirmed_address_answers_as_usual_and_only_its_owner_is_mailed(
    db, sign_up_form, outbox_for
):
    owner_form = sign_up_form()
    owner = accounts.register(db, owner_form)
    accounts.confirm_email(db, confirmation_token(outbox_for, owner["account"]["user_id"]))
    address = owner_form["email"].upper()
    squatter_form = sign_up_form(
        email=address,
        email_confirmation=address,
        password="squatter's own passphrase",
        password_confirmation="squatter's own passphrase",
    )
    squatter = accounts.register(db, squatter_form)
    # The same answer as any sign-up: nothing says the address has an account.
    assert squatter.keys() == owner.keys() and squatter["account"].keys() == owner["account"].keys()
    assert squatter["onboarding"] == owner["onboarding"]
    squatter_id = squatter["account"]["user_id"]
    # No link and no address for the squatter: nothing is mailed to the owner for them.
    assert outbox_for(squatter_id, "email_confirmation_requested") == []
    [registered] = outbox_for(squatter_id)
    assert (
        validate_payload("identity", "account_registered", 1, registered["data"])["email"] is None
    )
    [attempt] = outbox_for(owner["account"]["user_id"], "address_sign_up_attempted")
    told = validate_payload("identity", "address_sign_up_attempted", 1, attempt["data"])
    assert told["email"] == owner_form["email"] and told["username"] == owner_form["username"]
    # The address logs in to its owner; a reset asked for by the squatter's name mails nobody.
    assert (
        accounts.login(db, address, owner_form["password"])["user_id"]
        == owner["account"]["user_id"]
    )
    with pytest.raises(NotAuthenticated):
        accounts.login(db, address, squatter_form["password"])
    assert accounts.login(db, squatter_form["username"], squatter_form["password"])["token"]
    assert accounts.request_password_reset(db, squatter_form["username"]) == accounts.RESET_ACCEPTED
    assert outbox_for(squatter_id, "password_reset_requested") == []
    # The squatter cannot take the address over, not even through a change.
    with pytest.raises(Conflict) as taken:
        accounts.change_email(db, squatter_id, address, address, squatter_form["password"])
    assert taken.value.code == "email_taken"


def test_two_sign_ups_with_one_new_address_both_succeed_and_the_first_to_confirm_owns_it(
    db, sign_up_form, outbox_for
):
    first_form = sign_up_form()
    address = first_form["email"]
    second_form = sign_up_form(email=address, email_confirmation=address)
    first = accounts.register(db, first_form)["account"]["user_id"]
    second = accounts.register(db, second_form)["account"]["user_id"]  # no email_taken
    # Nobody owns it yet: each gets its link (whoever reads the address decides).
    first_link, second_link = (
        confirmation_token(outbox_for, first),
        confirmation_token(outbox_for, second),
    )
    with pytest.raises(NotAuthenticated):  # two accounts give it: it names neither
        accounts.login(db, address, first_form["password"])
    assert accounts.confirm_email(db, second_link)["confirmed"] is True
    with pytest.raises(Conflict) as refused:
        accounts.confirm_email(db, first_link)
    assert (
        refused.value.code == "email_taken" and "another account" in refused.value.message.lower()
    )
    assert list(refused.value.fields) == ["email"]
    assert accounts.login(db, address, second_form["password"])["user_id"] == second
    accounts.request_password_reset(db, first_form["username"])
    assert outbox_for(first, "password_reset_requested") == []


def test_two_accounts_confirming_one_address_at_once_give_one_owner(db, sign_up_form, outbox_for):
    import threading

    address = sign_up_form()["email"]
    ids = [
        accounts.register(db, sign_up_form(email=address, email_confirmation=address))["account"][
            "user_id"
        ]
        for _ in range(3)
    ]
    links = [confirmation_token(outbox_for, user_id) for user_id in ids]
    outcomes, barrier = [], threading.Barrier(3)

    def confirm(link):
        barrier.wait()
        try:
            outcomes.append(accounts.confirm_email(db, link)["confirmed"])
        except Conflict as exc:
            outcomes.append(exc.code)

    threads = [threading.Thread(target=confirm, args=(link,)) for link in links]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=str) == [True, "email_taken", "email_taken"]
