"""Demo members for the profiles database:
``DEMO_DATA=yes python -m profiles.demo N`` (or ``make demo-data N=...``).
Refused without DEMO_DATA=yes, and on a database that has a real member (a
profile whose address is not at example.org).

Makes N realistic members (Dutch and international names, headlines, bios in
English or Dutch, careers across the sectors, studies across programmes and
years) in the profiles database that PROFILES_DATABASE_URL points at. About one
member in five is available as a mentor with room left (a verified alumnus or
staff member); some others offer mentoring but are switched off or full, some
are students, a few are not verified. The same seed gives the same members.
Who they are (names, careers, programmes, countries) and what they write about
themselves (headlines, bios) is in data/demo_people.yaml: no names or careers here.

Profiles only: no identity accounts are made, so nobody can log in as these
members. They populate mentor search, the sector cloud and the member directory
for profiles' benchmarks. ``make demo`` (demo/loader.py) makes a network of the
same people that one can log in to, through the running system's API.

Two ways in, sharing everything but the writing:

* ``--one-by-one``: each member goes through profiles' own domain functions
  (``create_for_account``, ``record_study_details``, ``update_profile``,
  ``set_mentor_settings``), events and all. Slow (several transactions per
  member), fine for a few hundred.
* bulk (the default): the same member specs, validated and normalised by the
  same schemas those functions use, become rows in memory; ``search_text`` is
  written by profiles' own ``search_text_of``; the rows go in with COPY.
  No outbox events are written (there are no accounts to announce them to).
  Members whose ids already exist are skipped, so a rerun adds nothing twice.
"""

import argparse
import io
import multiprocessing
import os
import random
import sys
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, date, datetime
from itertools import repeat
from types import SimpleNamespace

import yaml

from mentornet_contracts.statuses import Role
from profiles import config, member_profiles
from profiles.models import Education, Position, Profile
from profiles.schemas import MentorSettingsSchema, ProfilePatchSchema

ID_NAMESPACE = uuid.UUID("6f1c8f0e-3b7a-4f55-9d1e-5a0d3c2b7e41")
INSTITUTION = "Example University"
THIS_YEAR = date.today().year


# -- what members are made of (profiles/data/demo_people.yaml) --------------------
def _people():
    with open(
        os.path.join(os.path.dirname(__file__), "data", "demo_people.yaml"), encoding="utf-8"
    ) as f:
        return yaml.safe_load(f)


_PEOPLE = _people()
FIRST_NAMES_NL = _PEOPLE["first_names"]["nl"]
LAST_NAMES_NL = _PEOPLE["last_names"]["nl"]
FIRST_NAMES_INTL = _PEOPLE["first_names"]["international"]
LAST_NAMES_INTL = _PEOPLE["last_names"]["international"]
# sector -> (job titles, organisations)
CAREERS = {sector: (c["titles"], c["organisations"]) for sector, c in _PEOPLE["careers"].items()}
# (programme, faculty, sectors its graduates often go into)
PROGRAMMES = [(p["programme"], p["faculty"], p["sectors"]) for p in _PEOPLE["programmes"]]
TOPICS_EN, TOPICS_NL = _PEOPLE["topics"]["en"], _PEOPLE["topics"]["nl"]
# country -> (weight, cities, languages a mentor there offers besides English)
COUNTRIES = {
    code: (c["weight"], c["cities"], c["languages"]) for code, c in _PEOPLE["countries"].items()
}
STREETS = _PEOPLE["streets"]
INSTITUTIONS_ELSEWHERE = _PEOPLE["institutions_elsewhere"]
WRITING = _PEOPLE["writing"]  # language -> what members write, with {names} to fill


def member_id(seed, index):
    """The same seed and position give the same member id."""
    return str(uuid.uuid5(ID_NAMESPACE, f"{seed}:{index}"))


def _month(year, month):
    return f"{year:04d}-{month:02d}"


def _ascii(text):
    return "".join(ch for ch in member_profiles.fold(text) if ch.isalnum())


def _career(rng, graduated, main_sector):
    """Positions from graduation to now, newest first; the newest current, in ``main_sector``."""
    first = min(graduated + rng.randint(0, 1), THIS_YEAR - 1)
    later = range(first + 1, THIS_YEAR)
    count = min(rng.choice((1, 2, 2, 3)), 1 + len(later))
    starts = [first] + sorted(rng.sample(later, count - 1))
    sectors = [rng.choice(list(CAREERS)) for _ in starts[:-1]] + [main_sector]
    positions = []
    for number, (start, sector) in enumerate(zip(starts, sectors)):
        titles, organisations = CAREERS[sector]
        current = number == len(starts) - 1
        position = {
            "organisation": rng.choice(organisations),
            "title": rng.choice(titles),
            "sector": sector,
            "start_month": _month(start, rng.randint(1, 12)),
            "current": current,
        }
        if not current:  # ends the year the next one starts (later years only)
            position["end_month"] = _month(starts[number + 1], 1)
        positions.append(position)
    return list(reversed(positions))


def _bio(rng, language, title, organisation, programme, city, years):
    topic, other_topic = rng.sample(TOPICS_NL if language == "nl" else TOPICS_EN, 2)
    written = WRITING[language]
    sentences = [
        sentence.format(
            programme=programme,
            title=title.lower(),
            organisation=organisation,
            city=city,
            years=years,
            topic=topic,
            other_topic=other_topic,
        )
        for sentence in written["bio"]
    ]
    if rng.random() < 0.5:
        sentences.append(rng.choice(written["asides"]))
    return " ".join(sentences)


def make_member(seed, index):
    """One member's spec, the same for the same (seed, index): what identity's events
    would carry, the profile changes, and the mentor settings."""
    rng = random.Random(f"{seed}:{index}")
    user_id = member_id(seed, index)
    dutch = rng.random() < 0.65
    first = rng.choice(FIRST_NAMES_NL if dutch else FIRST_NAMES_INTL)
    last = rng.choice(LAST_NAMES_NL if dutch else LAST_NAMES_INTL)
    middle = ""
    if rng.random() < 0.15:
        middle = rng.choice(FIRST_NAMES_NL if dutch else FIRST_NAMES_INTL)
    username = f"{_ascii(first)}.{_ascii(last)}.{index}"[:40]

    # One member in five is an available mentor with room left (verified alumnus
    # or staff); among the others some offer mentoring but are off or full.
    mentor = index % 5 == 0
    if mentor:
        role = Role.STAFF if rng.random() < 0.15 else Role.ALUMNUS
        verified = True
    else:
        role = rng.choices((Role.STUDENT, Role.ALUMNUS, Role.STAFF), (45, 45, 10))[0]
        verified = rng.random() < 0.92
    programme, faculty, likely_sectors = rng.choice(PROGRAMMES)
    if role == Role.STUDENT:
        started = rng.randint(THIS_YEAR - 5, THIS_YEAR)
        graduated = None
    else:
        graduated = rng.randint(1975, THIS_YEAR - 1)
        started = graduated - rng.choice((3, 4, 4, 5, 6))
    study = {
        "user_id": user_id,
        "role": role,
        "institution": INSTITUTION,
        "programme": programme,
        "faculty": faculty,
        "year_started": started,
        "year_graduated": graduated,
        "verified": True,
    }

    country = rng.choices(list(COUNTRIES), [w for w, _, _ in COUNTRIES.values()])[0]
    _, cities, local_languages = COUNTRIES[country]
    city = rng.choice(cities)
    language = "nl" if country in ("NL", "BE") and rng.random() < 0.6 else "en"
    main_sector = rng.choice(likely_sectors) if rng.random() < 0.8 else rng.choice(list(CAREERS))
    changes = {
        "address": {
            "line1": f"{rng.choice(STREETS)} {rng.randint(1, 250)}",
            "city": city,
            "country": country,
        }
    }
    if role == Role.STUDENT:
        written = WRITING[language]
        changes["headline"] = written["student_headline"].format(programme=programme)[:125]
        if rng.random() < 0.6:
            changes["bio"] = written["student_bio"].format(
                year=THIS_YEAR - started + 1,
                programme=programme,
                topic=rng.choice(TOPICS_NL if language == "nl" else TOPICS_EN),
            )
    else:
        positions = _career(rng, max(graduated, 1980), main_sector)
        current = positions[0]
        changes["positions"] = positions
        changes["headline"] = WRITING[language]["headline"].format(
            title=current["title"], organisation=current["organisation"]
        )[:125]
        changes["bio"] = _bio(
            rng,
            language,
            current["title"],
            current["organisation"],
            programme,
            city,
            THIS_YEAR - graduated,
        )
        if rng.random() < 0.2:
            other, other_faculty, _ = rng.choice(PROGRAMMES)
            changes["education"] = [
                {
                    "institution": rng.choice(INSTITUTIONS_ELSEWHERE),
                    "programme": other,
                    "faculty": other_faculty,
                    "year_started": graduated,
                    "year_graduated": min(THIS_YEAR, graduated + 1),
                }
            ]
        if rng.random() < 0.3:
            changes["linkedin_url"] = f"https://www.linkedin.com/in/{username.replace('.', '-')}"

    settings = None
    current_mentees = 0
    languages = sorted({"en", *local_languages[: rng.randint(0, len(local_languages))]})
    if mentor or (verified and role in (Role.ALUMNUS, Role.STAFF) and rng.random() < 0.12):
        capacity = rng.choice((1, 1, 2, 2, 3, 4, 5))
        sectors = sorted({main_sector, *rng.sample(likely_sectors, rng.randint(0, 2))})
        settings = {
            "available": True,
            "max_mentees": capacity,
            "sectors": sectors,
            "languages": languages,
            "activities": rng.sample(config.activity_ids(), rng.randint(1, 4)),
        }
        if mentor:
            current_mentees = rng.randint(0, capacity - 1)
        elif rng.random() < 0.5:
            current_mentees = capacity  # full
        else:
            settings["available"] = False  # switched off for now

    account = {
        "user_id": user_id,
        "username": username,
        "first_name": first,
        "middle_names": middle,
        "last_name": last,
        "email": f"{username}@example.org",
    }
    return {
        "user_id": user_id,
        "account": account,
        "study": study if verified else None,
        "changes": changes,
        "settings": settings,
        "current_mentees": current_mentees,
        "language": language,
    }


# -- one by one, through the domain functions ---------------------------------------
def _envelope(kind):
    return {
        "event_id": str(uuid.uuid4()),
        "type": kind,
        "version": 1,
        "occurred_at": datetime.now(UTC).isoformat(),
    }


def create_member(db, spec):
    """The member exactly as the running system would make them (events included)."""
    with db.transaction() as session:
        member_profiles.create_for_account(
            session, spec["account"], _envelope("account_registered")
        )
        if spec["study"]:
            member_profiles.record_study_details(
                session, spec["study"], _envelope("study_details_submitted")
            )
    member_profiles.update_profile(db, spec["user_id"], spec["changes"])
    if spec["settings"]:
        member_profiles.set_mentor_settings(db, spec["user_id"], spec["settings"])
    if spec["current_mentees"]:
        # Kept from mentoring's events in the running system; set directly here.
        with db.transaction() as session:
            session.get(Profile, spec["user_id"]).current_mentees = spec["current_mentees"]


# -- bulk: the same specs as rows, written with COPY ----------------------------------
PROFILE_COLUMNS = [
    column.name for column in Profile.__table__.columns if column.name != "search_vector"
]  # generated by PostgreSQL
POSITION_COLUMNS = [c.name for c in Position.__table__.columns if c.name != "id"]
EDUCATION_COLUMNS = [c.name for c in Education.__table__.columns if c.name != "id"]


Row = SimpleNamespace  # cheaper than ORM objects, and search_text_of only reads attributes

# The schemas update_profile and set_mentor_settings load with (made once: making
# one costs more than loading with it).
_PATCH = ProfilePatchSchema()
_SETTINGS = MentorSettingsSchema()


def member_rows(spec, now=None):
    """(profile, positions, educations) of a spec: rows (one attribute per column)
    holding what the domain functions would have saved, search_text included."""
    now = now or datetime.now(UTC)
    changes = _PATCH.load(spec["changes"])  # what update_profile checks
    settings = _SETTINGS.load(spec["settings"]) if spec["settings"] else None
    account = spec["account"]
    profile = Row(
        user_id=spec["user_id"],
        username=account["username"],
        first_name=account["first_name"],
        middle_names=account["middle_names"],
        last_name=account["last_name"],
        email=account["email"],
        headline="",
        bio="",
        website="",
        skype="",
        linkedin_url="",
        address_line1="",
        address_line2="",
        city="",
        region="",
        postcode="",
        country="",
        verified=False,
        role=None,
        suspended=False,  # demo members are never suspended
        suspension_changed_at=None,
        mentor_available=False,
        mentor_activities=[],
        mentor_max_mentees=1,
        mentor_sectors=[],
        mentor_languages=[],
        mentor_note="",
        current_mentees=spec["current_mentees"],
        created_at=now,
        updated_at=now,
        linkedin_connected_at=None,
        linkedin_link_changed_at=None,
        linkedin_imported_at=None,
    )
    educations = []
    study = spec["study"]
    if study:  # record_study_details
        educations.append(
            Row(
                user_id=profile.user_id,
                source="registration",
                **{
                    k: study[k]
                    for k in (
                        "institution",
                        "programme",
                        "faculty",
                        "year_started",
                        "year_graduated",
                        "verified",
                    )
                },
            )
        )
        profile.verified = True
        profile.role = study["role"]
    # update_profile
    for name in (
        "first_name",
        "middle_names",
        "last_name",
        "headline",
        "bio",
        "website",
        "skype",
        "linkedin_url",
    ):
        if name in changes:
            setattr(profile, name, changes[name])
    for name, value in changes.get("address", {}).items():
        setattr(profile, member_profiles.ADDRESS_COLUMNS[name], value)
    positions = [
        Row(user_id=profile.user_id, rank=rank, source="member", **p)
        for rank, p in enumerate(changes.get("positions", []))
    ]
    educations += [
        Row(user_id=profile.user_id, source="member", verified=False, **e)
        for e in changes.get("education", [])
    ]
    if settings:  # set_mentor_settings
        profile.mentor_available = settings["available"]
        profile.mentor_activities = settings["activities"]
        profile.mentor_max_mentees = settings["max_mentees"]
        profile.mentor_sectors = settings["sectors"]
        profile.mentor_languages = settings["languages"]
        profile.mentor_note = settings["note"]
    profile.search_text = member_profiles.search_text_of(profile, positions, educations)
    profile.search_vector = None  # generated by PostgreSQL
    missing = {c for c in PROFILE_COLUMNS if not hasattr(profile, c)}
    assert not missing, f"demo.py does not fill {missing}"
    return profile, positions, educations


def _copy_value(value):
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (list, tuple)):
        return (
            "{"
            + ",".join('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in value)
            + "}"
        )
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


def _copy_text(columns, objects):
    return "".join(
        "\t".join(_copy_value(getattr(obj, c)) for c in columns) + "\n" for obj in objects
    )


def copy_data(specs, now=None):
    """The COPY input of ``specs``: {table: (columns, text)}."""
    rows = [member_rows(spec, now) for spec in specs]
    return {
        "profiles": (PROFILE_COLUMNS, _copy_text(PROFILE_COLUMNS, [r[0] for r in rows])),
        "positions": (
            POSITION_COLUMNS,
            _copy_text(POSITION_COLUMNS, [p for r in rows for p in r[1]]),
        ),
        "educations": (
            EDUCATION_COLUMNS,
            _copy_text(EDUCATION_COLUMNS, [e for r in rows for e in r[2]]),
        ),
    }


def _write(db, data):
    """COPY one batch in one transaction (profiles first: the others refer to them)."""
    connection = db.engine.raw_connection()
    try:
        with connection.cursor() as cursor:
            for table in ("profiles", "positions", "educations"):
                columns, text = data[table]
                if text:
                    cursor.copy_expert(
                        f"COPY {table} ({', '.join(columns)}) FROM STDIN", io.StringIO(text)
                    )
        connection.commit()
    except BaseException:
        connection.rollback()
        raise
    finally:
        connection.close()


def _existing(db, ids):
    with db.engine.connect() as connection:
        return set(
            connection.exec_driver_sql(
                "SELECT user_id FROM profiles WHERE user_id = ANY(%(ids)s)", {"ids": ids}
            ).scalars()
        )


def _build_batch(seed, indexes, now):
    """In a worker process: the specs and COPY input of some members."""
    return len(indexes), copy_data([make_member(seed, i) for i in indexes], now)


def load(db, count, seed=2024, bulk=True, batch=2000, start=0, progress=None, workers=None):
    """Make members ``start`` .. ``start + count - 1`` of ``seed``; returns how many are new.

    In bulk, worker processes build the rows while this one writes earlier batches."""
    indexes = range(start, start + count)
    if not bulk:
        for done, index in enumerate(indexes, 1):
            create_member(db, make_member(seed, index))
            if progress and (done % 100 == 0 or done == count):
                progress(done, count)
        return count
    existing = _existing(db, [member_id(seed, i) for i in indexes])
    todo = [i for i in indexes if member_id(seed, i) not in existing]
    batches = [todo[i : i + batch] for i in range(0, len(todo), batch)]
    now = datetime.now(UTC)
    made = 0
    workers = workers or max(1, min(4, os.cpu_count() or 1))
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        for size, data in pool.map(_build_batch, repeat(seed), batches, repeat(now)):
            _write(db, data)
            made += size
            if progress:
                progress(made + len(existing), count)
    # What autovacuum would soon do after a load this size: statistics for the
    # planner, and the visibility map that lets index-only scans skip the table.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for table in ("profiles", "positions", "educations", "open_mentors"):
            connection.exec_driver_sql(f"VACUUM ANALYZE {table}")
    return made


def _real_members(engine):
    """Profiles not made here (every demo member's address is at example.org)."""
    with engine.connect() as connection:
        return connection.exec_driver_sql(
            "SELECT count(*) FROM profiles WHERE email NOT LIKE '%%@example.org'"
        ).scalar()


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Make N demo members in the profiles database (PROFILES_DATABASE_URL)."
    )
    parser.add_argument("count", type=int, help="how many members")
    parser.add_argument(
        "--seed", type=int, default=2024, help="the same seed gives the same members"
    )
    parser.add_argument(
        "--start", type=int, default=0, help="first member number (add more to an earlier run)"
    )
    parser.add_argument(
        "--one-by-one",
        action="store_true",
        help="through the domain functions, events included (slow)",
    )
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("count must be at least 1")

    from mentornet_platform import settings
    from mentornet_platform.database import Database, make_engine

    if os.environ.get("DEMO_DATA", "").lower() not in ("yes", "1", "true"):
        print(
            "Demo data is written only when asked for: set DEMO_DATA=yes "
            "(`make demo-data` does). Nothing was written.",
            file=sys.stderr,
        )
        return 3
    engine = make_engine(settings.get("PROFILES_DATABASE_URL"), pool_size=2)
    real = _real_members(engine)
    if real:
        print(
            f"This database already has {real} real member(s): demo members are never mixed "
            "with them. Nothing was written.",
            file=sys.stderr,
        )
        engine.dispose()
        return 3
    started = time.monotonic()

    def progress(done, total):
        print(f"\r{done}/{total} members", end="", file=sys.stderr, flush=True)

    made = load(
        Database(engine),
        args.count,
        args.seed,
        bulk=not args.one_by_one,
        start=args.start,
        progress=progress,
    )
    print(
        f"\n{made} new members ({args.count - made} were there already) in "
        f"{time.monotonic() - started:.1f} s",
        file=sys.stderr,
    )
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
